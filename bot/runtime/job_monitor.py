"""Watching scheduled jobs: one log line and metrics per run, and the scheduler's health.

`JobMonitor.attach(scheduler)` listens to APScheduler's job events, so every job (the
digest tick, feed scans, whatever is added later) is logged and counted without
wrapping it. A job that returns digest outcomes or a scan summary has them counted too.
`scheduler_problem()` is what `GET /healthz` reports for a process running the scheduler.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_JOB_SUBMITTED,
    JobEvent,
    JobExecutionEvent,
    JobSubmissionEvent,
)
from apscheduler.schedulers.base import BaseScheduler

from bot.digest.delivery import DeliveryOutcome
from bot.runtime.metrics import Metrics
from bot.runtime.scheduler import DIGEST_JOB_ID, DIGEST_TICK_SECONDS
from bot.shared.logfmt import kv
from ingest.scan_results import ScanSummary

log = logging.getLogger("podbrief.jobs")

#: The digest job counts as stalled when it has not finished a run for this long...
STALE_AFTER_SECONDS = 4 * DIGEST_TICK_SECONDS
#: ...unless a run is under way and younger than this (a big delivery run takes minutes).
LONGEST_RUN_SECONDS = 15 * 60


@dataclass
class _JobState:
    """Runs are told apart by their scheduled time: APScheduler may report a run's end before its start."""

    pending: dict[datetime, float] = field(default_factory=dict)  # scheduled time -> monotonic start
    ended_early: set[datetime] = field(default_factory=set)  # ends seen before their submission
    finished: float | None = None  # monotonic, last run that ended (ok or not)


class JobMonitor:
    """Logs and counts job runs; knows whether the scheduler is alive."""

    def __init__(self, metrics: Metrics, clock: Callable[[], float] = time.monotonic,
                 wall_clock: Callable[[], float] = time.time) -> None:
        self._metrics = metrics
        self._clock = clock
        self._wall_clock = wall_clock
        self._jobs: dict[str, _JobState] = {}
        self._lock = threading.Lock()
        self._scheduler: BaseScheduler | None = None
        self._attached_at = clock()

    def attach(self, scheduler: BaseScheduler) -> None:
        """Follow `scheduler`'s job events (call before or after it starts)."""
        self._scheduler = scheduler
        self._attached_at = self._clock()
        scheduler.add_listener(self.on_event, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR
                               | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)

    def on_event(self, event: JobEvent) -> None:
        """APScheduler listener: never raises (the scheduler would log it as its own error)."""
        try:
            self._on_event(event)
        except Exception:
            log.exception("job monitor failed on an event for %s", getattr(event, "job_id", "?"))

    def _on_event(self, event: JobEvent) -> None:
        now = self._clock()
        with self._lock:
            state = self._jobs.setdefault(event.job_id, _JobState())
            if event.code == EVENT_JOB_SUBMITTED:
                assert isinstance(event, JobSubmissionEvent)
                for run in event.scheduled_run_times:
                    if run in state.ended_early:
                        state.ended_early.discard(run)
                    else:
                        state.pending[run] = now
                return
            ran = event.code in (EVENT_JOB_EXECUTED, EVENT_JOB_ERROR)
            if ran:
                assert isinstance(event, JobExecutionEvent)
                started = state.pending.pop(event.scheduled_run_time, None)
                if started is None and len(state.ended_early) < 100:
                    state.ended_early.add(event.scheduled_run_time)
                state.finished = now
        if not ran:
            why = "missed" if event.code == EVENT_JOB_MISSED else "still_running"
            log.warning(kv("job_run", job=event.job_id, outcome="skipped", reason=why))
            return
        assert isinstance(event, JobExecutionEvent)
        seconds = now - started if started is not None else _since(event.scheduled_run_time, self._wall_clock())
        self._finished(event, seconds)

    def _finished(self, event: JobExecutionEvent, seconds: float | None) -> None:
        ok = event.exception is None
        self._metrics.record_job(event.job_id, ok, seconds, self._wall_clock())
        fields = _result_fields(event.retval, self._metrics) if ok else {"error": type(event.exception).__name__}
        line = kv("job_run", job=event.job_id, outcome="ok" if ok else "error",
                  duration_ms=None if seconds is None else seconds * 1000, **fields)
        if not ok:
            log.error(line)
        elif fields.get("digests") or fields.get("feeds_checked"):
            log.info(line)
        else:
            log.debug(line)  # an idle tick every 30 s is noise at INFO

    def scheduler_problem(self, job_id: str = DIGEST_JOB_ID) -> str | None:
        """None when the scheduler runs and `job_id` keeps running; else why not, in a few words."""
        if self._scheduler is None:
            return None
        if not self._scheduler.running:
            return "scheduler is not running"
        now = self._clock()
        with self._lock:
            state = self._jobs.get(job_id, _JobState())
            started, finished = min(state.pending.values(), default=None), state.finished
        if started is not None and now - started > LONGEST_RUN_SECONDS:
            return f"{job_id} has been running for {int(now - started)} s"
        if started is not None:
            return None
        last = finished if finished is not None else self._attached_at
        if now - last > STALE_AFTER_SECONDS:
            return f"{job_id} has not run for {int(now - last)} s"
        return None


def _result_fields(retval: object, metrics: Metrics) -> dict[str, object]:
    """Count what a job returned (digest outcomes, a scan summary) and say it in log fields."""
    if isinstance(retval, ScanSummary):
        metrics.record_scan(retval)
        return {"feeds_checked": retval.feeds_checked, "unchanged": retval.unchanged,
                "new_episodes": retval.new_episodes, "insights_added": retval.insights_added,
                "feed_errors": retval.errors}
    if isinstance(retval, list) and all(isinstance(o, DeliveryOutcome) for o in retval):
        metrics.record_digests(retval)
        counts: dict[str, int] = {}
        for outcome in retval:
            counts[outcome.status] = counts.get(outcome.status, 0) + 1
        return {"digests": len(retval), **dict(sorted(counts.items()))}
    return {}


def _since(scheduled: datetime, wall_now: float) -> float | None:
    """Seconds from a run's scheduled time to now (a run's duration when its start was not seen)."""
    try:
        return max(0.0, wall_now - scheduled.timestamp())
    except (AttributeError, OverflowError, ValueError):
        return None
