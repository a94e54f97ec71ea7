"""The settings grammar: `/insights topics|digest|me|settings …` text -> command values."""

from __future__ import annotations

import re
from datetime import time

import pytest

from bot.digest.grammar import (
    AddTopics,
    ClearTopics,
    PostDigestNow,
    PreviewDigest,
    RemoveTopics,
    SetDays,
    SetDigestTime,
    SetPaused,
    SetRestriction,
    SetThreadMode,
    SettingsUsageError,
    ShowDigest,
    ShowTopics,
    ShowWorkspacePreferences,
    parse_settings,
)
from bot.router.grammar import DidYouMean, Search, parse_command
from insights.schedule import EVERY_DAY, WEEKDAYS
from insights.settings_values import MAX_TOPIC_LENGTH
from insights.targets import MAX_TOPICS

MON_WED_FRI = frozenset({0, 2, 4})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("topics", ShowTopics()),
        ("  TOPICS  ", ShowTopics()),
        ("topic list", ShowTopics()),
        ("topics add ai policy, semiconductors", AddTopics(("ai policy", "semiconductors"))),
        ("Topics ADD  AI   Policy ;Semiconductors", AddTopics(("ai policy", "semiconductors"))),
        ("topics add ai policy, AI POLICY, ,, ai policy", AddTopics(("ai policy",))),
        ("topics add “china”, 'rates'.", AddTopics(("china", "rates"))),
        ("topics add Café, 🚀 rockets, 🚀", AddTopics(("cafe", "rockets"))),
        ("topics add AI-Policy", AddTopics(("ai policy",))),
        ("topics add ai\u200b policy\u0000", AddTopics(("ai policy",))),
        ("topics remove ai polcy", RemoveTopics(("ai polcy",))),
        ("topics rm chips; rates", RemoveTopics(("chips", "rates"))),
        ("topics delete chips", RemoveTopics(("chips",))),
        ("topics clear", ClearTopics()),
        ("topics clear all", ClearTopics()),
        ("me topics add rates", AddTopics(("rates",), personal=True)),
        ("ME topics", ShowTopics(personal=True)),
    ],
)
def test_topic_commands_are_read_with_normalised_topics(typed: str, expected: object) -> None:
    assert parse_command(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("digest", ShowDigest()),
        ("digest status", ShowDigest()),
        ("me", ShowDigest(personal=True)),
        ("me digest", ShowDigest(personal=True)),
        ("digest at 8:30", SetDigestTime(time(8, 30))),
        ("digest at 08:30", SetDigestTime(time(8, 30))),
        ("digest AT 8.30", SetDigestTime(time(8, 30))),
        ("digest at 0830", SetDigestTime(time(8, 30))),
        ("digest 8:30", SetDigestTime(time(8, 30))),
        ("digest at 8", SetDigestTime(time(8, 0))),
        ("digest at 7pm", SetDigestTime(time(19, 0))),
        ("digest at 7 PM", SetDigestTime(time(19, 0))),
        ("digest at 7:15p.m.", SetDigestTime(time(19, 15))),
        ("digest at 12am", SetDigestTime(time(0, 0))),
        ("digest at 12pm", SetDigestTime(time(12, 0))),
        ("digest at noon", SetDigestTime(time(12, 0))),
        ("digest at midnight utc", SetDigestTime(time(0, 0), "UTC")),
        ("digest at 0:00", SetDigestTime(time(0, 0))),
        ("digest at 23:59", SetDigestTime(time(23, 59))),
        ("digest at 08:30 Europe/Berlin", SetDigestTime(time(8, 30), "Europe/Berlin")),
        ("digest at 08:30 europe/berlin", SetDigestTime(time(8, 30), "Europe/Berlin")),
        ("digest at 7pm berlin", SetDigestTime(time(19, 0), "Europe/Berlin")),
        ("digest at 7pm in Berlin", SetDigestTime(time(19, 0), "Europe/Berlin")),
        ("digest at 7pm berln", SetDigestTime(time(19, 0), "Europe/Berlin")),
        ("digest at 18:00 new york", SetDigestTime(time(18, 0), "America/New_York")),
        ("digest at 18:00 New_York", SetDigestTime(time(18, 0), "America/New_York")),
        ("digest at 18:00 newyork", SetDigestTime(time(18, 0), "America/New_York")),
        ("digest at 18:00 America/New_York", SetDigestTime(time(18, 0), "America/New_York")),
        ("digest at 9 san francisco", SetDigestTime(time(9, 0), "America/Los_Angeles")),
        ("digest at 9 buenos aires", SetDigestTime(time(9, 0), "America/Argentina/Buenos_Aires")),
        ("digest at 9 GMT", SetDigestTime(time(9, 0), "UTC")),
        ("me digest at 07:30", SetDigestTime(time(7, 30), personal=True)),
        ("digest weekdays", SetDays(WEEKDAYS)),
        ("digest weekdays only", SetDays(WEEKDAYS)),
        ("digest daily", SetDays(EVERY_DAY)),
        ("digest every day", SetDays(EVERY_DAY)),
        ("digest days mon wed fri", SetDays(MON_WED_FRI)),
        ("digest days Monday, Wednesday and Friday", SetDays(MON_WED_FRI)),
        ("digest days fri,MON,wed,wed", SetDays(MON_WED_FRI)),
        ("digest days tues thurs", SetDays(frozenset({1, 3}))),
        ("digest days weekdays", SetDays(WEEKDAYS)),
        ("digest days mon tue wed thu fri sat sun", SetDays(EVERY_DAY)),
        ("me digest days saturdays sundays", SetDays(frozenset({5, 6}), personal=True)),
        ("digest pause", SetPaused(True)),
        ("digest resume", SetPaused(False)),
        ("me digest pause", SetPaused(True, personal=True)),
        ("digest thread on", SetThreadMode(True)),
        ("digest thread OFF", SetThreadMode(False)),
        ("digest preview", PreviewDigest()),
        ("me digest preview", PreviewDigest(personal=True)),
        ("digest now", PostDigestNow()),
        ("digest post now", PostDigestNow()),
        ("settings", ShowWorkspacePreferences()),
        ("settings restrict on", SetRestriction(True)),
        ("settings restrict OFF", SetRestriction(False)),
    ],
)
def test_digest_and_workspace_commands_are_read(typed: str, expected: object) -> None:
    assert parse_command(typed) == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("digest at 25:00", "There is no hour 25"),
        ("digest at 24:00", "for midnight, use `0:00`"),
        ("digest at 8:61", "There is no minute 61"),
        ("digest at 8:5", "two digits"),
        ("digest at 13pm", "from 1 to 12"),
        ("digest at 0am", "from 1 to 12"),
        ("digest at lunch", "couldn't read “lunch” as a time"),
        ("digest at", "What time"),
        ("digest at 8:30 mordor", "I don't know the time zone “mordor”"),
        ("digest at 8:30 CET", "I don't know the time zone"),
        ("digest at 8:30 west", "could mean `Australia/West` or `Brazil/West`"),
        ("digest at 8:30 🚀", "I don't know the time zone"),
        ("digest pase", "Did you mean `/insights digest pause`?"),
        ("digest wekdays", "Did you mean `/insights digest weekdays`?"),
        ("digest days mon fryday", "I don't know the day “fryday”. Did you mean `friday`?"),
        ("digest days mon 🚀", "I don't know the day “🚀”"),
        ("digest days", "Which days? e.g. `/insights digest days mon wed fri`"),
        ("digest days , and ,", "Which days?"),
        ("me digest days someday", "`/insights me digest days mon wed fri`"),
        ("digest pause now please", "takes nothing after it"),
        ("digest thread maybe", "`/insights digest thread on`"),
        ("digest banana", "I don't know `/insights digest banana`"),
        ("topics ad ai policy", "Did you mean `/insights topics add ai policy`?"),
        ("topics ai policy", "write `/insights topics add ai policy`"),
        ("topics add", "Which topics should I add?"),
        ("topics add , ; ,", "Which topics should I add?"),
        ("topics add 🚀🔥💡", "Which topics should I add?"),
        ("topics remove", "Which topics should I remove?"),
        ("topics clear everything", "takes nothing after it"),
        ("topics add " + "x" * (MAX_TOPIC_LENGTH + 1), "too long for a topic"),
        ("topics add " + ", ".join(f"t{n}" for n in range(MAX_TOPICS + 1)), f"at most {MAX_TOPICS}"),
        ("me stuff", "After `/insights me`, write `topics` or `digest`"),
        ("me dgest at 8", "Did you mean `/insights me digest`?"),
        ("settings restrict", "`/insights settings restrict on`"),
        ("settings colour blue", "I don't know the workspace setting"),
    ],
)
def test_garbage_gets_a_friendly_error_naming_the_problem(typed: str, says: str) -> None:
    parsed = parse_command(typed)
    assert isinstance(parsed, SettingsUsageError)
    assert says in parsed.message
    assert parsed.usage


