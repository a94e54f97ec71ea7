"""Scheduled jobs (APScheduler 3): plain service calls with stable ids."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.deps import Deps
from bot.digest.delivery import DeliveryOutcome, DigestDeliverer
from bot.runtime.transcribe_setup import TRANSCRIBE_JOB_ID, TRANSCRIBE_TICK_SECONDS, Transcription, transcribe_tick
from bot.workspaces.installations import STATE_EXPIRATION_SECONDS, purge_expired_states
from bot.workspaces.lifecycle import PURGE_EVERY_HOURS, PURGE_JOB_ID, purge_expired
from ingest.scan import ScanOptions, ScanSummary, scan

log = logging.getLogger("podbrief.scheduler")

DIGEST_JOB_ID = "digest-tick"
SCAN_JOB_ID = "feed-scan"
STATE_PURGE_JOB_ID = "install-state-purge"
EMBED_JOB_ID = "embed-insights"
EMBED_TICK_SECONDS = 60
#: How often due digests are looked for; a digest goes out within this long of its time.
DIGEST_TICK_SECONDS = 30


def digest_tick(deliverer: DigestDeliverer, clock: Callable[[], datetime]) -> list[DeliveryOutcome]:
    """One pass: deliver every digest that is due now (bot.runtime.job_monitor logs and counts the outcomes)."""
    return deliverer.run_due(clock())


def build_scheduler(
    deliverer: DigestDeliverer,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    scheduler: BaseScheduler | None = None,
) -> BaseScheduler:
    """A scheduler with the digest job registered (not yet started)."""
    scheduler = scheduler or BackgroundScheduler(timezone=UTC)
    _add_repeating_job(scheduler, digest_tick, timedelta(seconds=DIGEST_TICK_SECONDS), (deliverer, clock),
                       DIGEST_JOB_ID, "deliver due digests", clock())
    return scheduler


def feed_scan_tick(deps: Deps, interval: timedelta, clock: Callable[[], datetime],
                   transcribe_newest: int = 0) -> ScanSummary:
    """One scan of the feeds that are due; new insights become searchable (and digest-able) at once.
    With `transcribe_newest`, each feed's newest episodes without a transcript are queued for transcription."""
    options = ScanOptions(interval=interval, transcribe_newest=transcribe_newest)
    with deps.fetchers() as fetcher:
        summary = scan(deps.sessions, fetcher, deps.extractor, clock=clock, options=options)
    if summary.insights_added:
        deps.search_index.invalidate()  # the digest composer notices the new max insight id by itself
    if summary.feeds_checked:
        log.info(
            "feed scan: %d checked, %d unchanged, %d new episodes, %d insights added, %d errors in %.1f s",
            summary.feeds_checked, summary.unchanged, summary.new_episodes, summary.insights_added,
            summary.errors, summary.elapsed_seconds,
        )
    for problem in summary.feed_errors:
        log.warning("feed %s (%s): %s", problem.feed_id, problem.url, problem.error)
    return summary


def add_feed_scan_job(scheduler: BaseScheduler, deps: Deps, interval_minutes: int, transcribe_newest: int = 0) -> bool:
    """Scan due feeds every `interval_minutes` (0: not at all); whether the job was added."""
    if interval_minutes <= 0:
        return False
    interval = timedelta(minutes=interval_minutes)
    _add_repeating_job(scheduler, feed_scan_tick, interval, (deps, interval, deps.clock, transcribe_newest), SCAN_JOB_ID,
                       "scan due podcast feeds", deps.clock())
    return True


def add_purge_job(scheduler: BaseScheduler, deps: Deps, grace_days: int) -> None:
    """Purge the data of workspaces uninstalled longer than `grace_days` ago, every few hours and at start."""
    _add_repeating_job(scheduler, purge_expired, timedelta(hours=PURGE_EVERY_HOURS), (deps, grace_days),
                       PURGE_JOB_ID, "purge workspaces uninstalled longer than the grace period", deps.clock())


def purge_states_tick(deps: Deps) -> int:
    """Delete expired OAuth install states; how many."""
    purged = purge_expired_states(deps.engine, deps.clock())
    if purged:
        log.info("install states: %d expired ones purged", purged)
    return purged


def add_state_purge_job(scheduler: BaseScheduler, deps: Deps) -> None:
    """Purge expired install states as often as they expire (multi-workspace mode only)."""
    _add_repeating_job(scheduler, purge_states_tick, timedelta(seconds=STATE_EXPIRATION_SECONDS), (deps,),
                       STATE_PURGE_JOB_ID, "purge expired OAuth install states", deps.clock())


def add_transcription_job(scheduler: BaseScheduler, deps: Deps, transcription: Transcription) -> None:
    """Drain the transcription queue (TRANSCRIBE=missing): one pass at a time per process, every minute."""
    _add_repeating_job(scheduler, transcribe_tick, timedelta(seconds=TRANSCRIBE_TICK_SECONDS), (deps, transcription),
                       TRANSCRIBE_JOB_ID, "transcribe queued episodes", deps.clock())


def embed_tick(deps: Deps) -> int:
    """Embed the insights still without a current-model vector (the meaning extra); how many were."""
    from ingest.meaning import shared_encoder
    from ingest.meaning.backfill import embed_tick as embed_waiting

    encoder = shared_encoder()
    return 0 if encoder is None else embed_waiting(deps.sessions, encoder, deps.clock).embedded


def add_embedding_job(scheduler: BaseScheduler, deps: Deps) -> None:
    """Embed newly imported or scanned insights in the background, every minute (search finds
    them lexically at once, by meaning once embedded)."""
    _add_repeating_job(scheduler, embed_tick, timedelta(seconds=EMBED_TICK_SECONDS), (deps,),
                       EMBED_JOB_ID, "embed new insights for matching by meaning", deps.clock())


def _add_repeating_job(scheduler: BaseScheduler, job: Callable[..., object], every: timedelta, args: tuple[object, ...],
                       job_id: str, name: str, first_run: datetime) -> None:
    """One instance at a time, missed runs coalesced into one, replacing a job of the same id."""
    scheduler.add_job(
        job,
        IntervalTrigger(seconds=every.total_seconds(), timezone=UTC),
        args=args,
        id=job_id,
        name=name,
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        next_run_time=first_run,
        misfire_grace_time=None,
    )


def build_jobs(deps: Deps, scan_interval_minutes: int, scheduler: BaseScheduler | None = None,
               purge_grace_days: int | None = None, transcription: Transcription | None = None) -> BaseScheduler:
    """The scheduler of the process that runs background work: digests, feed scans unless disabled,
    (given a grace period) purging the data of workspaces that uninstalled Podbrief, and (when
    installing to many workspaces) purging expired install states."""
    scheduler = build_scheduler(deps.digests, deps.clock, scheduler)
    add_feed_scan_job(scheduler, deps, scan_interval_minutes,
                      transcription.newest_per_check if transcription is not None else 0)
    if transcription is not None:
        add_transcription_job(scheduler, deps, transcription)
    if deps.search_index.dense is not None:  # the meaning extra is installed and MATCH_BY_MEANING on
        add_embedding_job(scheduler, deps)
    if purge_grace_days is not None:
        add_purge_job(scheduler, deps, purge_grace_days)
    if deps.installations is not None:
        add_state_purge_job(scheduler, deps)
    return scheduler
