"""What the command line prints: text made safe for a terminal, and Block Kit rendered as plain text.

Everything the `podbrief` commands print goes through `echo`, because it carries text strangers
wrote (feed titles, insights, file names): a control character there could move the cursor,
retitle the window, rewrite what was printed before or hide a link (ESC/OSC sequences, C1
controls, bidi overrides).
"""

from __future__ import annotations

import re
import textwrap
import unicodedata
from collections.abc import Sequence
from typing import Any

import click

WIDTH = 78
#: Characters a terminal may act on: C0 and C1 controls (but the line feed), DEL, bidi controls, line separators.
_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_JSON = re.compile("[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_LINK = re.compile(r"<([^|<>]+)\|([^<>]*)>")
_BARE = re.compile(r"<([#@!])([^|<>]*)>")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")


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


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn -> readable text: links as "label (url)", dates as their fallback."""

    def labelled(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("!date^"):
            return label
        if target.startswith(("#", "@")):
            return label or target
        return f"{label} ↗"

    text = _LINK.sub(labelled, text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _BARE.sub(lambda m: ("#" if m.group(1) == "#" else "@") + m.group(2), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _wrap(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent) or [""])
    return lines


def render_blocks(blocks: Sequence[dict[str, Any]]) -> str:
    """The blocks of one message as lines of text."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            lines.extend(_wrap(mrkdwn_to_text(block.get("text", {}).get("text", ""))))
        elif kind == "header":
            lines.append("  " + block.get("text", {}).get("text", "").upper())
        elif kind == "context":
            parts = [mrkdwn_to_text(e.get("text", "")) for e in block.get("elements", []) if "text" in e]
            lines.extend(_wrap("  ".join(parts), indent="    "))
        elif kind == "actions":
            buttons = [f"[ {e.get('text', {}).get('text', '')} ]" for e in block.get("elements", [])]
            lines.append("    " + " ".join(buttons))
        elif kind == "divider":
            lines.append("  " + "─" * (WIDTH - 4))
    return "\n".join(lines)


def render_message(message: dict[str, Any], title: str) -> str:
    """A framed rendering of a message payload (blocks, or its text when it has none)."""
    body = render_blocks(message["blocks"]) if message.get("blocks") else "\n".join(_wrap(message.get("text", "")))
    bar = "═" * WIDTH
    return f"{bar}\n {title}\n{bar}\n{body}\n"
