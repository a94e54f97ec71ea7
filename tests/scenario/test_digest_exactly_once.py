"""Sixty simulated days, three time zones across their DST changes, two workers, crashes,
outages and Slack faults: every target gets exactly one digest per scheduled local day,
and no insight ever reaches the same target twice."""

from __future__ import annotations

import contextlib
import random
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DigestDeliverer
from insights.model import NewInsight
from insights.targets import PERSON
from standin.slack_api import SlackStandIn
from storage.channels_store import update_target
from storage.db import create_db_engine, session_factory
from storage.insights_store import InsightWriter
from storage.models import DeliveredInsight, Delivery

START = datetime(2026, 3, 1, 0, 0, tzinfo=UTC)  # US DST Mar 8, EU Mar 29, Sydney Apr 5
DAYS = 60
TICK = timedelta(hours=1)
TOPICS = ["ai policy", "semiconductors", "interest rates", "climate", "remote work"]
TARGETS = [
    # (channel, zone, local time, weekdays only, topics, personal)
    ("C0NEWYORK", "America/New_York", time(8, 30), False, ["ai policy", "semiconductors"], False),
    ("C0BERLIN", "Europe/Berlin", time(2, 30), True, ["interest rates"], False),  # 02:30 is skipped on Mar 29
    ("C0SYDNEY", "Australia/Sydney", time(9, 15), False, ["climate", "remote work"], False),
    ("U0BRIEF", "Europe/Berlin", time(7, 0), False, ["semiconductors", "climate"], True),
]
TOKEN = "xoxb-exactly-once"


class SimulatedCrash(BaseException):
    """A worker process dying mid-delivery (not an Exception: nothing may catch it)."""


def _insights(rng: random.Random) -> list[NewInsight]:
    vocabulary = [f"{a}{b}{c}" for a in "bdfgklmnprstvz" for b in "aeiou" for c in ("ra", "lo", "mi", "te", "nu", "sa")]
    items = []
    for day in range(-7, DAYS):
        for n in range(12):
            topic = TOPICS[(day + n) % len(TOPICS)]
            words = " ".join(rng.sample(vocabulary, 14))
            items.append(NewInsight(
                text=f"{topic.capitalize()} matters because {words}.",
                podcast=f"Show {n % 6}",
                episode=f"Episode {day}-{n}",
                published_at=START + timedelta(days=day, hours=n),
                topics=(topic,),
            ))
    return items


def _setup(sessions: sessionmaker[Session], rng: random.Random) -> None:
    with sessions.begin() as session:
        InsightWriter(session).add(_insights(rng))
        for channel, zone, at, weekdays, topics, personal in TARGETS:
            update_target(session, "T0STANDIN", channel, by_user="U0ADMIN", change="set up", kind=PERSON if personal else "channel",
                          topics=topics, digest_time=at.strftime("%H:%M"), timezone=zone,
                          digest_days=0b0011111 if weekdays else None)


def _expected_days(zone: str, weekdays_only: bool, at: time) -> set[date]:
    """Local days whose delivery time came before the end, and which had not ended at the start
    (a run starting after that day's delivery time catches it up the same day)."""
    days = set()
    for offset in range(-1, DAYS + 1):
        day = (START + timedelta(days=offset)).astimezone(ZoneInfo(zone)).date()
        due = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
        day_end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ZoneInfo(zone))
        first_tick = START + TICK * max(0, -(-(due - START) // TICK))  # the first tick at or after `due`
        in_range = first_tick < day_end and first_tick < START + timedelta(days=DAYS)
        if in_range and not (weekdays_only and day.weekday() >= 5):
            days.add(day)
    return days


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=TOKEN) as standin:
        yield standin


def test_every_target_gets_exactly_one_digest_per_local_day(database_url: str, slack: SlackStandIn) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("two concurrent workers are proven against PostgreSQL")
    rng = random.Random(20261126)
    engines = [create_db_engine(database_url) for _ in range(2)]
    sessions = [session_factory(e) for e in engines]
    _setup(sessions[0], rng)
    settings = Settings(database_url=database_url, data_dir=Path("."), slack_bot_token=TOKEN, slack_api_url=slack.api_url)
    client = build_client(settings)

    def crash_sometimes(step: str) -> None:
        if rng.random() < 0.04:
            raise SimulatedCrash(step)

    def worker(index: int) -> DigestDeliverer:
        return DigestDeliverer(sessions[index], lambda _team: client, DigestComposer(sessions[index]),
                               worker_id=f"worker-{index}", post_interval=0, max_workers=4, checkpoint=crash_sometimes)

    workers = [worker(0), worker(1)]
    # Eight 4-hour outages at random hours: whatever falls due meanwhile is caught up afterwards.
    outages = {rng.randrange(DAYS): rng.randrange(24) for _ in range(8)}
    now = START
    while now < START + timedelta(days=DAYS):
        day_index = (now - START).days
        down = day_index in outages and outages[day_index] <= now.hour < outages[day_index] + 4
        if not down:
            slack.clear_faults()
            if rng.random() < 0.25 and workers[0].due_targets(now):
                faults: list[Callable[[], None]] = [lambda: slack.rate_limit("chat.postMessage", retry_after=0),
                                                    lambda: slack.server_error("chat.postMessage", status=503)]
                rng.choice(faults)()
            _run_concurrently(workers, now)
        now += TICK
    for e in engines:
        e.dispose()

    _assert_exactly_once(sessions, slack)


def _run_concurrently(workers: list[DigestDeliverer], now: datetime) -> None:
    def run(w: DigestDeliverer) -> None:
        with contextlib.suppress(SimulatedCrash):  # the process died; its claim stays until the lease runs out
            w.run_due(now)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def _assert_exactly_once(sessions: list[sessionmaker[Session]], slack: SlackStandIn) -> None:
    engine = create_db_engine(str(sessions[0].kw["bind"].url.render_as_string(hide_password=False)))
    with session_factory(engine)() as session:
        deliveries = session.execute(select(Delivery.channel_id, Delivery.local_date, Delivery.status, Delivery.claimed_at)).all()
        delivered = session.execute(select(DeliveredInsight.channel_id, DeliveredInsight.insight_id, DeliveredInsight.posted_ts)).all()
    engine.dispose()
    posted = slack.posted_messages()
    for channel, zone, at, weekdays, _topics, personal in TARGETS:
        expected = _expected_days(zone, weekdays, at)
        mine = [d for d in deliveries if d.channel_id == channel]
        assert {date.fromisoformat(d.local_date) for d in mine} == expected, channel
        assert all(d.status in ("delivered", "skipped") for d in mine), Counter(d.status for d in mine)
        for d in mine:  # never early, and on the right local date, across DST changes
            local = d.claimed_at.astimezone(ZoneInfo(zone))
            assert local.date().isoformat() == d.local_date and local.time() >= at, (channel, d)
        post_channel = "D" + channel[1:] if personal else channel
        headers = [m for m in posted if m["channel"] == post_channel and m["blocks"][0]["type"] == "header"]
        assert len(headers) == len([d for d in mine if d.status == "delivered"]), channel
        items = [row for row in delivered if row.channel_id == channel]
        assert all(row.posted_ts for row in items), "a claimed pick was never posted"
        posted_insight_texts = Counter(str(m["blocks"][0]) for m in posted if m["channel"] == post_channel and m["blocks"][0]["type"] == "section")
        assert max(posted_insight_texts.values(), default=1) == 1, "an insight was posted twice"
