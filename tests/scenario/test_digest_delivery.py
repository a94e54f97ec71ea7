"""Posting digests end to end: `/insights digest preview|now`, the scheduler's runs, thread mode,
personal briefs, quiet days, Slack's refusals and hiccups, and no repeats across days.

The real app over signed HTTP, against the Slack stand-in, on SQLite and PostgreSQL,
with the app's clock pinned and scheduler runs driven at chosen moments."""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import build_deps
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DeliveryOutcome, DigestDeliverer
from insights.model import NewInsight
from insights.targets import DigestTarget
from standin.local_server import LocalServer
from standin.slack_api import SlackStandIn
from storage.channels_store import get_target, get_workspace, recent_changes, update_workspace
from storage.insights_store import InsightWriter
from storage.models import Delivery, InsightRow, PostedMessage
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace
from tests.slack_checks import assert_valid_message, shown_text

TEAM = "T0STANDIN"
CHANNEL, OTHER, THIRD = "C0GENERAL", "C0MARKETS", "C0POLICY"
ALICE, BOB = "U0ALICE", "U0BOB"
#: Tuesday 24 November 2026, 06:00 UTC = 07:00 in Berlin (CET), 01:00 in New York (EST).
NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
AT_EIGHT_IN_BERLIN = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
DAY = timedelta(days=1)
_names = itertools.count()


def _insights(rows: list[tuple[str, str, str]], published: datetime) -> list[NewInsight]:
    return [NewInsight(text=text, podcast=podcast, episode=f"{podcast} #{n}", published_at=published - timedelta(hours=n),
                       audio_url=f"https://cdn.example.com/{n}.mp3", start_seconds=60.0 * n, topics=(topic,))
            for n, (text, podcast, topic) in enumerate(rows)]


