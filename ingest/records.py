"""One raw import record (a dict read from JSON or CSV) into a `NewInsight`, or a message a person understands.

Fields: `text` (required), `podcast`, `episode`, `url`, `audio_url`, `start_seconds`,
`published_at`, `topics`. Field names are matched case-insensitively ("Published At" is
`published_at`); unknown fields are ignored; empty strings and nulls count as absent.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from insights.model import NewInsight
from insights.text import clean_display_text, has_words

MAX_TEXT_LENGTH = 2_000
#: The width of the url columns in storage.
MAX_URL_LENGTH = 2_000
TOPIC_SEPARATOR = ";"
DATE_EXAMPLE = "example: 2024-05-01 or 2024-05-01T09:30:00Z"
SECONDS_EXAMPLE = "example: 93.5, 12:34 or 1:02:03"

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
_CLOCK = re.compile(r"(?:(\d+):)?(\d+):(\d+(?:\.\d+)?)")
_KEY_SEPARATORS = re.compile(r"[\s-]+")
#: NUL cannot be stored by PostgreSQL; lone surrogates cannot be encoded as UTF-8 at all.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
#: Control characters (terminal escapes, C1) mean nothing in text: each becomes a space.
_CONTROL = re.compile("[\x01-\x1f\x7f-\x9f]")
#: Bidi embeddings, overrides and isolates can make text read differently from what it says.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
#: No episode is longer than this; larger numbers are mistakes (and make absurd links).
MAX_START_SECONDS = 7 * 24 * 3600


class InvalidRecord(ValueError):
    """A record that cannot become an insight; `str(error)` says why, for a person."""


@lru_cache(maxsize=1024)
def field_name(key: str) -> str:
    """The canonical name of a field as written in a file ("Start Seconds" -> "start_seconds")."""
    return _KEY_SEPARATORS.sub("_", key.strip().lower())


def parse_record(raw: object) -> NewInsight:
    """The insight `raw` describes; raises `InvalidRecord` naming every bad field."""
    fields = _fields(raw)
    episode = _episode_fields(fields)
    outcomes = (
        _parse_or_problem(_text, "text", _present(fields.get("text"))),
        *episode[:4],
        _memoised("start_seconds", _present(fields.get("start_seconds"))),
        *episode[4:],
    )
    problems = [outcome.message for outcome in outcomes if isinstance(outcome, _Problem)]
    if problems:
        raise InvalidRecord("; ".join(problems))
    return NewInsight(*outcomes)  # type: ignore[arg-type]  # no _Problem is left


#: The fields in `NewInsight` order; all but `text` and `start_seconds` describe the episode.
_FIELD_ORDER = ("text", "podcast", "episode", "url", "audio_url", "start_seconds", "published_at", "topics")
_EPISODE_FIELDS = ("podcast", "episode", "url", "audio_url", "published_at", "topics")
_CANONICAL = frozenset(_FIELD_ORDER)
_STR = frozenset([str])
_PLAIN = frozenset([str, tuple, type(None)])


def _fields(raw: object) -> Mapping[str, Any]:
    """`raw`'s fields by canonical name (the first of two spellings of one name wins)."""
    if type(raw) is dict and raw.keys() <= _CANONICAL:  # the usual file: names already canonical
        return raw
    if not isinstance(raw, Mapping):
        raise InvalidRecord(f'expected an object with a "text" field, found {_kind(raw)}')
    fields: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(key, str):
            fields.setdefault(field_name(key), value)
    return fields


def _episode_fields(fields: Mapping[str, Any]) -> tuple[object, ...]:
    """The outcomes of the episode's fields; a file repeats them on every row of an episode, so the
    six are remembered together when they are plain strings (or lists of strings, or absent)."""
    values = [fields.get(name) for name in _EPISODE_FIELDS]
    topics = values[5]
    if type(topics) is list and set(map(type, topics)) <= _STR:
        values[5] = ("list", *topics)  # not equal to any string, nor to another field's value
    if set(map(type, values)) <= _PLAIN:
        key = tuple(values)
        found = _episodes.get(key)
        if found is None:
            found = tuple(_memoised(name, _present(fields.get(name))) for name in _EPISODE_FIELDS)
            if len(_episodes) >= _MEMO_SIZE:
                _episodes.clear()
            _episodes[key] = found
        return found
    return tuple(_memoised(name, _present(fields.get(name))) for name in _EPISODE_FIELDS)


def _memoised(name: str, value: object) -> object:
    """`_PARSERS[name]`'s outcome for `value`, remembered by value."""
    key = _memo_key(name, value)
    if key is None:
        return _parse_or_problem(_PARSERS[name], name, value)
    outcome = _parsed.get(key, _MISSING)
    if outcome is _MISSING:
        outcome = _parse_or_problem(_PARSERS[name], name, value)
        if len(_parsed) >= _MEMO_SIZE:
            _parsed.clear()
        _parsed[key] = outcome
    return outcome


@dataclass(frozen=True, slots=True)
class _Problem:
    message: str


