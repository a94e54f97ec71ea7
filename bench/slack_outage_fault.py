"""Slack outage fault drill: a one-minute outage (429, 500, 503 and timeouts mixed) in the middle
of a 200-target digest run, then a check that every digest went out and nothing went out twice.

    .venv/bin/python bench/slack_outage_fault.py
    .venv/bin/python bench/slack_outage_fault.py --outage 0        # no outage: the baseline
    .venv/bin/python bench/slack_outage_fault.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/podbrief_outage

Production settings throughout: the real DigestDeliverer (16 threads, 0.25 s between posts), the
app's Web API client (`build_client`: 10 s timeout, its retry handlers) and the real APScheduler
job from `bot.runtime.scheduler` (a tick every 30 s), its clock running from a pinned noon. The outage
starts once the first digest header is posted, on chat.postMessage and conversations.open (every
tenth target is a personal brief); each failing call gets one of the kinds at random. A "timeout"
is a request Slack holds past the client's timeout and never processes (nothing posted).
A PostgreSQL database is created if missing, and emptied (DROP SCHEMA public) first.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import TOPICS, Corpus
from sqlalchemy import create_engine, make_url, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DigestDeliverer
from bot.runtime.scheduler import DIGEST_JOB_ID, build_scheduler
from insights.targets import CHANNEL, PERSON
from standin.slack_api import RecordedCall, SlackStandIn
from storage.channels_store import update_target
from storage.db import create_db_engine, migrate, session_factory
from storage.insights_store import InsightWriter
from storage.models import Delivery

TOKEN = "xoxb-outage-bench"
TEAM = "T0STANDIN"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
OUTAGE_METHODS = ("chat.postMessage", "conversations.open")


def target_ids(count: int) -> list[str]:
    """Channel ids, every tenth a user id (a personal brief, posted in a DM)."""
    return [f"U{n:06d}" if n % 10 == 9 else f"C{n:06d}" for n in range(count)]


def create_if_missing(url: str) -> None:
    """A PostgreSQL database named in `url` is created when it does not exist yet."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    admin.dispose()


def prepare(url: str, targets: list[str], insights: int, seed: int) -> None:
    create_if_missing(url)
    engine = create_db_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    rng = random.Random(seed)
    recent = [replace(item, published_at=NOW - timedelta(hours=rng.uniform(1, 72)))
              for item in Corpus(insights, seed=seed).insights()]
    topics = sorted(TOPICS)
    with session_factory(engine).begin() as session:
        InsightWriter(session).add(recent)
        for target in targets:
            update_target(session, TEAM, target, by_user="U0BENCH", change="bench",
                          kind=PERSON if target.startswith("U") else CHANNEL, topics=rng.sample(topics, 3),
                          digest_time="00:00", timezone="UTC")
    engine.dispose()


class OutageOnFirstHeader:
    """A deliverer checkpoint: starts the outage once the run has posted its first header."""

    def __init__(self, slack: SlackStandIn, seconds: float, kinds: list[str], hold: float) -> None:
        self._slack, self._seconds, self._kinds, self._hold = slack, seconds, kinds, hold
        self._lock = threading.Lock()
        self.started_at: float | None = None

    def __call__(self, step: str) -> None:
        with self._lock:
            if step != "header" or self.started_at is not None or self._seconds <= 0:
                return
            for method in OUTAGE_METHODS:
                self._slack.outage(method, self._seconds, self._kinds, retry_after=1, hold_seconds=self._hold)
            self.started_at = time.monotonic()


def statuses(sessions: sessionmaker[Session]) -> Counter[str]:
    with sessions() as session:
        return Counter(session.scalars(select(Delivery.status)).all())


def wait_until_settled(sessions: sessionmaker[Session], targets: int, deadline: float) -> float:
    """Poll until every target is delivered (or nothing is left in flight); the moment it happened."""
    while time.monotonic() < deadline:
        counts = statuses(sessions)
        if counts["delivered"] == targets or (sum(counts.values()) == targets and not counts["claimed"]):
            return time.monotonic()
        time.sleep(0.5)
    return time.monotonic()