#: Seven on semiconductors (five fit a digest, two per podcast at most), two on export controls,
#: three on interest rates, all published in the day before NOW.
CHIPS = [
    ("TSMC's Arizona fab will reach volume production of 4nm wafers in 2027.", "Silicon Weekly", "semiconductors"),
    ("Memory prices doubled this quarter because AI servers absorb most of the HBM supply.", "Fab Talk", "semiconductors"),
    ("Samsung plans to spend 40 billion dollars on new foundry capacity in Texas.", "Silicon Weekly", "semiconductors"),
    ("Chiplets let smaller firms combine dies from different foundries into one package.", "Fab Talk", "semiconductors"),
    ("Intel's 18A process depends on backside power delivery working at scale.", "Chip Lines", "semiconductors"),
    ("Japan subsidises Rapidus to build 2nm chips in Hokkaido by 2027.", "Asia Markets", "semiconductors"),
    ("Semiconductor tariffs hurt carmakers more than phone makers, because cars use thousands of older chips.",
     "Chip Lines", "semiconductors"),
]
EXPORT = [
    ("New export controls will squeeze Chinese chipmakers next year.", "Policy Desk", "export controls"),
    ("Equipment exporters should screen the end user, not just the buyer on the invoice.", "Trade Talk", "export controls"),
]
RATES = [
    ("Interest rates will rise next year as wage growth stays above four percent.", "Macro Hour", "interest rates"),
    ("Mortgage rates above six percent keep existing homeowners from selling.", "Money Talks", "interest rates"),
    ("Central banks in Europe will cut rates twice before the summer.", "Macro Hour", "interest rates"),
]
#: Published on day 2: the first export-control claim again, from another podcast, and a new one.
ECHO = ("Next year the new export controls will really squeeze Chinese chipmakers.", "Chip Lines", "export controls")
NEW_EXPORT = ("Dutch export licences for immersion scanners now take six months to approve.", "Policy Desk", "export controls")
NEW_CHIP = ("Glass substrates will replace organic ones in the largest AI packages by 2028.", "Fab Talk", "semiconductors")


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Podbrief:
    """The running app, the stand-in, the pinned clock and a way to run the scheduler's job."""

    workspace: Workspace
    clock: Clock

    @property
    def slack(self) -> SlackStandIn:
        return self.workspace.slack

    @property
    def deliverer(self) -> DigestDeliverer:
        return self.workspace.deps.digests

    def ask(self, text: str, **fields: Any) -> dict[str, Any]:
        """Type `/insights <text>` (as Alice in #general unless told otherwise); the checked ephemeral answer."""
        answer = self.workspace.command(text, name=f"delivery-{next(_names)}", **fields)
        assert answer["response_type"] == "ephemeral"
        assert_valid_message(answer)
        return answer

    def run(self, at: datetime, *, one_at_a_time: bool = False,
            checkpoint: Callable[[str], None] | None = None) -> list[DeliveryOutcome]:
        """One pass of the scheduler's digest job at `at` (the app's clock reads `at` too).

        `one_at_a_time`: targets in the order they were set up, so a one-off fault hits the first;
        `checkpoint` is called after each step ("claimed", "header", "item") to change Slack mid-run.
        """
        self.clock.now = at
        deliverer = self.deliverer
        if one_at_a_time or checkpoint:
            deps = self.workspace.deps
            deliverer = DigestDeliverer(deps.sessions, lambda _team: deps.slack, deliverer.composer, post_interval=0,
                                        max_workers=1 if one_at_a_time else 16,
                                        checkpoint=checkpoint or (lambda _step: None))
        return deliverer.run_due(at)

    def posted(self, channel: str) -> list[dict[str, Any]]:
        """Messages Slack accepted in `channel`, in order."""
        return [m for m in self.slack.posted_messages() if m["channel"] == channel]

    def recorded(self, channel: str) -> dict[str, tuple[int | None, str]]:
        """ts -> (insight id, kind) of every message recorded as posted in `channel`."""
        with self.workspace.deps.sessions() as session:
            rows = session.execute(select(PostedMessage.ts, PostedMessage.insight_id, PostedMessage.kind)
                                   .where(PostedMessage.team_id == TEAM, PostedMessage.channel_id == channel))
            return {r.ts: (r.insight_id, r.kind) for r in rows}

    def delivered_ids(self, channel: str) -> list[int]:
        """The insights posted in `channel`, in posting order, read from the recorded messages."""
        recorded = self.recorded(channel)
        return [recorded[m["ts"]][0] for m in self.posted(channel) if recorded[m["ts"]][1] == "insight"]  # type: ignore[misc]

    def ids_of(self, *texts: str) -> list[int]:
        with self.workspace.deps.sessions() as session:
            by_text = dict(session.execute(select(InsightRow.text, InsightRow.id)).all())
        return [by_text[t] for t in texts]

    def publish(self, rows: list[tuple[str, str, str]], at: datetime) -> None:
        with self.workspace.deps.sessions.begin() as session:
            InsightWriter(session).add(_insights(rows, at))

    def target(self, channel: str = CHANNEL) -> DigestTarget | None:
        with self.workspace.deps.sessions() as session:
            return get_target(session, TEAM, channel)


@pytest.fixture
def podbrief(database_url: str, slack: SlackStandIn, tmp_path: Path) -> Iterator[Podbrief]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, slack_bot_token=TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url)
    clock = Clock(NOW)
    deps = build_deps(settings)
    # The app's own deliverer, without the pause between messages (a test needs no pacing).
    deliverer = DigestDeliverer(deps.sessions, lambda _team: deps.slack, DigestComposer(deps.sessions), post_interval=0)
    deps = replace(deps, clock=clock, digests=deliverer)
    with deps.sessions.begin() as session:
        InsightWriter(session).add(_insights(CHIPS + EXPORT + RATES, NOW - timedelta(hours=20)))
    with LocalServer(settings, deps) as server:
        yield Podbrief(Workspace(server, slack, deps), clock)
    deps.engine.dispose()




def set_up(podbrief: Podbrief, topics: str, at: str = "8:00 berlin", channel: str = CHANNEL, *extra: str) -> None:
    podbrief.ask(f"topics add {topics}", channel_id=channel)
    podbrief.ask(f"digest at {at}", channel_id=channel)
    for command in extra:
        podbrief.ask(command, channel_id=channel)


