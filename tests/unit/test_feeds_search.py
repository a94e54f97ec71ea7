"""`feeds search`: what people may type, the directory settings, and the results' blocks."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.feeds.grammar import FeedsError, SearchFeeds, parse_feeds
from bot.feeds.search_blocks import FOLLOW_ACTION, directory_failed, search_results
from ingest.directory import ITUNES_URL, Podcast
from tests.slack_checks import assert_valid_message, shown_text

BASE = {"DATABASE_URL": "sqlite:///:memory:", "PODBRIEF_DATA_DIR": str(Path("data"))}


@pytest.mark.parametrize(("typed", "terms"), [
    ("feeds search hard fork", "hard fork"),
    ("feeds find   Hard   Fork ", "Hard Fork"),
    ("feeds search AT&amp;T &lt;talks&gt;", "AT&T <talks>"),
    ("feeds lookup <https://example.com|example.com> show", "example.com show"),
])
def test_search_terms_are_read_as_typed(typed: str, terms: str) -> None:
    assert parse_feeds(typed) == SearchFeeds(terms)


@pytest.mark.parametrize(("typed", "words"), [
    ("feeds search", "Which podcast should I look for?"),
    ("feeds search " + "word " * 50, "at most 200 characters"),
    ("feeds search hard\u200bfork", "control or invisible character"),
    ("feeds serch hard fork", "Did you mean `/insights feeds search …`?"),
])
def test_bad_search_terms_get_a_friendly_error(typed: str, words: str) -> None:
    parsed = parse_feeds(typed)
    assert isinstance(parsed, FeedsError) and words in parsed.message
    assert "feeds search hard fork" in parsed.usage


def test_the_directory_settings_default_to_itunes_and_are_checked() -> None:
    settings = load_settings(BASE)
    assert settings.directory.itunes_url == ITUNES_URL and not settings.directory.uses_podcastindex
    local = load_settings({**BASE, "PODCAST_DIRECTORY_URL": "http://127.0.0.1:8123"})
    assert local.directory.itunes_url == "http://127.0.0.1:8123/" and local.directory.operator_configured
    with pytest.raises(ConfigError, match="PODCAST_DIRECTORY_URL must be an http"):
        load_settings({**BASE, "PODCAST_DIRECTORY_URL": "ftp://directory.example.com"})
    with pytest.raises(ConfigError, match="Set both PODCASTINDEX_KEY and PODCASTINDEX_SECRET"):
        load_settings({**BASE, "PODCASTINDEX_KEY": "KEY"})
    index = load_settings({**BASE, "PODCASTINDEX_KEY": "KEY", "PODCASTINDEX_SECRET": "s3cret"})
    assert index.directory.uses_podcastindex and "s3cret" in index.secrets() and "s3cret" not in repr(index)


HOSTILE = Podcast(name="<!channel> *Free* <https://evil.example.com|money>", author="A&B <@U0BOSS>",
                  feed_url="https://feeds.example.com/evil.xml?a=1&b=2", episode_count=1,
                  artwork_url="https://img.example.com/a.jpg")


def test_results_show_artwork_author_episodes_and_a_follow_button_with_the_feed() -> None:
    plain = Podcast(name="Hard Fork Fans", feed_url=None, author="", episode_count=None)
    message = search_results("evil", [HOSTILE, plain]).as_kwargs()
    assert_valid_message(message)
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    assert sections[1]["accessory"] == {"type": "image", "image_url": "https://img.example.com/a.jpg",
                                        "alt_text": HOSTILE.name}
    assert "accessory" not in sections[2]
    buttons = [e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [(FOLLOW_ACTION, HOSTILE.feed_url)]
    shown = shown_text(message)
    assert "by A&amp;B &lt;@U0BOSS&gt; · 1 episode · feed at feeds.example.com" in shown
    assert "*Hard Fork Fans*\nno public feed listed" in shown
    for raw in ("<!channel>", "<@U0BOSS>", "<https://evil.example.com|money>", "*Free*"):
        assert raw not in shown and raw not in message["text"]


def test_no_results_and_failures_say_what_still_works() -> None:
    assert "found no podcast for “knitting &lt;b&gt;”" in shown_text(search_results("knitting <b>", []).as_kwargs())
    failed = shown_text(directory_failed("hard fork", "the podcast directory didn't answer in time", "/pb").as_kwargs())
    assert "I couldn't search for “hard fork”: the podcast directory didn't answer in time." in failed
    assert "`/pb feeds add https://…`" in failed
