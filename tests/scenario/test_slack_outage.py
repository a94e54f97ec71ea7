"""Slack answering 429, 5xx and timeouts for a while in the middle of a digest run: once it
recovers every digest is delivered, each message exactly once, and no claim stays stuck.

Issue #6's minute-long outage, scaled down to `OUTAGE_SECONDS` (bench/slack_outage_fault.py
runs the full minute over 200 channels). The real DigestDeliverer and the app's Web API client
(`build_client`: its retry handlers, with a short timeout here) against the Slack stand-in;
the scheduler's digest tick is called in a loop, its pinned clock advancing 30 s per tick, with
ticks scaled like the outage (a minute spans two ticks). The outage starts during the run, on
conversations.open (personal briefs) before any DM is opened and on chat.postMessage once the first
header is posted, so it catches digests half-way; each failing call gets a 429, a 500, a 503 or a
timeout at random.

A "timeout" is a request Slack never processed: nothing is posted. The other case, Slack posting
and the answer getting lost, repeats that one message (a known, accepted limit: chat.postMessage
has no idempotency key); test_a_timeout_after_slack_posted_repeats_only_that_message pins it down.
An outage outlasting the five attempts a digest gets for its own errors still delivers everything:
Slack's trouble never counts against them (the last test).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
from slack_sdk import WebClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DigestDeliverer
from bot.runtime.scheduler import digest_tick
from insights.model import NewInsight
from insights.targets import CHANNEL, PERSON
from standin.slack_api import SlackStandIn
from storage.channels_store import update_target
from storage.insights_store import InsightWriter
from storage.models import DeliveredInsight, Delivery, PostedMessage

TEAM = "T0STANDIN"
TOKEN = "xoxb-outage"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)  # every target is due (digest time 00:00 UTC)
TOPICS = ["ai policy", "semiconductors", "interest rates", "climate"]
CHANNELS = [f"C0OUT{n:02d}" for n in range(9)]
PEOPLE = [f"U0OUT{n:02d}" for n in range(3)]  # personal briefs: conversations.open, then the DM
OUTAGE_SECONDS = 3.0  # "a minute", scaled down
MIXED = ("429", "500", "503", "timeout")
CLIENT_TIMEOUT = 0.5  # seconds; the stand-in holds a timed-out request HOLD_SECONDS
HOLD_SECONDS = 2.0
TICK = timedelta(seconds=30)  # bot.runtime.scheduler.DIGEST_TICK_SECONDS
MAX_TICKS = 30  # three times the 5-minute lease: a stuck claim would have been taken over


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


class OutageMidRun:
    """A deliverer checkpoint that starts the outage during the run: on conversations.open once the
    first target is claimed (before any DM is opened), on chat.postMessage once the first header is
    posted (so digests are caught half-way)."""

    STARTS: ClassVar[dict[str, str]] = {"claimed": "conversations.open", "header": "chat.postMessage"}

    def __init__(self, slack: SlackStandIn, seconds: float, kinds: tuple[str, ...]) -> None:
        self._slack, self._seconds, self._kinds = slack, seconds, kinds
        self._lock = threading.Lock()
        self.started: dict[str, float] = {}

    def __call__(self, step: str) -> None:
        method = self.STARTS.get(step)
        with self._lock:
            if method is None or method in self.started:
                return
            self._slack.outage(method, self._seconds, self._kinds, retry_after=1, hold_seconds=HOLD_SECONDS)
            self.started[method] = time.monotonic()

    @property
    def ended_at(self) -> float:
        assert len(self.started) == 2, f"the outage never fully started: {self.started}"
        return max(self.started.values()) + self._seconds


def _insights(rng: random.Random) -> list[NewInsight]:
    """Twelve distinct insights per topic from eight podcasts, all published in the last day."""
    vocabulary = [f"{a}{b}{c}" for a in "bdfgklmnprstvz" for b in "aeiou" for c in ("ra", "lo", "mi", "te")]
    return [NewInsight(text=f"{topic.capitalize()} matters because {' '.join(rng.sample(vocabulary, 14))}.",
                       podcast=f"Show {n % 8}", episode=f"{topic} #{n}", published_at=NOW - timedelta(hours=n + 1),
                       topics=(topic,))
            for topic in TOPICS for n in range(12)]


def _set_up(sessions: sessionmaker[Session]) -> None:
    rng = random.Random(6)
    with sessions.begin() as session:
        InsightWriter(session).add(_insights(rng))
        for target in PEOPLE + CHANNELS:  # claimed in this order: the DMs are opened during the outage
            update_target(session, TEAM, target, by_user="U0ADMIN", change="set up",
                          kind=PERSON if target in PEOPLE else CHANNEL, topics=rng.sample(TOPICS, 2),
                          digest_time="00:00", timezone="UTC")


def _client(slack: SlackStandIn, tmp_path: Path, database_url: str) -> WebClient:
    settings = Settings(database_url=database_url, data_dir=tmp_path, slack_bot_token=TOKEN,
                        slack_api_url=slack.api_url)
    client = build_client(settings)  # the production retry handlers
    client.timeout = CLIENT_TIMEOUT  # type: ignore[assignment]
    return client


def _deliverer(sessions: sessionmaker[Session], client: WebClient,
               checkpoint: Callable[[str], None]) -> DigestDeliverer:
    return DigestDeliverer(sessions, lambda _team: client, DigestComposer(sessions), post_interval=0, max_workers=4,
                           checkpoint=checkpoint)


def _run_like_the_scheduler(deliverer: DigestDeliverer, clock: Clock, window: float,
                            done: Callable[[], bool], starts: list[float] | None = None) -> int:
    """Call the digest tick every TICK (scaled: a `window`-second outage spans two ticks), the clock
    advancing a tick each time, until `done`; returns the number of ticks (each one's start, by
    time.monotonic(), appended to `starts`)."""
    pause = window / 2
    for tick in range(1, MAX_TICKS + 1):
        started = time.monotonic()
        if starts is not None:
            starts.append(started)
        digest_tick(deliverer, clock)
        if done():
            return tick
        clock.now += TICK
        time.sleep(max(0.0, pause - (time.monotonic() - started)))
    return MAX_TICKS


def _delivered(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        statuses = session.scalars(select(Delivery.status)).all()
    return len(statuses) == len(CHANNELS + PEOPLE) and set(statuses) == {"delivered"}


def _post_channel(target: str) -> str:
    return "D" + target[1:] if target in PEOPLE else target


def _message_kinds(posted: list[dict[str, Any]]) -> tuple[Counter[str], Counter[tuple[str, str]]]:
    """Headers per channel, and each (channel, insight block) posted."""
    headers = Counter(m["channel"] for m in posted if m["blocks"][0]["type"] == "header")
    items = Counter((m["channel"], str(m["blocks"][0])) for m in posted if m["blocks"][0]["type"] == "section")
    return headers, items


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=TOKEN) as standin:
        yield standin


def test_after_a_slack_outage_mid_run_every_digest_is_delivered_once(
    sessions: sessionmaker[Session], slack: SlackStandIn, tmp_path: Path, database_url: str
) -> None:
    _set_up(sessions)
    outage = OutageMidRun(slack, OUTAGE_SECONDS, MIXED)
    deliverer = _deliverer(sessions, _client(slack, tmp_path, database_url), outage)

    starts: list[float] = []
    ticks = _run_like_the_scheduler(deliverer, Clock(NOW), OUTAGE_SECONDS, lambda: _delivered(sessions), starts)

    assert _delivered(sessions), f"not all delivered after {ticks} ticks"
    # counted in ticks, not seconds (a loaded machine makes ticks slow, not more of them): a claim stuck
    # until its lease ran out would need 10 (5 minutes of TICKs) after Slack recovered
    after = sum(1 for started in starts if started >= outage.ended_at)
    assert after <= 3, f"delivery resumed {after} ticks after Slack recovered"
    faults = Counter((c.method, c.fault) for c in slack.calls() if c.fault)
    assert {f for _, f in faults} == {"rate_limit", "server_error", "timeout"}, faults
    assert sum(n for (method, _), n in faults.items() if method == "conversations.open") >= len(PEOPLE), faults
    headers, items = _message_kinds(slack.posted_messages())
    assert headers == Counter({_post_channel(t): 1 for t in CHANNELS + PEOPLE}), "a header is missing or repeated"
    assert set(items.values()) == {1}, "an insight was posted twice"
    assert Counter(channel for channel, _ in items) == Counter({_post_channel(t): 5 for t in CHANNELS + PEOPLE})
    _assert_recorded_as_posted(sessions, slack)


def _assert_recorded_as_posted(sessions: sessionmaker[Session], slack: SlackStandIn) -> None:
    """Every message Slack accepted is recorded, every pick carries its message's ts, no claim is left."""
    with sessions() as session:
        recorded = {(r.channel_id, r.ts) for r in session.execute(select(PostedMessage.channel_id, PostedMessage.ts))}
        picks = session.scalars(select(DeliveredInsight.posted_ts)).all()
        open_claims = session.scalars(select(Delivery.id).where(Delivery.status == "claimed")).all()
    assert recorded == {(m["channel"], m["ts"]) for m in slack.posted_messages()}
    assert len(picks) == 5 * len(CHANNELS + PEOPLE) and all(picks)
    assert open_claims == []