def assert_digest_message(message: dict[str, Any]) -> None:
    """What every digest message must be: valid blocks (≤ 50), a text fallback, no unfurls."""
    assert_valid_message(message)
    assert message["unfurl_links"] is False and message["unfurl_media"] is False


# ----------------------------------------------------------------------------- preview and post now
def test_the_preview_is_ephemeral_and_shows_exactly_what_posting_now_then_posts(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    preview = podbrief.ask("digest preview")
    assert not podbrief.slack.posted_messages(), "a preview posts nothing in the channel"
    assert "Posted today's digest in <#C0GENERAL>" in shown_text(podbrief.ask("digest now"))
    posted = podbrief.posted(CHANNEL)
    assert len(posted) == 1 + 5
    assert preview["blocks"] == [block for message in posted for block in message["blocks"]]
    assert preview["text"] == posted[0]["text"]


def test_the_preview_never_shows_an_insight_the_channel_already_received(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.ask("digest now")
    received = podbrief.delivered_ids(CHANNEL)
    assert len(received) == 5
    previewed = shown_text(podbrief.ask("digest preview"))
    leftover = [text for text, _, _ in CHIPS if podbrief.ids_of(text)[0] not in received]
    assert len(leftover) == 2 and all(text in previewed for text in leftover)
    for text, _, _ in CHIPS:
        if podbrief.ids_of(text)[0] in received:
            assert text not in previewed
    assert "The top 2 for" in previewed


def test_posting_now_sends_a_header_and_one_recorded_message_per_pick(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.ask("digest now")
    header, *items = podbrief.posted(CHANNEL)
    for message in (header, *items):
        assert_digest_message(message)
        assert "thread_ts" not in message or message["thread_ts"] is None
    assert header["blocks"][0]["type"] == "header" and "The top 5 for *semiconductors*" in shown_text(header)
    recorded = podbrief.recorded(CHANNEL)
    assert recorded[header["ts"]] == (None, "digest_header")
    with podbrief.workspace.deps.sessions() as session:
        texts = dict(session.execute(select(InsightRow.id, InsightRow.text)).all())
    for item in items:
        insight_id, kind = recorded[item["ts"]]
        assert kind == "insight" and insight_id is not None
        assert texts[insight_id] in shown_text(item)
        assert "matched: semiconductors" in shown_text(item)
    assert len({recorded[i["ts"]][0] for i in items}) == 5
    assert len(recorded) == 6


def test_a_digest_posted_now_counts_as_todays_so_the_scheduler_and_a_second_now_post_nothing(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.ask("digest now")
    before = len(podbrief.slack.posted_messages())
    assert podbrief.run(AT_EIGHT_IN_BERLIN) == []
    assert podbrief.run(NOW + timedelta(hours=15)) == []  # 22:00 in Berlin, the same local day
    assert "already been posted" in shown_text(podbrief.ask("digest now"))
    assert len(podbrief.slack.posted_messages()) == before
    assert "(tomorrow" in shown_text(podbrief.ask("digest"))


def test_the_scheduler_posts_the_digest_once_its_local_time_has_come(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    assert podbrief.run(NOW) == []  # 07:00 in Berlin: not yet
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN)] == ["delivered"]
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(minutes=1)) == []
    assert len(podbrief.posted(CHANNEL)) == 6


def test_a_custom_days_digest_is_posted_on_a_chosen_day_and_not_on_another(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors", "8:00 berlin", CHANNEL, "digest days wed fri")
    assert podbrief.run(AT_EIGHT_IN_BERLIN) == []  # Tuesday 08:00 in Berlin: not a chosen day
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(hours=15)) == []  # still Tuesday, 23:00: no catch-up either
    assert podbrief.posted(CHANNEL) == []
    podbrief.publish([NEW_CHIP], AT_EIGHT_IN_BERLIN + timedelta(hours=12))
    wednesday_evening = AT_EIGHT_IN_BERLIN + DAY + timedelta(hours=10)  # missed at 08:00, caught up the same day
    assert [o.status for o in podbrief.run(wednesday_evening)] == ["delivered"]
    assert podbrief.posted(CHANNEL) and podbrief.run(AT_EIGHT_IN_BERLIN + 2 * DAY) == []  # Thursday
    assert "on Wednesdays and Fridays" in shown_text(podbrief.ask("digest"))


def test_a_personal_brief_on_custom_days_skips_the_other_days_in_the_persons_zone(podbrief: Podbrief) -> None:
    podbrief.slack.set_user(BOB, tz="America/New_York")
    podbrief.ask("me topics add interest rates", user_id=BOB, channel_id="C0RANDOM")
    podbrief.ask("me digest at 7:30", user_id=BOB, channel_id="D0BOB")
    answer = podbrief.ask("me digest days monday, wednesday and friday", user_id=BOB, channel_id="D0BOB")
    assert "on Mondays, Wednesdays and Fridays" in shown_text(answer)
    tuesday = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)  # 07:30 in New York
    assert podbrief.run(tuesday) == [] and podbrief.posted("D0BOB") == []
    assert podbrief.run(tuesday + DAY - timedelta(hours=8)) == []  # Wednesday 04:30 UTC is still Tuesday there
    assert [o.status for o in podbrief.run(tuesday + DAY)] == ["delivered"]
    assert "Your podcast brief · Wed 25 Nov" in shown_text(podbrief.posted("D0BOB")[0])


# ----------------------------------------------------------------------------- thread mode and personal brief
def test_in_thread_mode_the_items_are_replies_in_the_headers_thread(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors", "8:00 berlin", CHANNEL, "digest thread on")
    podbrief.run(AT_EIGHT_IN_BERLIN)
    header, *items = podbrief.posted(CHANNEL)
    assert not header.get("thread_ts")
    assert len(items) == 5 and all(item["thread_ts"] == header["ts"] for item in items)
    assert all(podbrief.recorded(CHANNEL)[item["ts"]][1] == "insight" for item in items)


def test_a_personal_brief_arrives_by_direct_message_at_the_persons_own_time(podbrief: Podbrief) -> None:
    podbrief.slack.set_user(BOB, tz="America/New_York")
    podbrief.ask("me topics add interest rates", user_id=BOB, channel_id="C0RANDOM")
    podbrief.ask("me digest at 7:30", user_id=BOB, channel_id="D0BOB")
    seven_thirty_in_new_york = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    assert podbrief.run(AT_EIGHT_IN_BERLIN) == []  # 08:00 in Berlin is 02:00 in New York
    assert podbrief.run(seven_thirty_in_new_york - timedelta(minutes=1)) == []
    assert [o.status for o in podbrief.run(seven_thirty_in_new_york)] == ["delivered"]
    assert [c.params["users"] for c in podbrief.slack.calls("conversations.open")] == [BOB]
    header, *items = podbrief.posted("D0BOB")
    assert "Your podcast brief · Tue 24 Nov" in shown_text(header)
    assert len(items) == 3 and "Mortgage rates" in "".join(shown_text(i) for i in items)
    assert {m["channel"] for m in podbrief.slack.posted_messages()} == {"D0BOB"}
    assert sorted(podbrief.delivered_ids("D0BOB")) == sorted(podbrief.ids_of(*(t for t, _, _ in RATES)))


# ----------------------------------------------------------------------------- quiet days
def test_a_quiet_day_gets_a_short_note_and_no_filler(podbrief: Podbrief) -> None:
    set_up(podbrief, "beekeeping")
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN)] == ["quiet"]
    [note] = podbrief.posted(CHANNEL)
    assert_digest_message(note)
    assert "Quiet day" in note["text"] and "*beekeeping*" in shown_text(note)
    assert len(note["blocks"]) == 1
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(hours=1)) == []
    assert "*Wed, Nov 25 at 08:00 CET* (tomorrow" in shown_text(podbrief.ask("digest"))


