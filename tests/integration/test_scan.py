"""The scan service against a loopback server and both databases: real feeds, hostile ones, upgrades."""

from __future__ import annotations

import re
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from ingest.extractors import BuiltinExtractor
from ingest.fetch import Fetcher
from ingest.scan import AddFeedResult, ScanOptions, ScanSummary, add_feed, scan
from storage import feeds_store
from storage.episodes_store import SHOW_NOTES
from storage.models import Episode, Feed, InsightRow, Podcast
from tests.integration.feed_server import (
    EXTERNAL_ENTITY,
    HTML_PAGE,
    FeedServer,
    LoopbackFetch,
    billion_laughs,
    endless,
    gzip_bomb,
    invalid_encoding,
    quadratic_blowup,
    redirect,
    send,
    static,
    status,
    trickle,
)

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
OPTIONS = ScanOptions(max_workers=6, max_episodes_per_feed=50)
TRANSCRIPTS = {".srt": "buzzsprout-example.srt", ".vtt": "buzzsprout-example.vtt", ".html": "buzzsprout-example.html"}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture(name="server")
def server_fixture(fixtures_dir: Path) -> Iterator[FeedServer]:
    """Serves the routes a test sets, and a fixture transcript for any transcript link in a feed."""

    def transcripts(handler: BaseHTTPRequestHandler) -> None:
        name = TRANSCRIPTS.get(Path(handler.path).suffix)
        if not handler.path.startswith("/ext/") or name is None:
            send(handler, 404, b"no such transcript")
            return
        send(handler, 200, (fixtures_dir / "transcripts" / name).read_bytes(), {"Content-Type": "text/plain"})

    with FeedServer() as running:
        running.fallback = transcripts
        yield running


@pytest.fixture(name="fetch")
def fetch_fixture(server: FeedServer) -> Iterator[LoopbackFetch]:
    with Fetcher(allow_private_addresses=True, deadline_seconds=3.0) as fetcher:
        yield LoopbackFetch(fetcher, server)


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock()


def real_feed(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "feeds" / name).read_bytes()


def first_items(feed: bytes, count: int, strip_transcripts: bool = False) -> bytes:
    """The feed with only its first `count` items (and, if asked, no transcript links)."""
    head, *items = feed.split(b"<item>")
    kept = b"".join(b"<item>" + item.split(b"</item>", 1)[0] + b"</item>" for item in items[:count])
    if strip_transcripts:
        kept = re.sub(rb"<podcast:transcript[^>]*/>", b"", kept)
    return head + kept + b"</channel></rss>"


def follow(sessions, fetch, url: str, clock: Clock, options: ScanOptions = OPTIONS) -> AddFeedResult:  # type: ignore[no-untyped-def]
    return add_feed(sessions, fetch, BuiltinExtractor(), url, clock=clock, options=options)


def scan_now(sessions, fetch, clock: Clock, options: ScanOptions = OPTIONS) -> ScanSummary:  # type: ignore[no-untyped-def]
    return scan(sessions, fetch, BuiltinExtractor(), clock=clock, options=options)


def count(sessions: sessionmaker[Session], model: type, *where: object) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where)) or 0  # type: ignore[arg-type]


# Adding feeds -----------------------------------------------------------------------------------


