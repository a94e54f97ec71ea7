"""The elements of a JSON array of insights, each with the line where it starts."""

from __future__ import annotations

import json
import re

_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class BrokenJson(ValueError):
    """The document is not the JSON we expect; `str(error)` says where and why."""


def array_elements(text: str) -> list[tuple[int, int, object]]:
    """`(line, offset, value)` of each element of a top-level array or of `{"insights": [...]}`.

    `offset` is the element's character index in `text`. The whole document is checked before
    anything is returned: a broken document raises `BrokenJson`, so nothing of it is half-read.
    """
    try:
        pos = _skip(text, 0)
        if text.startswith("[", pos):
            elements, pos = _array(text, pos)
        elif text.startswith("{", pos):
            elements, pos = _insights_member(text, pos)
        else:
            raise BrokenJson('expected a JSON array of insights, or an object with an "insights" list')
        pos = _skip(text, pos)
        if pos != len(text):
            raise _broken("unexpected text after the end of the JSON document", text, pos)
    except BrokenJson:
        raise
    except json.JSONDecodeError as error:
        raise _broken(error.msg, text, error.pos) from None
    except RecursionError:
        raise BrokenJson("the JSON is nested too deeply") from None
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        raise BrokenJson(f"the JSON cannot be read: {error}") from None
    return _with_lines(text, elements)


def _array(text: str, pos: int) -> tuple[list[tuple[int, object]], int]:
    """Elements `(offset, value)` of the array opening at `pos`, and the index after it."""
    elements: list[tuple[int, object]] = []
    pos = _skip(text, pos + 1)
    if text.startswith("]", pos):
        return elements, pos + 1
    while True:
        value, end = _DECODER.raw_decode(text, pos)
        elements.append((pos, value))
        pos = _skip(text, end)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif text.startswith("]", pos):
            return elements, pos + 1
        else:
            raise _broken("expected ',' or ']' after an element of the array", text, pos)


def _insights_member(text: str, pos: int) -> tuple[list[tuple[int, object]], int]:
    """The elements of the `insights` array of the object opening at `pos`."""
    found: list[tuple[int, object]] | None = None
    pos = _skip(text, pos + 1)
    while not text.startswith("}", pos):
        if not text.startswith('"', pos):
            raise _broken("expected a property name in double quotes", text, pos)
        key, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if not text.startswith(":", pos):
            raise _broken("expected ':' after a property name", text, pos)
        pos = _skip(text, pos + 1)
        if key == "insights" and text.startswith("[", pos):
            found, pos = _array(text, pos)
        else:
            _, pos = _DECODER.raw_decode(text, pos)
        pos = _skip(text, pos)
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
        elif not text.startswith("}", pos):
            raise _broken("expected ',' or '}' after a property", text, pos)
    if found is None:
        raise BrokenJson('expected a JSON array of insights, or an object with an "insights" list')
    return found, pos + 1


def _with_lines(text: str, elements: list[tuple[int, object]]) -> list[tuple[int, int, object]]:
    """Attach line numbers in one pass over the text (elements are in document order)."""
    numbered: list[tuple[int, int, object]] = []
    line, counted = 1, 0
    for offset, value in elements:
        line += text.count("\n", counted, offset)
        counted = offset
        numbered.append((line, offset, value))
    return numbered


def _skip(text: str, pos: int) -> int:
    match = _SPACE.match(text, pos)
    return match.end() if match else pos


def _broken(message: str, text: str, pos: int) -> BrokenJson:
    line = text.count("\n", 0, pos) + 1
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return BrokenJson(f"the JSON is broken at line {line}, column {column}: {message}")
