"""Feeds replies are valid Block Kit, stay within Slack's limits and say what happened."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from bot.feeds import blocks as fb
from bot.feeds.grammar import FeedsError
from bot.shared.blocks import Message
from ingest.scan_results import AddFeedResult
from storage.feeds_store import FeedInfo
from tests.slack_checks import assert_valid_message

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FEED = FeedInfo(
    id=3, url="https://example.com/feed.xml", original_url="https://example.com/feed.xml", title="Odd Lots",
    podcast_id=1, etag=None, last_modified=None, last_checked_at=NOW - timedelta(minutes=12),
    last_new_episode_at=None, next_check_at=NOW + timedelta(minutes=18), consecutive_failures=0, last_error=None,
    insights_extracted=40, episode_count=12, added_by="slack:U1", created_at=NOW - timedelta(days=3),
)


def text_of(message: Message) -> str:
    kwargs = message.as_kwargs()
    assert_valid_message(kwargs)
    return str(kwargs["blocks"])


def test_an_added_feed_shows_its_title_and_episode_count() -> None:
    added = AddFeedResult(url=FEED.url, ok=True, feed_id=3, title="Odd Lots", episode_count=12, transcripts_found=2)
    shown = text_of(fb.feeds_added([added]))
    assert "Now following *<https://example.com/feed.xml|Odd Lots>* (id 3): 12 episodes, 2 with transcripts" in shown
    assert "next feed scan" in shown


def test_a_refused_feed_says_why_and_skipped_words_are_listed() -> None:
    refused = AddFeedResult(url="https://x.org/a", ok=False, reason="the server answered 404 Not Found")
    shown = text_of(fb.feeds_added([refused], [("nope", "it is not a web address")]))
    assert "https://x.org/a: cannot be used: the server answered 404 Not Found" in shown
    assert "`nope` skipped: it is not a web address" in shown


def test_the_list_shows_last_checked_and_the_last_error() -> None:
    failing = replace(FEED, id=4, title=None, last_error="the server answered 404 Not Found", consecutive_failures=2)
    shown = text_of(fb.feeds_listed([FEED, failing], NOW))
    assert "This workspace follows 2 podcast feeds* (1 failing)" in shown
    assert "Last checked 12 min ago · last new episode never · 12 episodes · 40 insights" in shown
    assert "Last error: the server answered 404 Not Found (failed 2× in a row; next try in 18 min)" in shown


def test_a_feed_whose_show_notes_gave_no_insights_says_so() -> None:
    notes_only = replace(FEED, id=5, podcast_id=7, insights_extracted=0)
    shown = text_of(fb.feeds_listed([FEED, notes_only], NOW, show_notes_only={7, 1}))
    assert "12 episodes · 0 insights · no insights: show notes only" in shown
    assert "40 insights · no insights" not in shown  # a feed with insights never says so


def test_a_long_list_stays_within_fifty_blocks_and_says_how_many_more() -> None:
    many = [replace(FEED, id=n, last_error="x" * 400, url=f"https://example.com/{n}/" + "p" * 400) for n in range(600)]
    message = fb.feeds_listed(many, NOW)
    assert len(message.blocks) <= 50
    shown = text_of(message)
    assert "more: run `podbrief feeds list`" in shown


def test_errors_and_help_show_the_real_command_name() -> None:
    shown = text_of(fb.feeds_error(FeedsError("Which feed should I follow?"), "/podbrief"))
    assert "`/podbrief feeds add https://example.com/podcast.xml`" in shown
    assert "/podbrief settings feeds open" in text_of(fb.feeds_help("/podbrief"))


def test_a_url_mentioning_the_command_is_left_alone() -> None:
    feed = replace(FEED, url="https://example.com/insights/feed.xml", title=None)
    assert "https://example.com/insights/feed.xml" in text_of(fb.feeds_listed([feed], NOW, "/podbrief"))
