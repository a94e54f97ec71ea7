"""The scan service: poll due feeds, store new episodes, turn them into insights.

    summary = scan(sessions, Fetcher(), BuiltinExtractor())            # the scheduler's job
    result = add_feed(sessions, Fetcher(), BuiltinExtractor(), url)    # `feeds add`

Services receive their dependencies (sessions, a fetcher, an extractor, a clock), so tests
pass fakes. Each feed is checked in its own worker with its own error handling: one bad
feed records its error (in plain words, with a backoff) and never affects the others.
Network work happens outside transactions; writes are short and serialised per process.
Due feeds are claimed a few at a time (`feeds_store.claim_due_feeds`), so several worker
processes scanning at once share the feeds and none is checked twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session, sessionmaker

from ingest.claimed_work import drain
from ingest.feeds import FeedError, ParsedEpisode, ParsedFeed, parse_feed
from ingest.fetch import Fetch, FetchError, FetchResult, check_url
from ingest.scan_episodes import EpisodeWork, episode_work, needs_work, newest_first
from ingest.scan_results import (
    AddFeedResult,
    FeedOutcome,
    FeedProblem,
    Progress,
    ScanOptions,
    ScanSummary,
)
from ingest.transcribe.queueing import queue_transcriptions
from storage import episodes_store, feeds_store
from storage.clock import Clock, utc_now
from storage.episodes_store import SHOW_NOTES, EpisodeFields, EpisodeInsights, EpisodeState
from storage.feeds_store import FeedCheck, FeedInfo
from storage.models import OPERATOR_TEAM

if TYPE_CHECKING:
    from ingest.extractors import Extractor

logger = logging.getLogger(__name__)

__all__ = [
    "CLAIM_LEASE", "AddFeedResult", "FeedOutcome", "FeedProblem", "Progress", "ScanOptions",
    "ScanSummary", "add_feed", "scan",
]

#: The options a scan runs with unless told otherwise (immutable, so one shared default).
DEFAULT_OPTIONS = ScanOptions()
#: How long a feed claimed by a scan stays taken; if the worker dies mid-check, it falls due again after this.
CLAIM_LEASE = timedelta(minutes=30)


@dataclass(frozen=True)
class _Deps:
    sessions: sessionmaker[Session]
    fetch: Fetch
    extractor: Extractor
    clock: Clock
    options: ScanOptions
    lock: AbstractContextManager[object] = field(default_factory=threading.Lock)

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A short transaction; on SQLite (one writer at a time anyway) one per process at a time."""
        with self.lock, self.sessions.begin() as session:
            yield session


def _deps(sessions: sessionmaker[Session], fetch: Fetch, extractor: Extractor, clock: Clock, options: ScanOptions) -> _Deps:
    bind = sessions.kw.get("bind")
    serial = bind is None or bind.dialect.name == "sqlite"
    return _Deps(sessions, fetch, extractor, clock, options, threading.Lock() if serial else nullcontext())


def scan(
    sessions: sessionmaker[Session],
    fetch: Fetch,
    extractor: Extractor,
    *,
    clock: Clock = utc_now,
    options: ScanOptions = DEFAULT_OPTIONS,
    progress: Progress | None = None,
    only_due: bool = True,
    feed_ids: Collection[int] | None = None,
) -> ScanSummary:
    """Check due feeds (or all, or `feed_ids`) with bounded concurrency; never raises for a feed."""
    started = time.monotonic()
    deps = _deps(sessions, fetch, extractor, clock, options)
    now = clock()
    if only_due and feed_ids is None:
        return _summary(_scan_due(deps, now, progress), time.monotonic() - started)
    with sessions() as session:
        feeds = feeds_store.due_feeds(session, now) if only_due else feeds_store.list_feeds(session)
    if feed_ids is not None:
        wanted = set(feed_ids)
        feeds = [f for f in feeds if f.id in wanted]
    outcomes: list[FeedOutcome] = []
    with ThreadPoolExecutor(max_workers=max(1, options.max_workers), thread_name_prefix="scan") as pool:
        futures = [pool.submit(_check_feed, feed, deps, now) for feed in feeds]
        for future in as_completed(futures):
            outcomes.append(future.result())
            if progress:
                progress(len(outcomes), len(feeds), outcomes[-1])
    return _summary(outcomes, time.monotonic() - started)


