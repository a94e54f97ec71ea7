"""Three workers scanning due feeds at once, each with its own engine and fetcher, against a
loopback server that answers slowly: every feed is fetched once per round, and the three
share the feeds instead of each checking them all."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ingest.extractors import BuiltinExtractor
from ingest.fetch import Fetch, Fetcher, FetchResult
from ingest.scan import CLAIM_LEASE, ScanOptions, ScanSummary, scan
from storage import feeds_store
from storage.db import create_db_engine, session_factory
from tests.integration.feed_server import FeedServer, Route, static
from tests.meeting import Meeting

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
FEEDS = [f"/feed-{n:02d}.xml" for n in range(30)]
WORKERS = 3
OPTIONS = ScanOptions(max_workers=2)
#: Each worker must check at least this many feeds: a sixth of them, half a fair share.
FAIR_SHARE_FLOOR = len(FEEDS) // 6


def _feed(n: int) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Show {n}</title><link>https://example.com/{n}</link>
<item><guid>show-{n}-1</guid><title>Episode one of show {n}</title><pubDate>Mon, 02 Mar 2026 06:00:00 GMT</pubDate>
<description>Show {n} talks about chips.</description></item>
</channel></rss>""".encode()


def _slowly(route: Route, seconds: float) -> Route:
    """The route, answered after `seconds`: a real feed host's round trip."""

    def serve(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(seconds)
        route(handler)

    return serve


def _meeting_fetch(fetch: Fetch, arrive: Callable[[], None]) -> Fetch:
    """`fetch`, each call first arriving at the worker's meeting (`tests.meeting`): a claim that took more
    than a few feeds (or waited for another worker's) leaves a worker with nothing to bring, and the
    meeting breaks (a fetch error)."""

    def meeting_fetch(url: str, **options: Any) -> FetchResult:
        arrive()
        return fetch(url, **options)

    return meeting_fetch


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        for n, path in enumerate(FEEDS):
            running.route(path, _slowly(static(_feed(n), etag=f'"v{n}"'), 0.1))
        yield running


@pytest.fixture
def worker_sessions(database_url: str, server: FeedServer) -> Iterator[list[sessionmaker[Session]]]:
    """One engine per worker, as separate processes would have; every feed followed and due."""
    engines = [create_db_engine(database_url) for _ in range(WORKERS)]
    sessions = [session_factory(engine) for engine in engines]
    with sessions[0].begin() as session:
        for path in FEEDS:
            feeds_store.add_feed(session, server.url(path), now=START)
    yield sessions
    for engine in engines:
        engine.dispose()


def _scan_at_once(
    sessions: list[sessionmaker[Session]], clock: Clock, options: ScanOptions = OPTIONS, meet_for: int = 0
) -> list[ScanSummary]:
    """Each worker's scan of the due feeds, all started together; what each found. With `meet_for`, each
    worker's first `meet_for` fetches meet the others' (`tests.meeting.Meeting`)."""
    results: list[ScanSummary] = [ScanSummary() for _ in sessions]
    start = threading.Barrier(len(sessions))
    meeting = Meeting(len(sessions), meet_for)

    def run(n: int) -> None:
        with Fetcher(allow_private_addresses=True, connect_timeout=30, read_timeout=30, deadline_seconds=30) as fetcher:
            start.wait()
            results[n] = scan(sessions[n], _meeting_fetch(fetcher, meeting.arrival()), BuiltinExtractor(),
                              clock=clock, options=options)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(sessions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _fetches(server: FeedServer) -> Counter[str]:
    return Counter(seen.path for seen in server.seen)


def _requires_postgresql(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("sharing rows between workers relies on PostgreSQL's FOR UPDATE SKIP LOCKED; SQLite has one writer")


def test_three_workers_share_the_due_feeds_and_fetch_each_once_per_round(
    database_url: str, server: FeedServer, worker_sessions: list[sessionmaker[Session]]
) -> None:
    _requires_postgresql(database_url)
    clock = Clock()
    first = _scan_at_once(worker_sessions, clock, meet_for=FAIR_SHARE_FLOOR)
    assert _fetches(server) == Counter(dict.fromkeys(FEEDS, 1))
    assert not any(s.errors for s in first), [s.feed_errors for s in first]  # the meetings all took place
    assert sum(s.feeds_checked for s in first) == len(FEEDS)
    assert min(s.feeds_checked for s in first) >= FAIR_SHARE_FLOOR, [s.feeds_checked for s in first]

    clock.now += OPTIONS.interval
    second = _scan_at_once(worker_sessions, clock, meet_for=FAIR_SHARE_FLOOR)
    assert _fetches(server) == Counter(dict.fromkeys(FEEDS, 2))
    assert not any(s.errors for s in second), [s.feed_errors for s in second]
    assert sum(s.unchanged for s in second) == len(FEEDS)
    assert min(s.feeds_checked for s in second) >= FAIR_SHARE_FLOOR, [s.feeds_checked for s in second]


def test_three_workers_on_either_database_check_each_due_feed_once(
    server: FeedServer, worker_sessions: list[sessionmaker[Session]]
) -> None:
    clock = Clock()
    summaries = _scan_at_once(worker_sessions, clock)
    assert _fetches(server) == Counter(dict.fromkeys(FEEDS, 1))
    assert sum(s.feeds_checked for s in summaries) == len(FEEDS)
    with worker_sessions[0]() as session:
        feeds = feeds_store.list_feeds(session)
    assert {(f.last_checked_at, f.next_check_at, f.episode_count) for f in feeds} == {
        (START, START + OPTIONS.interval, 1)
    }


def test_a_feed_claimed_by_a_worker_that_died_is_due_again_after_the_lease(
    server: FeedServer, worker_sessions: list[sessionmaker[Session]]
) -> None:
    sessions = worker_sessions[0]
    with sessions.begin() as session:  # a worker claims two feeds, then dies before checking them
        dead = feeds_store.claim_due_feeds(session, START, START + CLAIM_LEASE, limit=2)
    clock, hourly = Clock(), replace(OPTIONS, interval=timedelta(hours=1))
    assert sum(s.feeds_checked for s in _scan_at_once(worker_sessions, clock, hourly)) == len(FEEDS) - 2

    clock.now = START + CLAIM_LEASE - timedelta(seconds=1)
    assert sum(s.feeds_checked for s in _scan_at_once(worker_sessions, clock, hourly)) == 0
    clock.now = START + CLAIM_LEASE
    assert sum(s.feeds_checked for s in _scan_at_once(worker_sessions, clock, hourly)) == 2
    assert _fetches(server) == Counter(dict.fromkeys(FEEDS, 1))
    assert {f.url for f in dead} == {server.url(path) for path in FEEDS[:2]}  # never-checked ones go first
