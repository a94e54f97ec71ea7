"""Scheduled job runs are logged and counted; /healthz knows whether the scheduler is alive."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from apscheduler.events import EVENT_JOB_EXECUTED, EVENT_JOB_SUBMITTED, JobExecutionEvent, JobSubmissionEvent
from sqlalchemy import create_engine

from bot.digest.delivery import DeliveryOutcome
from bot.runtime.http_server import build_wsgi_app
from bot.runtime.job_monitor import LONGEST_RUN_SECONDS, STALE_AFTER_SECONDS, JobMonitor
from bot.runtime.metrics import Metrics
from bot.runtime.scheduler import DIGEST_JOB_ID, build_scheduler
from ingest.scan_results import ScanSummary

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeDeliverer:
    """Stands in for DigestDeliverer.run_due."""

    def __init__(self, outcomes: list[DeliveryOutcome]) -> None:
        self.outcomes = outcomes

    def run_due(self, now: datetime) -> list[DeliveryOutcome]:
        return self.outcomes


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _sample(metrics: Metrics, name: str, labels: dict[str, str] | None = None) -> float:
    return metrics.registry.get_sample_value(name, labels or {}) or 0.0


def _wait(condition: Any, timeout: float = 30.0) -> None:  # generous: CI machines can be very busy
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _get(wsgi: Any, path: str) -> tuple[str, dict[str, Any]]:
    seen: dict[str, str] = {}
    body: Iterable[bytes] = wsgi({"PATH_INFO": path, "REQUEST_METHOD": "GET"},
                                 lambda status, headers: seen.setdefault("status", status))
    return seen["status"], json.loads(b"".join(body))


def test_a_digest_run_is_logged_on_one_line_and_counted(caplog: pytest.LogCaptureFixture) -> None:
    outcomes = [DeliveryOutcome("T1", "C1", "2026-03-02", "delivered"), DeliveryOutcome("T1", "C2", "2026-03-02", "retry"),
                DeliveryOutcome("T1", "C3", "2026-03-02", "delivered")]
    metrics = Metrics()
    scheduler = build_scheduler(FakeDeliverer(outcomes), lambda: NOW)  # type: ignore[arg-type]
    monitor = JobMonitor(metrics)
    monitor.attach(scheduler)
    with caplog.at_level(logging.INFO, logger="podbrief.jobs"):
        scheduler.start()
        try:
            # The monitor counts, then logs, on the scheduler's thread: wait for both.
            _wait(lambda: _sample(metrics, "podbrief_scheduler_job_runs_total", {"job": DIGEST_JOB_ID, "outcome": "ok"})
                  and any(r.name == "podbrief.jobs" for r in caplog.records))
        finally:
            scheduler.shutdown(wait=True)
    # One line and one count per run; on a very busy machine the 30-second tick may come round again.
    lines = [r.getMessage() for r in caplog.records if r.name == "podbrief.jobs"]
    assert lines
    assert _sample(metrics, "podbrief_digests_total", {"status": "delivered"}) == 2 * len(lines)
    assert _sample(metrics, "podbrief_digests_total", {"status": "retry"}) == 1 * len(lines)
    for line in lines:
        assert line.startswith("job_run job=digest-tick outcome=ok duration_ms=")
        assert line.endswith("digests=3 delivered=2 retry=1")


def test_a_scan_summary_returned_by_a_job_is_counted() -> None:
    metrics = Metrics()
    monitor = JobMonitor(metrics)
    summary = ScanSummary(feeds_checked=4, unchanged=1, new_episodes=2, insights_added=9, errors=1, elapsed_seconds=3.0)
    monitor.on_event(JobSubmissionEvent(EVENT_JOB_SUBMITTED, "feed-scan", "default", [NOW]))
    monitor.on_event(JobExecutionEvent(EVENT_JOB_EXECUTED, "feed-scan", "default", NOW, retval=summary))
    assert _sample(metrics, "podbrief_feeds_checked_total") == 4
    assert _sample(metrics, "podbrief_scan_insights_added_total") == 9
    assert _sample(metrics, "podbrief_feed_errors_total") == 1


class FakeScheduler:
    """The part of APScheduler's BaseScheduler the monitor uses."""

    def __init__(self) -> None:
        self.running = True

    def add_listener(self, callback: Any, mask: int) -> None:
        self.callback = callback