def _scan_due(deps: _Deps, now: datetime, progress: Progress | None) -> list[FeedOutcome]:
    """Check the feeds due at `now`, claiming as many as there are idle threads until none is left,
    so several processes scanning at once share the feeds instead of each checking them all."""
    expected = _count_due(deps, now) if progress else 0
    finished: list[FeedOutcome] = []

    def report(outcome: FeedOutcome) -> None:
        finished.append(outcome)
        if progress:
            progress(len(finished), max(expected, len(finished)), outcome)

    def claim(limit: int) -> tuple[list[FeedInfo], bool]:
        claimed = _claim(deps, now, limit)
        return claimed, len(claimed) == limit

    return drain(claim, lambda feed: _check_feed(feed, deps, now), deps.options.max_workers,
                 thread_name_prefix="scan", on_result=report)


def _claim(deps: _Deps, now: datetime, limit: int) -> list[FeedInfo]:
    with deps.write() as session:
        return feeds_store.claim_due_feeds(session, now, deps.clock() + CLAIM_LEASE, limit)


def _count_due(deps: _Deps, now: datetime) -> int:
    with deps.sessions() as session:
        return feeds_store.count_due_feeds(session, now)


def _summary(outcomes: Sequence[FeedOutcome], elapsed: float) -> ScanSummary:
    failed = [o for o in outcomes if o.status == "failed"]
    return ScanSummary(
        feeds_checked=len(outcomes),
        unchanged=sum(o.status == "unchanged" for o in outcomes),
        new_episodes=sum(o.new_episodes for o in outcomes),
        insights_added=sum(o.insights_added for o in outcomes),
        errors=len(failed),
        feed_errors=tuple(FeedProblem(o.feed_id, o.url, o.error or "unknown error") for o in failed),
        elapsed_seconds=elapsed,
    )


def _check_feed(feed: FeedInfo, deps: _Deps, now: datetime) -> FeedOutcome:
    """Fetch one feed conditionally and process what changed; every failure is recorded on the feed."""
    try:
        result = deps.fetch(feed.url, etag=feed.etag, last_modified=feed.last_modified)
        if result.error:
            return _failed(feed, result.error, deps, now)
        if result.not_modified:
            return _unchanged(feed, result, deps, now)
        parsed = parse_feed(result.body, base_url=result.final_url or feed.url)
        return _process(feed, result, parsed, deps, now)
    except FeedError as error:
        return _failed(feed, str(error), deps, now)
    except Exception as error:
        logger.exception("scanning feed %s (%s) failed", feed.id, feed.url)
        return _failed(feed, f"unexpected error while scanning: {type(error).__name__}: {error}", deps, now)


def _failed(feed: FeedInfo, error: str, deps: _Deps, now: datetime) -> FeedOutcome:
    retry_at = now + deps.options.retry_delay(feed.consecutive_failures + 1)
    try:
        with deps.write() as session:
            feeds_store.record_failure(session, feed.id, error=error, checked_at=now, next_check_at=retry_at)
    except Exception:
        logger.exception("could not record the failure of feed %s", feed.id)
    return FeedOutcome(feed.id, feed.url, "failed", title=feed.title, error=error)