def test_posting_now_on_a_quiet_day_posts_the_note_and_says_so(podbrief: Podbrief) -> None:
    set_up(podbrief, "beekeeping")
    assert "quiet-day note" in shown_text(podbrief.ask("digest now"))
    assert [m["text"] for m in podbrief.posted(CHANNEL)] == ["Quiet day: no new insights worth sending today."]
    assert "already been posted" in shown_text(podbrief.ask("digest now"))


def test_a_workspace_that_turned_the_quiet_day_note_off_gets_nothing_on_a_quiet_day(podbrief: Podbrief) -> None:
    with podbrief.workspace.deps.sessions.begin() as session:
        update_workspace(session, TEAM, by_user="U0ADMIN", change="quiet-day note off", quiet_day_note=False)
    set_up(podbrief, "beekeeping")
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN)] == ["quiet"]
    assert podbrief.slack.posted_messages() == []
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(hours=1)) == []


def test_fewer_relevant_insights_than_five_give_a_shorter_digest_not_filler(podbrief: Podbrief) -> None:
    set_up(podbrief, "export controls")
    podbrief.run(AT_EIGHT_IN_BERLIN)
    header, *_items = podbrief.posted(CHANNEL)
    assert "The top 2 for" in shown_text(header)
    assert sorted(podbrief.delivered_ids(CHANNEL)) == sorted(podbrief.ids_of(*(t for t, _, _ in EXPORT)))