def test_errors_show_the_usage_of_the_command_that_was_meant() -> None:
    assert "topics clear" in parse_command("topics banana split").usage  # type: ignore[union-attr]
    assert "digest thread on" in parse_command("digest at 99").usage  # type: ignore[union-attr]
    assert "me digest pause" in parse_command("me digest at 99").usage  # type: ignore[union-attr]


def test_ten_thousand_characters_give_an_error_quickly_not_a_crash() -> None:
    for typed in ("topics add " + "ai policy " * 1000, "digest at 8:30 " + "berlin " * 1400, "me " + "x" * 10_000):
        parsed = parse_command(typed)
        assert isinstance(parsed, SettingsUsageError)
        assert len(parsed.message) < 400


def test_many_short_topics_in_ten_thousand_characters_are_capped() -> None:
    parsed = parse_command("topics add " + ", ".join(f"topic {n}" for n in range(1000)))
    assert isinstance(parsed, SettingsUsageError) and f"at most {MAX_TOPICS}" in parsed.message


@pytest.mark.parametrize("typed", ["export controls", "search digest at 8", "search topics", "semiconductors", "", "hlep"])
def test_text_that_is_not_a_setting_stays_a_search_or_help(typed: str) -> None:
    assert parse_settings(typed) is None or typed.startswith("search")
    assert not isinstance(parse_command(typed), SettingsUsageError)


def test_searching_for_a_settings_word_still_works_with_search() -> None:
    assert parse_command("search digest at 8") == Search("digest at 8")


def test_a_mistyped_settings_word_alone_gets_did_you_mean() -> None:
    assert parse_command("topcs") == DidYouMean("topcs", "topics")
    assert parse_command("digst") == DidYouMean("digst", "digest")


@pytest.mark.parametrize("typed", ["25:99", "25:5", "99:61", "24:75", "13:99pm", "7:99pm", "8:5", "8:61", "25:00",
                                   "13pm", "0am", "lunch", "7:9am"])
def test_every_time_suggested_for_a_mistyped_time_is_itself_a_valid_time(typed: str) -> None:
    error = parse_settings(f"digest at {typed}")
    assert isinstance(error, SettingsUsageError)
    examples = re.findall(r"`(?:/insights digest at )?([^`]+)`", error.message)
    times = [e for e in examples if re.fullmatch(r"[\d:]+\s*(?:am|pm)?", e)]
    assert times, error.message
    for example in times:
        assert isinstance(parse_settings(f"digest at {example}"), SetDigestTime), (typed, error.message)