def _unchanged(feed: FeedInfo, result: FetchResult, deps: _Deps, now: datetime) -> FeedOutcome:
    check = FeedCheck(
        checked_at=now,
        next_check_at=now + deps.options.interval,
        etag=result.etag or feed.etag,
        last_modified=result.last_modified or feed.last_modified,
        new_url=result.permanent_redirect,
    )
    with deps.write() as session:
        feeds_store.record_check(session, feed.id, check)
    return FeedOutcome(feed.id, feed.url, "unchanged", title=feed.title, episode_count=feed.episode_count,
                       moved_to=result.permanent_redirect)


def _process(feed: FeedInfo, result: FetchResult, parsed: ParsedFeed, deps: _Deps, now: datetime) -> FeedOutcome:
    """Store the feed's episodes, then the insights of those needing work (newest first, capped)."""
    with deps.write() as session:
        podcast_id, podcast = feeds_store.ensure_podcast(session, parsed.title, feed.url, feed.podcast_id)
        states = episodes_store.upsert_episodes(session, podcast_id, [_fields(e) for e in parsed.episodes])
    by_guid = {e.guid: e for e in parsed.episodes}
    options = deps.options
    pending = newest_first([(s, by_guid[s.guid]) for s in states if needs_work(s, by_guid[s.guid], options.episode)])
    batch = pending[: options.max_episodes_per_feed]
    works = [(state, _work(feed, podcast, state, episode, deps)) for state, episode in batch]  # network: no lock
    backlog = len(pending) > len(batch)  # keep no validators, so the next scan reads the feed again
    new_episodes = sum(s.is_new for s in states)
    check = FeedCheck(
        checked_at=now,
        next_check_at=now + options.interval,
        etag=None if backlog else result.etag,
        last_modified=None if backlog else result.last_modified,
        new_url=result.permanent_redirect,
        title=parsed.title,
        podcast_id=podcast_id,
        episode_count=len(states),
        new_episodes=new_episodes,
    )
    with deps.write() as session:
        added = _store_works(session, feed.id, podcast_id, works)
        queue_transcriptions(session, feed.id, parsed, works, newest=options.transcribe_newest, now=now)
        feeds_store.record_check(session, feed.id, check)
    return FeedOutcome(
        feed.id, feed.url, "updated", title=parsed.title, new_episodes=new_episodes, episode_count=len(states),
        transcripts_found=sum(bool(e.transcripts) for e in parsed.episodes), insights_added=added,
        moved_to=result.permanent_redirect,
    )


def _fields(episode: ParsedEpisode) -> EpisodeFields:
    return EpisodeFields(episode.guid, episode.title, episode.link, episode.audio_url, episode.published_at)


def _work(feed: FeedInfo, podcast: str, state: EpisodeState, episode: ParsedEpisode, deps: _Deps) -> EpisodeWork:
    """One episode's transcript fetch and extraction; a failure costs that episode only."""
    try:
        return episode_work(
            episode, state, podcast=podcast, fetch=deps.fetch, extractor=deps.extractor, options=deps.options.episode
        )
    except Exception:
        logger.exception("processing episode %s of feed %s failed", state.guid, feed.url)
        return EpisodeWork(kind=None)


def _store_works(session: Session, feed_id: int, podcast_id: int, works: Sequence[tuple[EpisodeState, EpisodeWork]]) -> int:
    """Store what processing the episodes produced, in the caller's transaction; insights added."""
    for state, work in works:
        if work.transcript_error and work.transcript_url and work.kind in (None, SHOW_NOTES):
            episodes_store.record_transcript_failure(session, state.id, work.transcript_url)
    batches = [
        EpisodeInsights(state.id, work.kind, work.items, work.transcript_url if work.kind != SHOW_NOTES else None)
        for state, work in works
        if work.kind is not None
    ]
    added = episodes_store.store_insights(session, podcast_id, batches)
    feeds_store.count_extracted(session, feed_id, added)
    return added