# ----------------------------------------------------------------------------- Slack refuses a channel
@pytest.mark.parametrize(("error", "reason"), [
    ("not_in_channel", "not a member of this channel"),
    ("channel_not_found", "cannot see this channel"),
    ("is_archived", "archived"),
])
def test_a_channel_slack_refuses_is_paused_with_a_readable_reason_and_the_others_are_delivered(
    podbrief: Podbrief, error: str, reason: str
) -> None:
    set_up(podbrief, "semiconductors", "8:00 berlin", CHANNEL)
    set_up(podbrief, "interest rates", "8:00 berlin", OTHER)
    set_up(podbrief, "export controls", "8:00 berlin", THIRD)
    podbrief.slack.fail("chat.postMessage", error=error)  # the first post: #general's header
    outcomes = {o.channel_id: o for o in podbrief.run(AT_EIGHT_IN_BERLIN, one_at_a_time=True)}
    assert (outcomes[CHANNEL].status, outcomes[CHANNEL].detail) == ("paused", error)
    assert outcomes[OTHER].status == outcomes[THIRD].status == "delivered"
    attempts = [c for c in podbrief.slack.calls("chat.postMessage") if c.params["channel"] == CHANNEL]
    assert len(attempts) == 1, "nothing more is attempted in a channel Slack refused"
    assert podbrief.posted(CHANNEL) == []
    assert len(podbrief.posted(OTHER)) == 1 + 3 and len(podbrief.posted(THIRD)) == 1 + 2
    overview = shown_text(podbrief.ask("digest"))
    assert "paused (" in overview and reason in overview and "/insights digest resume" in overview
    assert podbrief.target().paused  # type: ignore[union-attr]
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(hours=2)) == []
    assert len([c for c in podbrief.slack.calls("chat.postMessage") if c.params["channel"] == CHANNEL]) == 1


def test_a_refusal_in_the_middle_of_a_digest_stops_that_channel_there(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")

    def archived_after_the_header(step: str) -> None:
        if step == "header":
            podbrief.slack.fail("chat.postMessage", error="is_archived", times=None)

    [outcome] = podbrief.run(AT_EIGHT_IN_BERLIN, checkpoint=archived_after_the_header)
    podbrief.slack.clear_faults()
    assert (outcome.status, outcome.detail) == ("paused", "is_archived")
    assert len(podbrief.posted(CHANNEL)) == 1  # the header only
    assert len(podbrief.slack.calls("chat.postMessage")) == 2, "nothing more after the refusal"
    assert "archived" in shown_text(podbrief.ask("digest"))


def test_posting_now_in_a_channel_without_the_bot_explains_how_to_invite_it(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.slack.fail("chat.postMessage", error="not_in_channel")
    answer = shown_text(podbrief.ask("digest now"))
    assert "/invite @Podbrief" in answer and "not a member of this channel" in answer
    assert podbrief.target().paused  # type: ignore[union-attr]


def test_after_the_bot_is_invited_and_the_digest_resumed_todays_digest_still_comes(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.slack.fail("chat.postMessage", error="not_in_channel")
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN)] == ["paused"]
    podbrief.clock.now = AT_EIGHT_IN_BERLIN + timedelta(hours=1)
    resumed = shown_text(podbrief.ask("digest resume"))
    assert "Resumed" in resumed and "any minute now" in resumed
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(hours=1))] == ["delivered"]
    assert len(podbrief.posted(CHANNEL)) == 6
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(hours=2)) == []