def _monitor() -> tuple[JobMonitor, FakeScheduler, Clock]:
    clock, scheduler = Clock(), FakeScheduler()
    monitor = JobMonitor(Metrics(), clock=clock)
    monitor.attach(scheduler)
    return monitor, scheduler, clock


def _tick(monitor: JobMonitor, clock: Clock, seconds: float = 1.0) -> None:
    monitor.on_event(JobSubmissionEvent(EVENT_JOB_SUBMITTED, DIGEST_JOB_ID, "default", [NOW]))
    clock.now += seconds
    monitor.on_event(JobExecutionEvent(EVENT_JOB_EXECUTED, DIGEST_JOB_ID, "default", NOW, retval=[]))


def test_the_scheduler_is_healthy_while_the_digest_job_keeps_running() -> None:
    monitor, _, clock = _monitor()
    assert monitor.scheduler_problem() is None
    _tick(monitor, clock)
    clock.now += STALE_AFTER_SECONDS - 1
    assert monitor.scheduler_problem() is None


def test_a_digest_job_that_stopped_running_is_unhealthy() -> None:
    monitor, _, clock = _monitor()
    _tick(monitor, clock)
    clock.now += STALE_AFTER_SECONDS + 1
    assert monitor.scheduler_problem() == f"digest-tick has not run for {STALE_AFTER_SECONDS + 1} s"


def test_a_long_delivery_run_is_healthy_until_it_looks_stuck() -> None:
    monitor, _, clock = _monitor()
    monitor.on_event(JobSubmissionEvent(EVENT_JOB_SUBMITTED, DIGEST_JOB_ID, "default", [NOW]))
    clock.now += STALE_AFTER_SECONDS * 3
    assert monitor.scheduler_problem() is None
    clock.now += LONGEST_RUN_SECONDS
    assert "has been running for" in (monitor.scheduler_problem() or "")


def test_health_check_reports_a_stopped_scheduler_with_503(tmp_path: Path) -> None:
    monitor, scheduler, _clock = _monitor()
    wsgi = build_wsgi_app(None, create_engine(f"sqlite:///{tmp_path / 'ok.db'}"), scheduler_problem=monitor.scheduler_problem)
    assert _get(wsgi, "/healthz") == ("200 OK", {"status": "ok", "database": "ok", "scheduler": "ok"})
    scheduler.running = False
    assert _get(wsgi, "/healthz") == ("503 Service Unavailable", {
        "status": "unhealthy", "database": "ok", "scheduler": "unhealthy", "reason": "scheduler is not running"})


def test_health_check_reports_an_unreachable_database_with_503(tmp_path: Path) -> None:
    wsgi = build_wsgi_app(None, create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.db'}"))
    assert _get(wsgi, "/healthz") == ("503 Service Unavailable", {
        "status": "unhealthy", "database": "unreachable", "reason": "database unreachable"})


def test_a_process_without_a_slack_app_serves_no_slack_requests(tmp_path: Path) -> None:
    wsgi = build_wsgi_app(None, create_engine(f"sqlite:///{tmp_path / 'ok.db'}"), metrics=Metrics())
    seen: dict[str, str] = {}
    wsgi({"PATH_INFO": "/slack/events", "REQUEST_METHOD": "POST"}, lambda s, h: seen.setdefault("s", s))
    assert seen["s"].startswith("404")
    wsgi({"PATH_INFO": "/metrics", "REQUEST_METHOD": "GET"}, lambda s, h: seen.update(m=s))
    assert seen["m"] == "200 OK"