def duplicates(slack: SlackStandIn) -> tuple[int, int]:
    """Headers and insight messages posted more than once in the same channel."""
    accepted = slack.posted_messages()
    headers = Counter(m["channel"] for m in accepted if m["blocks"][0]["type"] == "header")
    items = Counter((m["channel"], str(m["blocks"][0])) for m in accepted if m["blocks"][0]["type"] == "section")
    return sum(n - 1 for n in headers.values()), sum(n - 1 for n in items.values())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--targets", type=int, default=200, help="channels and personal briefs (every tenth)")
    parser.add_argument("--insights", type=int, default=5000)
    parser.add_argument("--outage", type=float, default=60.0, help="seconds Slack fails (0: none, a baseline)")
    parser.add_argument("--kinds", default="429,500,503,timeout", help="comma-separated: 429, 5xx, timeout")
    parser.add_argument("--hold", type=float, default=15.0, help="seconds a timed-out request is held (client: 10)")
    parser.add_argument("--deadline", type=float, default=900.0, help="give up after this many seconds")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--verbose", action="store_true", help="show the client's and the deliverer's log lines")
    args = parser.parse_args()
    if not args.verbose:  # thousands of expected "timed out" tracebacks otherwise
        logging.getLogger("slack_sdk").setLevel(logging.CRITICAL)
        logging.getLogger("podbrief.digest").setLevel(logging.ERROR)
        logging.getLogger("apscheduler").setLevel(logging.ERROR)  # "skipped: maximum number of running instances"
    folder = tempfile.mkdtemp(prefix="podbrief-outage-")
    url = args.database_url or f"sqlite:///{folder}/outage.sqlite3"
    targets = target_ids(args.targets)
    print(f"preparing {len(targets)} targets and {args.insights} recent insights in {url.split('@')[-1]}", flush=True)
    prepare(url, targets, args.insights, args.seed)
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    with SlackStandIn(bot_token=TOKEN) as slack:
        outage = OutageOnFirstHeader(slack, args.outage, args.kinds.split(","), args.hold)
        client = build_client(Settings(database_url=url, data_dir=Path(folder), slack_bot_token=TOKEN,
                                       slack_api_url=slack.api_url))
        deliverer = DigestDeliverer(sessions, lambda _team: client, DigestComposer(sessions), checkpoint=outage)
        started = time.monotonic()
        scheduler = build_scheduler(deliverer, lambda: NOW + timedelta(seconds=time.monotonic() - started))
        scheduler.modify_job(DIGEST_JOB_ID, next_run_time=datetime.now(UTC))  # not at the pinned NOW
        scheduler.start()
        print(f"running: a {args.outage:.0f} s outage ({args.kinds}) starts at the first header", flush=True)
        finished = wait_until_settled(sessions, len(targets), started + args.deadline)
        scheduler.shutdown(wait=True)
        calls = slack.calls()
        repeated_headers, repeated_items = duplicates(slack)
    counts = statuses(sessions)
    engine.dispose()
    report(args, len(targets), started, finished, outage.started_at, calls, counts, repeated_headers, repeated_items)
    return 0 if repeated_headers + repeated_items == 0 and counts["delivered"] == len(targets) else 1


def report(args: argparse.Namespace, targets: int, started: float, finished: float, outage_at: float | None,
           calls: list[RecordedCall], counts: Counter[str], repeated_headers: int, repeated_items: int) -> None:
    faults = Counter(f"{c.fault} {c.status}" for c in calls if c.fault)
    posts = [c for c in calls if c.method == "chat.postMessage"]
    outage_start = (outage_at - started) if outage_at is not None else 0.0
    outage = f"from {outage_start:.1f} s into the run ({args.kinds})" if outage_at is not None else "none (baseline)"
    print(f"\nSlack outage during a digest run ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}):")
    print(f"  targets                    {targets:8d}  (every tenth a personal brief)")
    print(f"  outage                     {args.outage:8.0f} s  {outage}")
    print(f"  faulted calls              {sum(faults.values()):8d}  {dict(sorted(faults.items()))}")
    print(f"  chat.postMessage calls     {len(posts):8d}  ({sum(1 for c in posts if c.ok)} accepted)")
    print(f"  digests delivered          {counts['delivered']:8d} / {targets}  {dict(counts)}")
    print(f"  duplicate messages         {repeated_headers + repeated_items:8d}  "
          f"({repeated_headers} headers, {repeated_items} insights; target 0)")
    after = finished - started - outage_start - args.outage
    recovered = f"  ({after:.1f} s after Slack recovered)" if outage_at is not None else ""
    print(f"  time to finish             {finished - started:8.1f} s{recovered}")


if __name__ == "__main__":
    raise SystemExit(main())
