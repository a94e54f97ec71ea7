"""A worker killed with SIGKILL in the middle of a digest run: another worker resumes every
interrupted digest once the lease has expired. What reaches Slack is each channel's whole
digest, and at most one message twice per channel whose post was in flight at the kill
(chat.postMessage has no idempotency key, and Podbrief cannot look for the message without
reading channel history, which it does not ask for). See README, Operations."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DigestDeliverer
from insights.model import NewInsight
from standin.slack_api import SlackStandIn
from storage.channels_store import update_target
from storage.db import create_db_engine, session_factory
from tests.scenario.digest_crash_worker import THREADS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
TOKEN = "xoxb-crash"
CHANNELS = 40
TOPICS = ("ai policy", "semiconductors", "interest rates", "climate")
#: Slack's round trip per post: the kill lands while posts are in flight, as in production.
POST_LATENCY = 0.05


def _insights() -> list[NewInsight]:
    return [NewInsight(text=f"{topic.capitalize()} insight number {n} says something distinct about {topic}.",
                       podcast=f"Show {n % 5}", episode=f"Episode {n}", topics=(topic,),
                       published_at=NOW - timedelta(hours=1 + n))
            for n in range(40) for topic in TOPICS[n % len(TOPICS):][:1]]


class _HoldingSlack(SlackStandIn):
    """A stand-in that, while `hold_after` is set, holds the answer to every chat.postMessage past that many
    (posted, the reply kept until the stand-in stops): the worker cannot finish its run before the test gets
    round to killing it, however the two processes are scheduled, and the kill lands with posts in flight."""

    hold_after: int | None = None

    def _take(self, method: str) -> tuple[Any, float]:  # under the stand-in's lock
        fault, delay = super()._take(method)
        holding = method == "chat.postMessage" and self.hold_after is not None
        if holding and len(self.calls("chat.postMessage")) >= (self.hold_after or 0):
            delay = max(delay, 600.0)
        return fault, delay


@pytest.fixture
def slack() -> Iterator[_HoldingSlack]:
    standin = _HoldingSlack(bot_token=TOKEN)
    with standin:
        yield standin


def _posts(slack: SlackStandIn) -> list[tuple[str, str]]:
    return [(str(c.params["channel"]), str(c.params.get("text"))) for c in slack.calls("chat.postMessage") if c.ok]


def test_a_worker_killed_mid_run_repeats_at_most_one_message_per_interrupted_channel(
    database_url: str, slack: _HoldingSlack,
) -> None:
    from storage.insights_store import InsightWriter

    sessions = session_factory(create_db_engine(database_url))
    with sessions.begin() as session:
        InsightWriter(session).add(_insights())
        for n in range(CHANNELS):
            update_target(session, "T0STANDIN", f"C{n:04d}", by_user="U0ADMIN", change="set up",
                          topics=[TOPICS[n % len(TOPICS)]], digest_time="08:00", timezone="UTC")
    slack.delay("chat.postMessage", POST_LATENCY)
    slack.hold_after = CHANNELS  # the run is well under way then; the posts after are held

    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.scenario.digest_crash_worker", database_url, slack.api_url, NOW.isoformat(),
         TOKEN], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while len(slack.calls("chat.postMessage")) < CHANNELS and time.monotonic() < deadline:
            time.sleep(0.01)  # until the run is well under way
        assert worker.poll() is None, "the worker ended before it could be killed"
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait(timeout=60)
    slack.hold_after = None  # Slack answers again (the dead worker's held posts stay held: they were in flight)
    before_kill = len(_posts(slack))

    client = build_client(Settings(database_url=database_url, data_dir=Path("."), slack_bot_token=TOKEN,
                                   slack_api_url=slack.api_url))
    survivor = DigestDeliverer(sessions, lambda _team: client, DigestComposer(sessions), worker_id="survivor",
                               post_interval=0)
    outcomes = survivor.run_due(NOW + timedelta(minutes=6))  # the dead worker's leases (5 min) have run out
    assert any(o.status == "delivered" for o in outcomes), "nothing was left to resume: the kill came too late"
    assert survivor.run_due(NOW + timedelta(minutes=12)) == []

    posts = _posts(slack)
    counts = Counter(posts)
    by_channel = Counter(channel for channel, _ in posts)
    assert sorted({channel for channel, _ in posts}) == [f"C{n:04d}" for n in range(CHANNELS)], "a digest is missing"
    for channel in by_channel:
        distinct = [text for (c, text) in counts if c == channel]
        assert len(distinct) >= 2, f"{channel} got no digest items"  # a header and its picks
    repeated = Counter(channel for (channel, _), n in counts.items() if n > 1)
    assert all(n <= 2 for n in counts.values()), "a message was posted three times or more"
    assert all(n == 1 for n in repeated.values()), f"a channel got more than one repeated message: {repeated}"
    assert len(repeated) <= THREADS, "more channels repeated a message than posts were in flight"
    print(f"\n{before_kill} posts before the kill; {len(repeated)} of {CHANNELS} channels got one message twice")