def test_a_timeout_after_slack_posted_repeats_only_that_message(
    sessions: sessionmaker[Session], slack: SlackStandIn, tmp_path: Path, database_url: str
) -> None:
    """The accepted limit, pinned down: Slack posts the first header but its answer never arrives
    (the client times out), so the resumed claim posts that header again; nothing else repeats."""
    _set_up(sessions)
    slack.delay("chat.postMessage", seconds=HOLD_SECONDS, times=1)  # posted, then the answer is held back
    deliverer = _deliverer(sessions, _client(slack, tmp_path, database_url), lambda _step: None)

    _run_like_the_scheduler(deliverer, Clock(NOW), OUTAGE_SECONDS, lambda: _delivered(sessions))

    assert _delivered(sessions)
    headers, items = _message_kinds(slack.posted_messages())
    assert sorted(headers.values()) == [1] * (len(CHANNELS + PEOPLE) - 1) + [2]
    assert set(items.values()) == {1}


def test_digests_are_still_delivered_after_an_outage_longer_than_five_ticks(
    sessions: sessionmaker[Session], slack: SlackStandIn, tmp_path: Path, database_url: str
) -> None:
    """A three-minute 429 storm (six ticks) outlasting the client's retry budget on every tick:
    once Slack recovers, every digest must still go out. (The client's retry handlers are taken
    off: each call then fails as it would once their budget is spent, without the waits.)"""
    _set_up(sessions)
    client = _client(slack, tmp_path, database_url)
    client.retry_handlers = []
    deliverer = _deliverer(sessions, client, lambda _step: None)
    clock = Clock(NOW)
    slack.outage(None, seconds=600, kind="429")
    for _ in range(6):
        digest_tick(deliverer, clock)
        clock.now += TICK
    slack.clear_faults()

    for _ in range(3):
        digest_tick(deliverer, clock)
        clock.now += TICK

    with sessions() as session:
        statuses = Counter(session.scalars(select(Delivery.status)).all())
    assert statuses == Counter({"delivered": len(CHANNELS + PEOPLE)})
