"""Scheduled jobs (APScheduler 3): plain service calls with stable ids."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timezone

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.digest_delivery import DigestDeliverer

log = logging.getLogger("podbrief.scheduler")

DIGEST_JOB_ID = "digest-tick"
#: How often due digests are looked for; a digest goes out within this long of its time.
DIGEST_TICK_SECONDS = 30


def digest_tick(deliverer: DigestDeliverer, clock: Callable[[], datetime]) -> None:
    """One pass: deliver every digest that is due now."""
    outcomes = deliverer.run_due(clock())
    if outcomes:
        summary: dict[str, int] = {}
        for outcome in outcomes:
            summary[outcome.status] = summary.get(outcome.status, 0) + 1
        log.info("digest run: %s", ", ".join(f"{k}={v}" for k, v in sorted(summary.items())))


def build_scheduler(
    deliverer: DigestDeliverer,
    clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    scheduler: BaseScheduler | None = None,
) -> BaseScheduler:
    """A scheduler with the digest job registered (not yet started)."""
    scheduler = scheduler or BackgroundScheduler(timezone=timezone.utc)
    scheduler.add_job(
        digest_tick,
        IntervalTrigger(seconds=DIGEST_TICK_SECONDS, timezone=timezone.utc),
        args=(deliverer, clock),
        id=DIGEST_JOB_ID,
        name="deliver due digests",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        next_run_time=clock(),
        misfire_grace_time=None,
    )
    return scheduler