def add_feed(
    sessions: sessionmaker[Session],
    fetch: Fetch,
    extractor: Extractor,
    url: str,
    *,
    added_by: str | None = None,
    team_id: str = OPERATOR_TEAM,
    clock: Clock = utc_now,
    options: ScanOptions = DEFAULT_OPTIONS,
    process_episodes: bool = True,
) -> AddFeedResult:
    """`team_id` follows a feed (the operator's library by default): its title and episode count,
    or why it cannot be used. A feed Podbrief already stores (someone else follows it) is not
    fetched again: `team_id` subscribes to it and sees its insights at once. A new one is fetched once.

    With `process_episodes`, its newest episodes become insights right away (as a scan would);
    without, the feed is stored as due and the next scan processes it.
    """
    url = url.strip()
    try:
        check_url(url)
    except FetchError as error:
        return AddFeedResult(url=url, ok=False, reason=str(error))
    with sessions.begin() as session:
        known = feeds_store.feed_by_url(session, url)
        subscribed = known is not None and feeds_store.subscribe(session, team_id, known.id, now=clock(),
                                                                 added_by=added_by)
    if known:
        return _already(known, new_follower=subscribed)
    result = fetch(url)
    if result.error:
        return AddFeedResult(url=url, ok=False, reason=result.error)
    try:
        parsed = parse_feed(result.body, base_url=result.final_url or url)
    except FeedError as error:
        return AddFeedResult(url=url, ok=False, reason=str(error))
    deps = _deps(sessions, fetch, extractor, clock, options)
    return _follow(url, result, parsed, (team_id, added_by), process_episodes, deps)


def _follow(
    url: str, result: FetchResult, parsed: ParsedFeed, who: tuple[str, str | None], process: bool, deps: _Deps
) -> AddFeedResult:
    now = deps.clock()
    team_id, added_by = who
    with deps.write() as session:
        if result.permanent_redirect and (moved := feeds_store.feed_by_url(session, result.permanent_redirect)):
            new = feeds_store.subscribe(session, team_id, moved.id, now=now, added_by=added_by)
            return _already(moved, new_follower=new)
        feed, created = feeds_store.add_feed(session, url, now=now, added_by=added_by, team_id=team_id)
    if not created:  # another workspace added it meanwhile: followed now, fetched by its scan
        return _already(feed, new_follower=True)
    try:
        outcome = (_process if process else _register_only)(feed, result, parsed, deps, now)
    except Exception as error:
        logger.exception("processing the new feed %s failed", url)
        outcome = _failed(feed, f"unexpected error while reading its episodes: {type(error).__name__}", deps, now)
    return AddFeedResult(
        url=outcome.moved_to or url, ok=True, feed_id=feed.id, title=parsed.title, episode_count=outcome.episode_count,
        transcripts_found=outcome.transcripts_found, insights_added=outcome.insights_added, reason=outcome.error,
    )


def _register_only(feed: FeedInfo, result: FetchResult, parsed: ParsedFeed, deps: _Deps, now: datetime) -> FeedOutcome:
    """Record the feed's title and redirect, leaving it due (no validators) for the next scan."""
    with deps.write() as session:
        podcast_id, _ = feeds_store.ensure_podcast(session, parsed.title, feed.url, feed.podcast_id)
        check = FeedCheck(checked_at=now, next_check_at=now, new_url=result.permanent_redirect, title=parsed.title,
                          podcast_id=podcast_id, episode_count=len(parsed.episodes))
        feeds_store.record_check(session, feed.id, check)
    return FeedOutcome(feed.id, feed.url, "updated", title=parsed.title, episode_count=len(parsed.episodes),
                       transcripts_found=sum(bool(e.transcripts) for e in parsed.episodes),
                       moved_to=result.permanent_redirect)


def _already(feed: FeedInfo, *, new_follower: bool = False) -> AddFeedResult:
    """A feed Podbrief stores already; `new_follower`: followed by this team only now."""
    return AddFeedResult(
        url=feed.url, ok=True, feed_id=feed.id, title=feed.title, episode_count=feed.episode_count,
        already_followed=not new_follower,
    )
