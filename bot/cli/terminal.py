"""What the command line prints: text made safe for a terminal.

Everything the `podbrief` commands print goes through `echo`, because it carries text strangers
wrote (feed titles, insights, file names): a control character there could move the cursor,
retitle the window, rewrite what was printed before or hide a link (ESC/OSC sequences, C1
controls, bidi overrides).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import click

#: Characters a terminal may act on: C0 and C1 controls (but the line feed), DEL, bidi controls, line separators.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """`text` with nothing a terminal would act on: each control character but the line feed becomes a
    space, and bidi controls are dropped."""
    return _UNSAFE.sub(_replacement, text)


def _replacement(match: re.Match[str]) -> str:
    return "" if unicodedata.category(match.group()) == "Cf" else " "


def printable_json(document: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with the characters `printable` removes
    written as `\\uXXXX` escapes instead: the same data, nothing a terminal acts on."""
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def echo(message: str = "", *, err: bool = False, nl: bool = True, **style: Any) -> None:
    """Print one message for the operator, made `printable`, in click's colours when given."""
    click.secho(printable(message), err=err, nl=nl, **style)
