"""Turning one raw import record into an insight, or into a message a person understands."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

import pytest

from ingest.records import InvalidRecord, parse_record
from insights.model import NewInsight

TEXT = "Remote teams write more, so their documentation ages better."
DATE_HINT = "(example: 2024-05-01 or 2024-05-01T09:30:00Z)"
SECONDS_HINT = "(example: 93.5, 12:34 or 1:02:03)"
URL_HINT = "is not a web address (it must start with http:// or https://)"
TOPICS_HINT = 'must be a list of strings (in CSV: one string, topics separated by ";")'


def _error(raw: object) -> str:
    with pytest.raises(InvalidRecord) as caught:
        parse_record(raw)
    return str(caught.value)


GOOD: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("text is trimmed and its spaces collapsed", {"text": f"  {TEXT}\n"}, {"text": TEXT}),
    (
        "podcast and episode are trimmed",
        {"podcast": " Work Life ", "episode": " Async "},
        {"podcast": "Work Life", "episode": "Async"},
    ),
    ("an episode number becomes its name", {"episode": 42}, {"episode": "42"}),
    ("url keeps http", {"url": "http://example.com/ep/1"}, {"url": "http://example.com/ep/1"}),
    (
        "audio_url keeps https",
        {"audio_url": " https://cdn.example.com/ep1.mp3 "},
        {"audio_url": "https://cdn.example.com/ep1.mp3"},
    ),
    ("start_seconds as a number", {"start_seconds": 93.5}, {"start_seconds": 93.5}),
    ("start_seconds as an integer", {"start_seconds": 0}, {"start_seconds": 0.0}),
    ("start_seconds as a string", {"start_seconds": " 93.5 "}, {"start_seconds": 93.5}),
    ("start_seconds as minutes:seconds", {"start_seconds": "12:34"}, {"start_seconds": 754.0}),
    ("start_seconds as hours:minutes:seconds", {"start_seconds": "1:02:03"}, {"start_seconds": 3723.0}),
    ("start_seconds with fractions of a second", {"start_seconds": "0:01:02.5"}, {"start_seconds": 62.5}),
    ("minutes past the hour in minutes:seconds", {"start_seconds": "75:00"}, {"start_seconds": 4500.0}),
    (
        "published_at as a date",
        {"published_at": "2024-05-01"},
        {"published_at": datetime(2024, 5, 1, tzinfo=UTC)},
    ),
    (
        "published_at in UTC",
        {"published_at": "2024-05-01T09:30:00Z"},
        {"published_at": datetime(2024, 5, 1, 9, 30, tzinfo=UTC)},
    ),
    (
        "published_at with an offset",
        {"published_at": "2024-05-01T11:30:00+02:00"},
        {"published_at": datetime(2024, 5, 1, 9, 30, tzinfo=UTC)},
    ),
    (
        "naive published_at is UTC",
        {"published_at": "2024-05-01 09:30"},
        {"published_at": datetime(2024, 5, 1, 9, 30, tzinfo=UTC)},
    ),
    ("topics as a JSON list", {"topics": ["ai", "chips"]}, {"topics": ("ai", "chips")}),
    ("topics as a CSV string", {"topics": "ai; chips"}, {"topics": ("ai", "chips")}),
    (
        "topics trimmed, empties dropped, de-duplicated",
        {"topics": [" ai ", "", "AI", "chips", "ai"]},
        {"topics": ("ai", "chips")},
    ),
    ("empty CSV topics", {"topics": " ; ;"}, {"topics": ()}),
    (
        "empty strings count as absent",
        {
            "podcast": "",
            "episode": " ",
            "url": "",
            "audio_url": "",
            "start_seconds": "",
            "published_at": "",
            "topics": "",
        },
        {},
    ),
    ("nulls count as absent", {"podcast": None, "start_seconds": None, "topics": None}, {}),
    (
        "terminal escapes and bidi overrides are removed from text, names and topics",
        {"text": f"{TEXT}\x1b]0;owned\x07\x9b2J", "podcast": "Real\u202e cod\u2066", "episode": "Ep\x1b[31m 1",
         "topics": ["a\x1bi", "\u202dpolicy"]},
        {"text": f"{TEXT} ]0;owned 2J", "podcast": "Real cod", "episode": "Ep [31m 1", "topics": ("a i", "policy")},
    ),
    ("start_seconds of a week is kept", {"start_seconds": 604_800}, {"start_seconds": 604_800.0}),
    ("unknown fields are ignored", {"guest": "Ada", "rating": 5}, {}),
    (
        "field names ignore case and spaces",
        {"Text": TEXT, "Start Seconds": "12:34", "audio-url": "https://a.example/x.mp3"},
        {"start_seconds": 754.0, "audio_url": "https://a.example/x.mp3"},
    ),
]


@pytest.mark.parametrize(("raw", "expected"), [(raw, exp) for _, raw, exp in GOOD], ids=[name for name, _, _ in GOOD])
def test_good_fields_become_the_insight(raw: dict[str, Any], expected: dict[str, Any]) -> None:
    assert parse_record({"text": TEXT, **raw}) == NewInsight(**{"text": TEXT, **expected})


BAD: list[tuple[str, object, str]] = [
    ("a record that is not an object", ["text"], 'expected an object with a "text" field, found a list'),
    ("no text", {"podcast": "Work Life"}, '"text" is missing or empty'),
    ("blank text", {"text": "  \t "}, '"text" is missing or empty'),
    ("null text", {"text": None}, '"text" is missing or empty'),
    ("text that is a number", {"text": 42}, '"text" must be a string, not a number'),
    ("text that is too long", {"text": "word " * 401}, '"text" is 2,004 characters long; the limit is 2,000'),
    ("text without words", {"text": "!!! ..."}, '"text": "!!! ..." has no words'),
    ("text with a NUL character", {"text": "a\x00b"}, '"text" contains a character that cannot be stored (\\u0000)'),
    ("podcast that is a list", {"text": TEXT, "podcast": ["a"]}, '"podcast" must be a string, not a list'),
    ("episode that is true", {"text": TEXT, "episode": True}, '"episode" must be a string, not true/false'),
    (
        "url with another scheme",
        {"text": TEXT, "url": "ftp://example.com/a"},
        f'"url": "ftp://example.com/a" {URL_HINT}',
    ),
    ("url without a scheme", {"text": TEXT, "url": "example.com/a"}, f'"url": "example.com/a" {URL_HINT}'),
    ("url without a host", {"text": TEXT, "url": "https://"}, f'"url": "https://" {URL_HINT}'),
    (
        "url with spaces",
        {"text": TEXT, "url": "https://example.com/a b"},
        f'"url": "https://example.com/a b" {URL_HINT}',
    ),
    (
        "audio_url that is javascript",
        {"text": TEXT, "audio_url": "javascript:alert(1)"},
        f'"audio_url": "javascript:alert(1)" {URL_HINT}',
    ),
    (
        "url that is too long",
        {"text": TEXT, "url": "https://e.com/" + "a" * 2000},
        '"url" is 2,014 characters long; the limit is 2,000',
    ),
    (
        "start_seconds that is a word",
        {"text": TEXT, "start_seconds": "soon"},
        f'"start_seconds": "soon" is not a number of seconds or a timestamp {SECONDS_HINT}',
    ),
    ("start_seconds that is negative", {"text": TEXT, "start_seconds": -5}, '"start_seconds": -5 must be 0 or more'),
    (
        "start_seconds that is a negative string",
        {"text": TEXT, "start_seconds": "-1.5"},
        '"start_seconds": "-1.5" must be 0 or more',
    ),
    (
        "timestamp with 75 minutes past the hour",
        {"text": TEXT, "start_seconds": "1:75:00"},
        f'"start_seconds": "1:75:00" is not a number of seconds or a timestamp {SECONDS_HINT}',
    ),
    (
        "timestamp with 60 seconds",
        {"text": TEXT, "start_seconds": "12:60"},
        f'"start_seconds": "12:60" is not a number of seconds or a timestamp {SECONDS_HINT}',
    ),
    (
        "start_seconds longer than any episode",
        {"text": TEXT, "start_seconds": 1e308},
        '"start_seconds": 1e+308 is more than a week (604,800 seconds)',
    ),
    (
        "start_seconds that is not finite",
        {"text": TEXT, "start_seconds": float("nan")},
        f'"start_seconds": NaN is not a number of seconds or a timestamp {SECONDS_HINT}',
    ),
    (
        "start_seconds that is true",
        {"text": TEXT, "start_seconds": True},
        f'"start_seconds": true is not a number of seconds or a timestamp {SECONDS_HINT}',
    ),
    (
        "published_at that is a word",
        {"text": TEXT, "published_at": "yesterday"},
        f'"published_at": "yesterday" is not an ISO 8601 date {DATE_HINT}',
    ),
    (
        "published_at that is a number",
        {"text": TEXT, "published_at": 2024},
        f'"published_at": 2024 is not an ISO 8601 date {DATE_HINT}',
    ),
    (
        "published_at with month 13",
        {"text": TEXT, "published_at": "2024-13-01"},
        f'"published_at": "2024-13-01" is not an ISO 8601 date {DATE_HINT}',
    ),
    (
        "published_at in US order",
        {"text": TEXT, "published_at": "05/01/2024"},
        f'"published_at": "05/01/2024" is not an ISO 8601 date {DATE_HINT}',
    ),
    ("topics that is a number", {"text": TEXT, "topics": 5}, f'"topics": 5 {TOPICS_HINT}'),
    ("topics with a number in the list", {"text": TEXT, "topics": ["ai", 1]}, f'"topics": ["ai", 1] {TOPICS_HINT}'),
    ("topics that is an object", {"text": TEXT, "topics": {"ai": True}}, f'"topics": {{"ai": true}} {TOPICS_HINT}'),
    (
        "every bad field is named at once",
        {"text": "", "published_at": "yesterday"},
        f'"text" is missing or empty; "published_at": "yesterday" is not an ISO 8601 date {DATE_HINT}',
    ),
]


@pytest.mark.parametrize(("raw", "message"), [(raw, msg) for _, raw, msg in BAD], ids=[name for name, _, _ in BAD])
def test_bad_fields_are_explained(raw: object, message: str) -> None:
    assert _error(raw) == message


def test_long_values_are_shortened_in_messages() -> None:
    message = _error({"text": TEXT, "published_at": "x" * 500})
    assert message == f'"published_at": "{"x" * 58}… is not an ISO 8601 date {DATE_HINT}'


def test_published_at_is_always_timezone_aware_utc() -> None:
    insight = parse_record({"text": TEXT, "published_at": "2024-05-01T09:30:00-07:00"})
    assert insight.published_at is not None
    assert insight.published_at.tzinfo is UTC
    assert insight.published_at == datetime(2024, 5, 1, 16, 30, tzinfo=UTC)


def test_any_mix_of_field_values_gives_an_insight_or_a_message() -> None:
    rng = random.Random(7)
    values: list[object] = [
        None,
        "",
        " ",
        "x",
        "12:34",
        "-1",
        "2024-05-01",
        "https://e.com",
        "a;b",
        0,
        -1,
        1e308,
        10**400,
        float("inf"),
        True,
        [],
        ["a"],
        [1],
        {},
        {"text": "x"},
        "\x00",
        "\ud800",
        "é" * 3000,
    ]
    names = ["text", "podcast", "episode", "url", "audio_url", "start_seconds", "published_at", "topics", "other"]
    for _ in range(2000):
        raw = {rng.choice(names): rng.choice(values) for _ in range(rng.randrange(0, 6))}
        try:
            assert isinstance(parse_record(raw), NewInsight)
        except InvalidRecord as error:
            assert str(error)