def test_adding_a_real_feed_reports_it_and_extracts_timed_insights(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/pc20.xml", static(real_feed(fixtures_dir, "pc20rss.xml"), etag='"a"'))
    result = follow(sessions, fetch, url, clock, replace(OPTIONS, max_episodes_per_feed=3))
    assert (result.ok, result.title, result.episode_count, result.transcripts_found) == (
        True, "Podcasting 2.0", 56, 47
    )
    assert result.insights_added > 0
    with sessions() as session:
        (feed,) = feeds_store.list_feeds(session)
        rows = session.execute(select(InsightRow, Episode).join(Episode, Episode.id == InsightRow.episode_id)).all()
        podcast = session.scalars(select(Podcast)).one()
    assert (feed.title, feed.episode_count, feed.insights_extracted, feed.last_error) == (
        "Podcasting 2.0", 56, result.insights_added, None
    )
    assert podcast.feed_url == url
    assert len(rows) == result.insights_added
    for insight, episode in rows:
        assert insight.start_seconds is not None and insight.audio_url == episode.audio_url
        assert insight.url == episode.url and episode.transcript_kind == "srt"
        assert insight.podcast_id == podcast.id


HOSTILE = {
    "/missing.xml": (status(404), "the server answered 404 Not Found"),
    "/page.html": (static(HTML_PAGE, "text/html"), "web page (HTML)"),
    "/laughs.xml": (static(billion_laughs()), "declares XML entities"),
    "/huge.xml": (endless(), "larger than the 10 MB limit"),
}


@pytest.mark.parametrize("path", list(HOSTILE))
def test_adding_a_feed_that_cannot_be_used_says_why_and_stores_nothing(sessions, server, fetch, clock, path: str) -> None:  # type: ignore[no-untyped-def]
    route, words = HOSTILE[path]
    result = follow(sessions, fetch, server.route(path, route), clock)
    assert not result.ok and words in (result.reason or "")
    assert count(sessions, Feed) == 0


def test_adding_a_feed_twice_says_it_is_already_followed(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/ex.xml", static(real_feed(fixtures_dir, "podcastindex-namespace-example.xml")))
    first = follow(sessions, fetch, url, clock)
    again = follow(sessions, fetch, url, clock)
    assert not first.already_followed and again.already_followed and again.feed_id == first.feed_id
    assert len(server.requests_to("/ex.xml")) == 1


def test_a_permanent_redirect_is_remembered_and_the_old_address_still_matches(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    new = server.route("/new.xml", static(real_feed(fixtures_dir, "podcastindex-namespace-example.xml"), etag='"1"'))
    old = server.route("/old.xml", redirect(301, "/new.xml"))
    result = follow(sessions, fetch, old, clock)
    assert result.ok and result.url == new
    with sessions() as session:
        (feed,) = feeds_store.list_feeds(session)
    assert (feed.url, feed.original_url) == (new, old)
    assert follow(sessions, fetch, old, clock).already_followed
    assert follow(sessions, fetch, new, clock).already_followed
    clock.advance(OPTIONS.interval)
    assert scan_now(sessions, fetch, clock).unchanged == 1
    assert len(server.requests_to("/old.xml")) == 1


# Scanning ---------------------------------------------------------------------------------------


def test_one_scan_records_errors_on_hostile_feeds_while_the_others_succeed(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    good = {
        server.route("/example.xml", static(real_feed(fixtures_dir, "podcastindex-namespace-example.xml"))),
        server.route("/launched.xml", static(first_items(real_feed(fixtures_dir, "launched-fireside.xml"), 4))),
    }
    bad = {
        server.route("/missing.xml", status(404)): "404 Not Found",
        server.route("/page.xml", static(HTML_PAGE, "text/html")): "web page (HTML)",
        server.route("/laughs.xml", static(billion_laughs())): "declares XML entities",
        server.route("/quadratic.xml", static(quadratic_blowup())): "declares XML entities",
        server.route("/xxe.xml", static(EXTERNAL_ENTITY)): "declares XML entities",
        server.route("/slow.xml", trickle(every_seconds=0.1)): "took longer than 3 seconds",
        server.route("/huge.xml", endless()): "larger than the 10 MB limit",
        server.route("/bomb.xml", gzip_bomb()): "larger than the 10 MB limit",
    }
    mangled = server.route("/mangled.xml", static(invalid_encoding(real_feed(fixtures_dir, "pc20rss.xml"))))
    with sessions.begin() as session:
        for url in [*good, *bad, mangled]:
            feeds_store.add_feed(session, url, now=clock())
    tracemalloc.start()
    summary = scan_now(sessions, fetch, clock, replace(OPTIONS, max_episodes_per_feed=2))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    # Memory only: time is measured in bench/hostile_feeds_bench.py, never asserted in a test.
    assert peak <= 100_000_000  # every feed at once, under tracemalloc
    assert summary.feeds_checked == 11 and summary.errors == len(bad)
    assert {p.url for p in summary.feed_errors} == set(bad)
    with sessions() as session:
        feeds = {f.url: f for f in feeds_store.list_feeds(session)}
    for url, words in bad.items():
        assert words in (feeds[url].last_error or "") and feeds[url].consecutive_failures == 1
        assert feeds[url].next_check_at == START + OPTIONS.retry_delay(1)
    for url in [*good, mangled]:
        assert feeds[url].last_error is None and feeds[url].episode_count > 0
    assert summary.insights_added > 0


def test_rescanning_adds_nothing(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    launched = first_items(real_feed(fixtures_dir, "launched-fireside.xml"), 6)
    example = real_feed(fixtures_dir, "podcastindex-namespace-example.xml")
    with_transcripts = first_items(real_feed(fixtures_dir, "themnshow.xml"), 2)  # the Launched notes give none
    server.route("/launched.xml", static(launched, etag='"1"'))
    server.route("/example.xml", static(example, last_modified="Mon, 02 Mar 2026 08:00:00 GMT"))
    server.route("/mn.xml", static(with_transcripts, etag='"mn"'))
    for path in ("/launched.xml", "/example.xml", "/mn.xml"):
        assert follow(sessions, fetch, server.url(path), clock).ok
    stored = count(sessions, InsightRow)
    assert stored > 0
    clock.advance(OPTIONS.interval)
    unchanged = scan_now(sessions, fetch, clock)
    assert (unchanged.feeds_checked, unchanged.unchanged, unchanged.insights_added) == (3, 3, 0)
    server.route("/launched.xml", static(launched, etag='"2"'))  # same content, new validator
    clock.advance(OPTIONS.interval)
    again = scan_now(sessions, fetch, clock)
    assert (again.unchanged, again.new_episodes, again.insights_added, again.errors) == (2, 0, 0, 0)
    assert count(sessions, InsightRow) == stored


def test_a_transcript_appearing_later_replaces_the_show_notes_insights(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    feed = real_feed(fixtures_dir, "themnshow.xml")
    server.route("/mn.xml", static(first_items(feed, 1, strip_transcripts=True), etag='"notes"'))
    assert follow(sessions, fetch, server.url("/mn.xml"), clock).insights_added > 0
    with sessions() as session:
        episode = session.scalars(select(Episode)).one()
        notes = set(session.scalars(select(InsightRow.text).where(InsightRow.id.in_(episode.notes_insight_ids))))
    assert episode.transcript_kind == SHOW_NOTES and notes
    server.route("/mn.xml", static(first_items(feed, 1), etag='"transcript"'))
    clock.advance(OPTIONS.interval)
    upgraded = scan_now(sessions, fetch, clock)
    assert upgraded.insights_added > 0 and upgraded.new_episodes == 0
    with sessions() as session:
        episode = session.scalars(select(Episode)).one()
        rows = session.scalars(select(InsightRow).where(InsightRow.episode_id == episode.id)).all()
    assert episode.transcript_kind == "srt" and episode.notes_insight_ids == []
    assert not notes & {r.text for r in rows}  # the show-notes insights are gone
    assert len(rows) == upgraded.insights_added and all(r.start_seconds is not None for r in rows)
    server.route("/mn.xml", static(first_items(feed, 1), etag='"again"'))
    clock.advance(OPTIONS.interval)
    assert scan_now(sessions, fetch, clock).insights_added == 0
    assert count(sessions, InsightRow) == len(rows)


def test_a_feed_of_show_note_blurbs_gets_no_insights_and_is_listed_as_show_notes_only(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    from bot.feeds.blocks import feeds_listed
    from storage.episodes_store import show_notes_only

    notes = follow(sessions, fetch, server.route("/launched.xml", static(first_items(real_feed(fixtures_dir, "launched-fireside.xml"), 4))), clock)
    timed = follow(sessions, fetch, server.route("/mn.xml", static(first_items(real_feed(fixtures_dir, "themnshow.xml"), 1))), clock)
    assert notes.ok and notes.insights_added == 0  # "Marco Arment joins the show to talk about…" is a blurb
    assert timed.insights_added > 0
    with sessions() as session:
        feeds = feeds_store.list_feeds(session)
        marked = show_notes_only(session, {f.podcast_id for f in feeds if f.podcast_id is not None})
    shown = str(feeds_listed(feeds, clock(), show_notes_only=marked).as_kwargs()["blocks"])
    assert marked == {f.podcast_id for f in feeds if f.id == notes.feed_id}
    assert shown.count("no insights: show notes only") == 1


def test_an_item_with_srt_and_vtt_uses_the_vtt(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    feed = real_feed(fixtures_dir, "themnshow.xml")
    both = b"<item>" + feed.split(b"<item>")[5]  # episode 50 links an SRT and a VTT
    assert b"050-20240622-DRAFT-transcript.vtt" in both
    server.route("/mn.xml", static(feed.split(b"<item>")[0] + both.split(b"</channel>")[0] + b"</channel></rss>"))
    follow(sessions, fetch, server.url("/mn.xml"), clock)
    with sessions() as session:
        episode = session.scalars(select(Episode)).one()
    assert episode.transcript_kind == "vtt" and (episode.transcript_url or "").endswith(".vtt")


def test_failing_feeds_back_off_and_recover(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/flaky.xml", status(503))
    with sessions.begin() as session:
        feeds_store.add_feed(session, url, now=clock())
    assert scan_now(sessions, fetch, clock).errors == 1
    clock.advance(OPTIONS.interval)
    assert scan_now(sessions, fetch, clock).feeds_checked == 0  # backing off: not due yet
    clock.advance(OPTIONS.interval)
    assert scan_now(sessions, fetch, clock).errors == 1
    with sessions() as session:
        (feed,) = feeds_store.list_feeds(session)
    assert feed.consecutive_failures == 2 and feed.last_error == "the server answered 503 Service Unavailable"
    assert feed.next_check_at == clock() + OPTIONS.interval * 4
    server.route("/flaky.xml", static(real_feed(fixtures_dir, "podcastindex-namespace-example.xml")))
    clock.advance(OPTIONS.interval * 4)
    assert scan_now(sessions, fetch, clock).errors == 0
    with sessions() as session:
        (feed,) = feeds_store.list_feeds(session)
    assert (feed.consecutive_failures, feed.last_error, feed.episode_count) == (0, None, 3)


def test_a_long_feed_is_processed_newest_first_a_batch_per_scan(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    server.route("/launched.xml", static(first_items(real_feed(fixtures_dir, "launched-fireside.xml"), 7), etag='"1"'))
    options = replace(OPTIONS, max_episodes_per_feed=3)
    follow(sessions, fetch, server.url("/launched.xml"), clock, options)
    processed = Episode.transcript_kind.is_not(None)
    assert count(sessions, Episode, processed) == 3
    with sessions() as session:
        assert feeds_store.list_feeds(session)[0].etag is None  # a backlog remains: read it all again
        newest = session.scalars(select(Episode).order_by(Episode.published_at.desc()).limit(3)).all()
    assert all(e.transcript_kind == SHOW_NOTES for e in newest)
    for expected in (6, 7):
        clock.advance(OPTIONS.interval)
        scan_now(sessions, fetch, clock, options)
        assert count(sessions, Episode, processed) == expected
    with sessions() as session:
        assert feeds_store.list_feeds(session)[0].etag == '"1"'


def test_episodes_sharing_a_title_keep_their_own_insights(sessions, server, fetch, clock) -> None:  # type: ignore[no-untyped-def]
    notes = {
        "a": "Teams that write down their decisions spend far fewer hours in meetings every week.",
        "b": "Heat pumps cut winter heating bills most in homes that were insulated first.",
    }
    items = "".join(
        f"<item><title>Bonus episode</title><guid>{guid}</guid><description>{text}</description>"
        f'<enclosure url="https://cdn.example.com/{guid}.mp3" type="audio/mpeg" length="1"/></item>'
        for guid, text in notes.items()
    )
    body = f'<rss version="2.0"><channel><title>Twins</title>{items}</channel></rss>'.encode()
    assert follow(sessions, fetch, server.route("/twins.xml", static(body)), clock).insights_added == 2
    with sessions() as session:
        rows = session.execute(select(InsightRow.text, Episode.guid).join(Episode, Episode.id == InsightRow.episode_id))
        found = {guid: text for text, guid in rows}
    assert found == notes


def test_a_feed_added_without_processing_is_processed_by_the_next_scan(sessions, server, fetch, clock, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    # Episodes with transcripts: the Launched show notes are blurbs, which give no insights (issue 12).
    url = server.route("/mn.xml", static(first_items(real_feed(fixtures_dir, "themnshow.xml"), 2)))
    added = add_feed(sessions, fetch, BuiltinExtractor(), url, clock=clock, options=OPTIONS, process_episodes=False)
    assert (added.ok, added.title, added.episode_count, added.insights_added) == (True, "The Mike Neumann Show", 2, 0)
    summary = scan_now(sessions, fetch, clock)
    assert (summary.feeds_checked, summary.new_episodes) == (1, 2) and summary.insights_added > 0
