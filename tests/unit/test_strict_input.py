"""Ids and feed addresses are parsed strictly: odd digits, huge numbers and control characters
get a plain answer from the grammar instead of a crash or a database error."""

from __future__ import annotations

import pytest

from bot.feeds.grammar import AddFeeds, FeedsError, RemoveFeed, parse_feeds, url_problem
from bot.lookup.result_actions import action_insight_id


@pytest.mark.parametrize("typed", ["²", "1²", "１２", "9" * 23])
def test_feeds_remove_refuses_what_is_not_an_id_plainly(typed: str) -> None:
    parsed = parse_feeds(f"feeds remove {typed}")
    assert isinstance(parsed, FeedsError) and "id" in parsed.message


def test_feeds_remove_reads_an_ascii_id() -> None:
    assert parse_feeds("feeds remove #42") == RemoveFeed("42")


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x7f", "\u200b", "\u202e"])
def test_a_feed_address_with_a_control_or_invisible_character_is_refused(character: str) -> None:
    url = f"https://example.com/po{character}dcast.xml"
    assert url_problem(url) is not None
    parsed = parse_feeds(f"feeds add {url}")
    assert isinstance(parsed, FeedsError)


def test_a_feed_address_with_a_foreign_host_name_is_still_fine() -> None:
    assert parse_feeds("feeds add https://bücher.example/feed") == AddFeeds(("https://bücher.example/feed",))


@pytest.mark.parametrize("value", ["²", "9" * 23, "", "12a"])
def test_a_button_value_that_is_not_an_id_carries_no_insight(value: str) -> None:
    assert action_insight_id({"actions": [{"value": value}]}) is None