# ----------------------------------------------------------------------------- Slack refuses the workspace
@pytest.mark.parametrize("error", ["invalid_auth", "account_inactive", "token_revoked"])
def test_a_dead_token_stops_the_workspaces_deliveries_and_records_why(podbrief: Podbrief, error: str) -> None:
    set_up(podbrief, "semiconductors", "8:00 berlin", CHANNEL)
    set_up(podbrief, "interest rates", "8:00 berlin", OTHER)
    podbrief.slack.fail("chat.postMessage", error=error, times=None)
    outcomes = podbrief.run(AT_EIGHT_IN_BERLIN)
    assert sorted((o.channel_id, o.status, o.detail) for o in outcomes) == [
        (CHANNEL, "workspace_inactive", error), (OTHER, "workspace_inactive", error)]
    podbrief.slack.clear_faults()
    with podbrief.workspace.deps.sessions() as session:
        settings = get_workspace(session, TEAM)
        trail = [change for _, change, _ in recent_changes(session, TEAM, None, 10)]  # type: ignore[arg-type]
    assert settings.active is False and error in (settings.inactive_reason or "")
    assert f"deliveries stopped: Slack said {error}" in trail
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(hours=1)) == []
    assert podbrief.run(AT_EIGHT_IN_BERLIN + DAY) == []
    assert podbrief.slack.posted_messages() == []


# ----------------------------------------------------------------------------- Slack hiccups
def test_a_rate_limited_post_waits_for_retry_after_and_is_delivered_once(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.slack.rate_limit("chat.postMessage", retry_after=1, times=1)
    started = time.monotonic()
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN)] == ["delivered"]
    assert time.monotonic() - started >= 0.9, "Retry-After was not honoured"
    assert [c.status for c in podbrief.slack.calls("chat.postMessage")][:2] == [429, 200]
    assert len(podbrief.posted(CHANNEL)) == 6 and len(set(podbrief.delivered_ids(CHANNEL))) == 5


@pytest.mark.parametrize("status", [500, 503])
def test_a_server_error_is_retried_and_the_digest_delivered_once(podbrief: Podbrief, status: int) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.slack.server_error("chat.postMessage", status=status, times=1)
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN)] == ["delivered"]
    assert [c.status for c in podbrief.slack.calls("chat.postMessage")][:2] == [status, 200]
    assert len(podbrief.posted(CHANNEL)) == 6 and len(set(podbrief.delivered_ids(CHANNEL))) == 5


def test_a_rate_limited_channel_never_holds_up_the_others(podbrief: Podbrief) -> None:
    for channel, topics in ((CHANNEL, "semiconductors"), (OTHER, "interest rates"), (THIRD, "export controls")):
        set_up(podbrief, topics, "8:00 berlin", channel)
    podbrief.slack.rate_limit("chat.postMessage", retry_after=1, times=1)  # whichever channel posts first
    assert sorted(o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN)) == ["delivered"] * 3
    calls = podbrief.slack.calls("chat.postMessage")
    limited = calls[0].params["channel"]
    retried_at = next(n for n, c in enumerate(calls) if n and c.params["channel"] == limited)
    others = [n for n, c in enumerate(calls) if c.params["channel"] != limited]
    assert max(others) < retried_at, "the other channels were delivered while one waited out its Retry-After"
    assert sorted(len(podbrief.posted(c)) for c in (CHANNEL, OTHER, THIRD)) == [3, 4, 6]


