"""Digest fan-out benchmark: 1,000 channels posted to the local Slack stand-in, 10% of posts
answered 429, then a check that no channel got anything twice.

    .venv/bin/python bench/digest_fanout_bench.py
    .venv/bin/python bench/digest_fanout_bench.py --channels 200 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Every channel follows 3 topics, is due now, and is delivered by the real DigestDeliverer
(claims in the database, Slack client with the production retry handlers, per-channel
pacing). Passes are repeated until nothing is due (429s beyond the retry budget are
released and retried), as the scheduler would every 30 s.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import TOPICS, Corpus
from sqlalchemy import func, select, text

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DigestDeliverer
from standin.slack_api import SlackStandIn
from storage.channels_store import update_target
from storage.db import create_db_engine, migrate, session_factory
from storage.insights_store import InsightWriter
from storage.models import Delivery

TOKEN = "xoxb-fanout-bench"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def prepare(url: str, channels: int, insights: int, seed: int) -> None:
    engine = create_db_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    sessions = session_factory(engine)
    rng = random.Random(seed)
    recent = [
        replace(item, published_at=NOW - timedelta(hours=rng.uniform(1, 72)))
        for item in Corpus(insights, seed=seed).insights()
    ]
    topics = sorted(TOPICS)
    with sessions.begin() as session:
        InsightWriter(session).add(recent)
        for n in range(channels):
            update_target(session, "T0STANDIN", f"C{n:06d}", by_user="U0BENCH", change="bench",
                          topics=rng.sample(topics, 3), digest_time="00:00", timezone="UTC")
    engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--insights", type=int, default=5000)
    parser.add_argument("--rate-limited", type=float, default=0.10, help="share of posts answered 429")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="podbrief-fanout-")
    url = args.database_url or f"sqlite:///{folder}/fanout.sqlite3"
    print(f"preparing {args.channels} channels and {args.insights} recent insights in {url.split('@')[-1]}", flush=True)
    prepare(url, args.channels, args.insights, args.seed)
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    with SlackStandIn(bot_token=TOKEN) as slack:
        slack.rate_limit("chat.postMessage", retry_after=1, times=None, chance=args.rate_limited)
        client = build_client(Settings(database_url=url, data_dir=Path(folder), slack_bot_token=TOKEN,
                                       slack_api_url=slack.api_url))
        deliverer = DigestDeliverer(sessions, lambda _team: client, DigestComposer(sessions))
        started = time.perf_counter()
        passes, outcomes = 0, Counter()
        while passes < 10:
            results = deliverer.run_due(NOW + timedelta(seconds=30 * passes))
            passes += 1
            outcomes.update(r.status for r in results)
            if not results:
                break
        elapsed = time.perf_counter() - started
        calls = slack.calls("chat.postMessage")
        accepted = slack.posted_messages()
    limited = sum(1 for c in calls if c.status == 429)
    headers = Counter(m["channel"] for m in accepted if m["blocks"][0]["type"] == "header")
    items = Counter((m["channel"], str(m["blocks"][0])) for m in accepted if m["blocks"][0]["type"] == "section")
    with sessions() as session:
        delivered = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.status.in_(("delivered", "skipped"))))
    engine.dispose()
    duplicates = sum(n - 1 for n in headers.values() if n > 1) + sum(n - 1 for n in items.values() if n > 1)
    print(f"\nfan-out to {args.channels} channels ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}):")
    print(f"  time                      {elapsed:8.1f} s  ({args.channels / elapsed:.1f} channels/s) in {passes} pass(es)")
    print(f"  chat.postMessage calls    {len(calls):8d}  ({limited} answered 429 = {limited / max(len(calls), 1):.1%})")
    print(f"  messages accepted         {len(accepted):8d}")
    print(f"  outcomes                  {dict(outcomes)}")
    print(f"  digests delivered         {delivered:8d} / {args.channels}")
    print(f"  duplicate messages        {duplicates:8d}  (target 0)")
    return 0 if duplicates == 0 and delivered == args.channels else 1


if __name__ == "__main__":
    raise SystemExit(main())
