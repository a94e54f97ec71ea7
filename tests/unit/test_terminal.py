"""Text for the operator's terminal: nothing in it can drive the terminal, and every command prints through it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.cli.terminal import printable, printable_json

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(("hostile", "shown"), [
    ("title\x1b]0;owned\x07", "title ]0;owned "),
    ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", " ]8;;https://evil.example \\click ]8;; \\"),
    ("red\x1b[31m text\x9b2J", "red [31m text 2J"),
    ("over\rwrite", "over write"),
    ("back\x08\x08space", "back  space"),
    ("abc\u202edcba\u2066x\u2069", "abcdcbax"),
    ("line\u2028break", "line break"),
    ("two\nlines\tand a tab", "two\nlines and a tab"),
    ("Café · naïve — 日本語 ✓", "Café · naïve — 日本語 ✓"),
])
def test_control_characters_become_spaces_and_bidi_controls_vanish(hostile: str, shown: str) -> None:
    assert printable(hostile) == shown


def test_json_for_the_terminal_keeps_the_data_and_escapes_what_a_terminal_acts_on() -> None:
    data = {"text": "a\x1b[2J b\x9d c\u202e d\u2028 e — ✓"}
    document = printable_json(json.dumps(data, ensure_ascii=False))
    assert printable(document) == document
    assert json.loads(document) == data


def test_the_command_line_modules_print_only_through_the_terminal_echo() -> None:
    modules = [*(p for p in (ROOT / "bot" / "cli").glob("*.py") if p.name != "terminal.py"), ROOT / "standin" / "demo.py"]
    assert len(modules) >= 9
    direct = re.compile(r"\bclick\.(?:echo|secho)\(|(?<![\w.])print\(|sys\.std(?:out|err)\.write\(")
    offenders = [f"{path.name}:{n}" for path in modules
                 for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if direct.search(line)]
    assert offenders == []
