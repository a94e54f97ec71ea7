"""Three `podbrief worker` processes at once (each its own engine and deliverer), sixty channels
due, Slack answering slowly: every channel gets its digest once, from one worker, and the
three share the work instead of all walking the same list."""

from __future__ import annotations

import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DeliveryOutcome, DigestDeliverer
from insights.model import NewInsight
from standin.slack_api import SlackStandIn
from storage.channels_store import update_target
from storage.db import create_db_engine, session_factory
from storage.insights_store import InsightWriter
from storage.models import Delivery
from tests.meeting import Meeting

TOKEN = "xoxb-three-workers"
TEAM = "T0STANDIN"
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
CHANNELS = [f"C{n:04d}" for n in range(60)]
TOPICS = ["semiconductors", "export controls", "supply chains", "ai policy", "interest rates", "security"]
WORKERS = 3
#: Each worker must deliver at least this many: a sixth of the channels, half a fair share.
FAIR_SHARE_FLOOR = len(CHANNELS) // 6


def _insights() -> list[NewInsight]:
    """Twenty distinct insights per topic from the day before NOW: every digest is full."""
    rng = random.Random(6)
    vocabulary = [f"{a}{b}{c}" for a in "bdfgklmnprstvz" for b in "aeiou" for c in ("ra", "lo", "mi", "te", "nu", "sa")]
    return [NewInsight(text=f"{topic.capitalize()} matters because {' '.join(rng.sample(vocabulary, 14))}.",
                       podcast=f"Show {n % 8}", episode=f"{topic} {n}", published_at=NOW - timedelta(hours=1 + n),
                       topics=(topic,))
            for topic in TOPICS for n in range(20)]


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=TOKEN) as standin:
        standin.delay("chat.postMessage", 0.03)  # Slack's round trip: the work is waiting, as in production
        yield standin


@pytest.fixture
def worker_sessions(database_url: str) -> Iterator[list[sessionmaker[Session]]]:
    """One engine per worker, as separate processes would have; the channels set up and due at NOW."""
    engines = [create_db_engine(database_url) for _ in range(WORKERS)]
    sessions = [session_factory(engine) for engine in engines]
    with sessions[0].begin() as session:
        InsightWriter(session).add(_insights())
        for n, channel in enumerate(CHANNELS):
            update_target(session, TEAM, channel, by_user="U0ADMIN", change="set up",
                          topics=[TOPICS[n % len(TOPICS)], TOPICS[(n + 1) % len(TOPICS)]], digest_time="08:00",
                          timezone="UTC")
    yield sessions
    for engine in engines:
        engine.dispose()


def _arrive_once_claimed(arrive: Callable[[], None]) -> Callable[[str], None]:
    """A deliverer's checkpoint arriving at the worker's meeting (`tests.meeting`) as each digest is
    claimed: a worker left with nothing to claim (one that took too much, or claims that wait for each
    other) breaks the meeting, and its digests come back as retries."""

    def checkpoint(step: str) -> None:
        if step == "claimed":
            arrive()

    return checkpoint


def _deliverers(sessions: list[sessionmaker[Session]], slack: SlackStandIn, database_url: str,
                meeting: Meeting | None = None) -> list[DigestDeliverer]:
    client = build_client(Settings(database_url=database_url, data_dir=Path("."), slack_bot_token=TOKEN,
                                   slack_api_url=slack.api_url))
    return [DigestDeliverer(s, lambda _team: client, DigestComposer(s), worker_id=f"worker-{n}", post_interval=0,
                            max_workers=4, checkpoint=_arrive_once_claimed(meeting.arrival()) if meeting else lambda _step: None)
            for n, s in enumerate(sessions)]


def _run_at_once(deliverers: list[DigestDeliverer], now: datetime) -> list[list[DeliveryOutcome]]:
    """Each deliverer's `run_due(now)`, all started together; what each returned."""
    results: list[list[DeliveryOutcome]] = [[] for _ in deliverers]
    start = threading.Barrier(len(deliverers))

    def run(n: int) -> None:
        start.wait()
        results[n] = deliverers[n].run_due(now)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(deliverers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _assert_each_channel_got_one_digest(slack: SlackStandIn, sessions: sessionmaker[Session]) -> None:
    posted = slack.posted_messages()
    headers = Counter(m["channel"] for m in posted if m["blocks"][0]["type"] == "header")
    items = Counter((m["channel"], str(m["blocks"][0])) for m in posted if m["blocks"][0]["type"] == "section")
    assert headers == Counter(dict.fromkeys(CHANNELS, 1))
    assert max(items.values()) == 1, "an insight was posted twice to one channel"
    with sessions() as session:
        statuses = session.execute(select(Delivery.channel_id, Delivery.status)).all()
    assert sorted(statuses) == [(channel, "delivered") for channel in CHANNELS]


def test_three_workers_share_the_due_digests_and_each_channel_gets_exactly_one(
    database_url: str, slack: SlackStandIn, worker_sessions: list[sessionmaker[Session]]
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("sharing rows between workers relies on PostgreSQL's FOR UPDATE SKIP LOCKED; SQLite has one writer")
    meeting = Meeting(WORKERS, FAIR_SHARE_FLOOR)
    results = _run_at_once(_deliverers(worker_sessions, slack, database_url, meeting), NOW)

    handled = [(o.channel_id, o.status) for outcomes in results for o in outcomes]
    assert sorted(handled) == [(channel, "delivered") for channel in CHANNELS], "a worker worked on another's digest"
    shares = [len(outcomes) for outcomes in results]
    assert min(shares) >= FAIR_SHARE_FLOOR, f"the work was not shared: {shares}"
    with worker_sessions[0]() as session:
        claimed_by = Counter(session.scalars(select(Delivery.claimed_by)))
    assert claimed_by == Counter({f"worker-{n}": share for n, share in enumerate(shares)})
    _assert_each_channel_got_one_digest(slack, worker_sessions[0])


def test_three_workers_on_either_database_never_deliver_a_digest_twice(
    database_url: str, slack: SlackStandIn, worker_sessions: list[sessionmaker[Session]]
) -> None:
    deliverers = _deliverers(worker_sessions, slack, database_url)
    first = _run_at_once(deliverers, NOW)
    again = _run_at_once(deliverers, NOW.replace(hour=13))

    assert sorted(o.channel_id for outcomes in first for o in outcomes) == CHANNELS
    assert again == [[], [], []], "nothing is left due the same local day"
    _assert_each_channel_got_one_digest(slack, worker_sessions[0])