_MISSING = object()
#: Parsed field values by (field, type, value): a file repeats its podcast, episode, links,
#: dates and topics on every row of an episode, and each is parsed once. Parsing is a pure
#: function of the value, so a remembered outcome is the outcome.
_parsed: dict[tuple[str, type, object], object] = {}
#: The outcomes of an episode's six fields, by their raw values (see `_episode_fields`).
_episodes: dict[tuple[object, ...], tuple[object, ...]] = {}
_MEMO_SIZE = 20_000


def _memo_key(name: str, value: object) -> tuple[str, type, object] | None:
    """The memo key of a field value (the type too: True, 1 and 1.0 are equal keys otherwise)."""
    if isinstance(value, (str, int, float)) or value is None:
        return (name, type(value), value)
    if isinstance(value, list) and all(type(item) is str for item in value):
        return (name, list, tuple(value))
    return None


def _parse_or_problem(parse: Callable[[str, Any], Any], name: str, value: object) -> object:
    try:
        return parse(name, value)
    except InvalidRecord as error:
        return _Problem(str(error))


def _present(value: object) -> object:
    """None for absent values: null, or a string that is empty after trimming."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _text(name: str, value: object) -> str:
    if value is None:
        raise InvalidRecord(f'"{name}" is missing or empty')
    text = _displayable(_string(name, value))
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidRecord(f'"{name}" is {len(text):,} characters long; the limit is {MAX_TEXT_LENGTH:,}')
    if not has_words(text):
        raise InvalidRecord(f'"{name}": {_show(text)} has no words')
    return text


def _name(name: str, value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # "episode": 42
    return _displayable(_string(name, value))


def _url(name: str, value: object) -> str | None:
    if value is None:
        return None
    url = _string(name, value).strip()
    if len(url) > MAX_URL_LENGTH:
        raise InvalidRecord(f'"{name}" is {len(url):,} characters long; the limit is {MAX_URL_LENGTH:,}')
    if not _is_web_address(url):
        raise InvalidRecord(f'"{name}": {_show(url)} is not a web address (it must start with http:// or https://)')
    return url


def _is_web_address(url: str) -> bool:
    if " " in url or not url.isprintable():
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(host)


def _seconds(name: str, value: object) -> float | None:
    if value is None:
        return None
    seconds = _to_seconds(value)
    if seconds is None or not math.isfinite(seconds):
        raise InvalidRecord(f'"{name}": {_show(value)} is not a number of seconds or a timestamp ({SECONDS_EXAMPLE})')
    if seconds < 0:
        raise InvalidRecord(f'"{name}": {_show(value)} must be 0 or more')
    if seconds > MAX_START_SECONDS:
        raise InvalidRecord(f'"{name}": {_show(value)} is more than a week ({MAX_START_SECONDS:,} seconds)')
    return abs(seconds)  # -0.0 -> 0.0


def _to_seconds(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:
            return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _NUMBER.fullmatch(text):
        return float(text)
    clock = _CLOCK.fullmatch(text)
    if clock is None:
        return None
    hours, minutes, seconds = clock.groups()
    try:
        if float(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
            return None
        return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)
    except (ValueError, OverflowError):  # absurdly many digits
        return None


def _timestamp(name: str, value: object) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip()) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidRecord(f'"{name}": {_show(value)} is not an ISO 8601 date ({DATE_EXAMPLE})')
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise InvalidRecord(f'"{name}": {_show(value)} is out of range') from None


def _topics(name: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        items: list[Any] = value.split(TOPIC_SEPARATOR)
    elif isinstance(value, list) and all(isinstance(item, str) for item in value):
        items = value
    else:
        raise InvalidRecord(
            f'"{name}": {_show(value)} must be a list of strings (in CSV: one string, topics separated by ";")'
        )
    unique: dict[str, str] = {}
    for item in items:
        topic = _displayable(_storable(name, item))
        if topic:
            unique.setdefault(topic.casefold(), topic)
    return tuple(unique.values())


_PARSERS: dict[str, Callable[[str, Any], Any]] = {
    "text": _text,
    "podcast": _name,
    "episode": _name,
    "url": _url,
    "audio_url": _url,
    "start_seconds": _seconds,
    "published_at": _timestamp,
    "topics": _topics,
}


def _string(name: str, value: object) -> str:
    if not isinstance(value, str):
        raise InvalidRecord(f'"{name}" must be a string, not {_kind(value)}')
    return _storable(name, value)


def _displayable(value: str) -> str:
    """Text as shown and stored: no control characters or bidi overrides, white space collapsed."""
    if value.isascii() and value.isprintable():  # no control or bidi characters to replace
        return clean_display_text(value)
    return clean_display_text(_BIDI.sub("", _CONTROL.sub(" ", value)))


def _storable(name: str, value: str) -> str:
    if value.isascii() and "\x00" not in value:  # the only unstorable ASCII character is NUL
        return value
    bad = _UNSTORABLE.search(value)
    if bad:
        raise InvalidRecord(f'"{name}" contains a character that cannot be stored (\\u{ord(bad.group()):04x})')
    return value


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, Mapping):
        return "an object"
    return type(value).__name__


def _show(value: object, limit: int = 60) -> str:
    """The value as it would be written in JSON, shortened for a message."""
    shown = json.dumps(value, ensure_ascii=False, default=str)
    shown = shown.encode("utf-8", "backslashreplace").decode("utf-8")
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