def test_a_digest_slack_keeps_refusing_for_now_is_resumed_on_the_next_run_without_repeats(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")

    def failing_after_two_items(step: str) -> None:  # an error no retry handler retries
        if step == "item" and len(podbrief.posted(CHANNEL)) == 3:
            podbrief.slack.fail("chat.postMessage", error="fatal_error", times=None)

    [outcome] = podbrief.run(AT_EIGHT_IN_BERLIN, checkpoint=failing_after_two_items)
    assert (outcome.status, outcome.detail) == ("retry", "Slack is having trouble: fatal_error")
    assert len(podbrief.posted(CHANNEL)) == 3
    podbrief.slack.clear_faults()
    assert [o.status for o in podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(minutes=1))] == ["delivered"]
    header, *items = podbrief.posted(CHANNEL)
    assert header["blocks"][0]["type"] == "header" and len(items) == 5
    assert len(set(podbrief.delivered_ids(CHANNEL))) == 5, "the resumed digest posts only what was missing"
    assert podbrief.run(AT_EIGHT_IN_BERLIN + timedelta(minutes=2)) == []


# ----------------------------------------------------------------------------- no repeats
def test_day_twos_digest_never_contains_day_ones_insights(podbrief: Podbrief) -> None:
    set_up(podbrief, "semiconductors")
    podbrief.run(AT_EIGHT_IN_BERLIN)
    day_one = podbrief.delivered_ids(CHANNEL)
    podbrief.publish([NEW_CHIP], AT_EIGHT_IN_BERLIN + timedelta(hours=12))
    podbrief.run(AT_EIGHT_IN_BERLIN + DAY)
    day_two = podbrief.delivered_ids(CHANNEL)[len(day_one):]
    chips = podbrief.ids_of(*(t for t, _, _ in CHIPS), NEW_CHIP[0])
    assert len(day_one) == 5 and set(day_one) <= set(chips)
    assert sorted(day_two) == sorted(set(chips) - set(day_one)), "day 2 brings what is left, and nothing again"
    podbrief.run(AT_EIGHT_IN_BERLIN + 2 * DAY)
    assert [m["text"] for m in podbrief.posted(CHANNEL)][-1].startswith("Quiet day")


def test_the_same_claim_from_another_podcast_is_not_delivered_again(podbrief: Podbrief) -> None:
    set_up(podbrief, "export controls")
    set_up(podbrief, "export controls", "8:00 berlin", THIRD, "digest pause")
    podbrief.run(AT_EIGHT_IN_BERLIN)
    assert sorted(podbrief.delivered_ids(CHANNEL)) == sorted(podbrief.ids_of(*(t for t, _, _ in EXPORT)))
    podbrief.publish([ECHO, NEW_EXPORT], AT_EIGHT_IN_BERLIN + timedelta(hours=20))
    podbrief.clock.now = AT_EIGHT_IN_BERLIN + DAY
    # A channel that never saw the claim gets it, echoed by two podcasts: the echo is a real candidate.
    fresh = shown_text(podbrief.ask("digest preview", channel_id=THIRD))
    assert "Also on: Policy Desk" in fresh or "Also on: Chip Lines" in fresh
    podbrief.run(AT_EIGHT_IN_BERLIN + DAY)
    day_two = podbrief.delivered_ids(CHANNEL)[2:]
    assert day_two == podbrief.ids_of(NEW_EXPORT[0])


# ----------------------------------------------------------------------------- friendly errors
@pytest.mark.parametrize("typed", ["digest now please", "digest preview tomorrow", "me digest nwo", "digest prevew"])
def test_a_mistyped_preview_or_now_gets_a_friendly_error_and_posts_nothing(podbrief: Podbrief, typed: str) -> None:
    set_up(podbrief, "semiconductors")
    text = shown_text(podbrief.ask(typed))
    assert "Usage:" in text and "`/insights " in text and "went wrong" not in text
    assert podbrief.slack.posted_messages() == []
    with podbrief.workspace.deps.sessions() as session:
        assert session.scalar(select(Delivery.id)) is None


def test_posting_a_channel_digest_now_from_a_direct_message_suggests_the_personal_brief(podbrief: Podbrief) -> None:
    text = shown_text(podbrief.ask("digest now", channel_id="D0ALICE"))
    assert "`/insights me digest at 7:30`" in text
    assert podbrief.slack.posted_messages() == []
