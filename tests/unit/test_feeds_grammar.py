"""The feeds grammar: every form, Slack-wrapped links, and friendly errors for garbage."""

from __future__ import annotations

import pytest

from bot.digest.grammar import ShowWorkspacePreferences
from bot.feeds.grammar import (
    MAX_URLS_PER_ADD,
    AddFeeds,
    FeedsError,
    ListFeeds,
    RemoveFeed,
    SetFeedsAccess,
    ShowFeedsAccess,
    ShowFeedsHelp,
    parse_feeds,
    unwrap_url,
)
from bot.router.grammar import DidYouMean, Search, parse_command

FEED = "https://example.com/podcast.xml"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("feeds", ListFeeds()),
        ("feeds list", ListFeeds()),
        ("FEEDS LS", ListFeeds()),
        ("feeds help", ShowFeedsHelp()),
        (f"feeds add {FEED}", AddFeeds((FEED,))),
        (f"feeds follow {FEED}", AddFeeds((FEED,))),
        (f"feeds add {FEED} https://b.org/rss", AddFeeds((FEED, "https://b.org/rss"))),
        (f"feeds add {FEED}, https://b.org/rss,", AddFeeds((FEED, "https://b.org/rss"))),
        (f"feeds add {FEED} {FEED}", AddFeeds((FEED,))),
        ("feeds add http://localhost:8080/feed", AddFeeds(("http://localhost:8080/feed",))),
        ("feeds add http://[::1]:8080/feed", AddFeeds(("http://[::1]:8080/feed",))),
        (f"feeds remove {FEED}", RemoveFeed(FEED)),
        ("feeds remove 12", RemoveFeed("12")),
        ("feeds rm #7", RemoveFeed("7")),
        ("feeds delete 007", RemoveFeed("7")),
        ("settings feeds", ShowFeedsAccess()),
        ("settings feeds open", SetFeedsAccess(True)),
        ("settings feeds everyone", SetFeedsAccess(True)),
        ("settings feeds admins", SetFeedsAccess(False)),
        ("Settings Feed Admins", SetFeedsAccess(False)),
    ],
)
def test_every_form_is_understood(typed: str, expected: object) -> None:
    assert parse_feeds(typed) == expected
    assert parse_command(typed) == expected


@pytest.mark.parametrize(
    ("typed", "url"),
    [
        ("<https://example.com/podcast.xml>", FEED),
        ("<https://example.com/podcast.xml|example.com/podcast.xml>", FEED),
        ("<http://b.org/rss?a=1&amp;b=2|b.org/rss?a=1&amp;b=2>", "http://b.org/rss?a=1&b=2"),
        ("https://b.org/rss?a=1&amp;b=2", "https://b.org/rss?a=1&b=2"),
    ],
)
def test_slack_wrapped_links_are_unwrapped(typed: str, url: str) -> None:
    assert unwrap_url(typed) == url
    assert parse_feeds(f"feeds add {typed}") == AddFeeds((url,))


def test_a_link_whose_label_has_spaces_stays_one_link() -> None:
    assert parse_feeds(f"feeds add <{FEED}|My favourite show> <https://b.org/rss>") == AddFeeds(
        (FEED, "https://b.org/rss")
    )
    assert parse_feeds(f"feeds remove <{FEED}|My favourite show>") == RemoveFeed(FEED)


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("feeds add", "Which feed should I follow?"),
        ("feeds add nope", "`nope` is not a feed address: it is not a web address (it should start with https://)"),
        ("feeds add example.com/feed.xml", "should start with https://"),
        ("feeds add ftp://example.com/feed.xml", "only http and https addresses can be feeds, not ftp:"),
        ("feeds add <mailto:a@b.org|a@b.org>", "not mailto:"),
        ("feeds add https://intranet/feed.xml", "no proper host name"),
        ("feeds add https://example.com:99999/feed.xml", "not a valid web address"),
        ("feeds add https://example.com/" + "x" * 2001, "longer than 2000 characters"),
        ("feeds remove", "Which feed should I stop following?"),
        ("feeds remove 1 2", "One feed at a time"),
        ("feeds remove banana", "`banana` is neither a feed address nor an id"),
        ("feeds list everything", "takes nothing after it"),
        ("feeds ad https://example.com/feed.xml", "Did you mean `/insights feeds add …`?"),
        ("feeds rmove 3", "Did you mean `/insights feeds remove …`?"),
        ("feeds xyzzy", "I don't know `/insights feeds xyzzy`."),
        (f"feeds {FEED}", f"write `/insights feeds add {FEED}`"),
        ("settings feeds maybe", "`/insights settings feeds open`"),
    ],
)
def test_garbage_gets_a_friendly_error(typed: str, says: str) -> None:
    parsed = parse_feeds(typed)
    assert isinstance(parsed, FeedsError)
    assert says in parsed.message
    assert parsed.usage


def test_bad_addresses_among_good_ones_are_reported_not_fatal() -> None:
    parsed = parse_feeds(f"feeds add {FEED} nope ftp://x.org/a")
    assert isinstance(parsed, AddFeeds)
    assert parsed.urls == (FEED,)
    assert [typed for typed, _ in parsed.rejected] == ["nope", "ftp://x.org/a"]


def test_too_many_feeds_at_once_are_refused() -> None:
    urls = " ".join(f"https://example.com/{n}.xml" for n in range(MAX_URLS_PER_ADD + 1))
    parsed = parse_feeds(f"feeds add {urls}")
    assert isinstance(parsed, FeedsError)
    assert f"at most {MAX_URLS_PER_ADD}" in parsed.message


@pytest.mark.parametrize("typed", ["feed the world", "feeding habits", "settings", "settings restrict on", "", "  "])
def test_other_text_is_not_a_feeds_command(typed: str) -> None:
    assert parse_feeds(typed) is None


def test_searches_and_other_subcommands_are_unchanged() -> None:
    assert parse_command("feed the world") == Search("feed the world")
    assert parse_command("settings") == ShowWorkspacePreferences()
    assert parse_command("fedds") == DidYouMean("fedds", "feeds")
    assert parse_command("search feeds add x") == Search("feeds add x")
