"""Digest settings end to end: `/insights topics|digest|me|settings …` through the real app."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.bootstrap import build_deps
from bot.config import Settings
from insights.targets import MAX_TOPICS, PERSON, DigestTarget
from standin.local_server import LocalServer
from standin.slack_api import SlackStandIn
from storage.channels_store import get_target, get_workspace, pause_target, recent_changes
from storage.models import Delivery
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace
from tests.slack_checks import assert_valid_message, shown_text

TEAM = "T0STANDIN"
CHANNEL = "C0GENERAL"
ALICE, BOB, ADMIN = "U0ALICE", "U0BOB", "U0ADMIN"
#: Tuesday 24 November 2026, 06:00 UTC = 07:00 in Berlin (CET).
NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
_names = itertools.count()


def ask(workspace: Workspace, text: str, **fields: Any) -> dict[str, Any]:
    """Type `/insights <text>` (as Alice in #general unless told otherwise); the checked ephemeral answer."""
    answer = workspace.command(text, name=f"settings-{next(_names)}", **fields)
    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    return answer




def target(workspace: Workspace, channel_id: str = CHANNEL) -> DigestTarget | None:
    with workspace.deps.sessions() as session:
        return get_target(session, TEAM, channel_id)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def pinned(database_url: str, slack: SlackStandIn, tmp_path: Path) -> Iterator[Workspace]:
    """Like `workspace`, but the app's clock reads `NOW`."""
    settings = Settings(database_url=database_url, data_dir=tmp_path, slack_bot_token=TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url)
    deps = replace(build_deps(settings), clock=Clock(NOW))
    with LocalServer(settings, deps) as server:
        yield Workspace(server, slack, deps)
    deps.engine.dispose()


# ----------------------------------------------------------------------------- topics
def test_topics_are_added_listed_removed_despite_a_typo_and_cleared(workspace: Workspace) -> None:
    assert "no topics yet" in shown_text(ask(workspace, "topics"))
    added = ask(workspace, "topics add AI Policy, semiconductors;  export  controls")
    assert "*ai policy*, *semiconductors*, *export controls*" in shown_text(added)
    assert "*ai policy*" in shown_text(ask(workspace, "topics"))
    removed = ask(workspace, "topics remove ai polcy")
    assert "Removed *ai policy*" in shown_text(removed)
    assert target(workspace).topics == ("semiconductors", "export controls")  # type: ignore[union-attr]
    assert "Cleared 2 topics" in shown_text(ask(workspace, "topics clear"))
    assert target(workspace).topics == ()  # type: ignore[union-attr]


def test_adding_a_topic_twice_reports_the_duplicate_and_keeps_one(workspace: Workspace) -> None:
    ask(workspace, "topics add ai policy")
    again = ask(workspace, "topics add AI policy, chips")
    assert "Already followed: *ai policy*" in shown_text(again)
    assert target(workspace).topics == ("ai policy", "chips")  # type: ignore[union-attr]


def test_the_topic_list_stops_at_the_cap_and_says_so(workspace: Workspace) -> None:
    ask(workspace, "topics add " + ", ".join(f"topic {n}" for n in range(MAX_TOPICS - 1)))
    answer = ask(workspace, "topics add one more, one too many")
    assert "Added *one more*" in shown_text(answer)
    assert "the list is full" in shown_text(answer) and "*one too many*" in shown_text(answer)
    assert len(target(workspace).topics) == MAX_TOPICS  # type: ignore[union-attr]


def test_removing_an_unknown_topic_suggests_the_close_ones(workspace: Workspace) -> None:
    ask(workspace, "topics add ai policy, semiconductors")
    answer = ask(workspace, "topics remove policy")
    assert "*policy* is not a topic here. Did you mean *ai policy*?" in shown_text(answer)
    assert target(workspace).topics == ("ai policy", "semiconductors")  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- digest time and zone
def test_a_digest_time_without_a_zone_uses_the_persons_slack_time_zone(workspace: Workspace) -> None:
    workspace.slack.set_user(ALICE, tz="Europe/Berlin")
    answer = ask(workspace, "digest at 8:30")
    assert "*08:30* (Europe/Berlin)" in shown_text(answer)
    assert "your Slack time zone" in shown_text(answer)
    schedule = target(workspace).schedule  # type: ignore[union-attr]
    assert (f"{schedule.at:%H:%M}", schedule.timezone) == ("08:30", "Europe/Berlin")  # type: ignore[union-attr]


def test_a_later_time_keeps_the_zone_already_chosen(workspace: Workspace) -> None:
    ask(workspace, "digest at 08:30 Europe/Berlin")
    workspace.slack.set_user(ALICE, tz="America/Chicago")
    ask(workspace, "digest at 9:15")
    assert target(workspace).schedule.timezone == "Europe/Berlin"  # type: ignore[union-attr]


@pytest.mark.parametrize(("typed", "zone", "local"), [
    ("digest at 7pm berlin", "Europe/Berlin", "19:00"),
    ("digest at 18:00 new york", "America/New_York", "18:00"),
    ("digest at 6:45 sydny", "Australia/Sydney", "06:45"),
])
def test_a_city_name_is_matched_to_its_time_zone(workspace: Workspace, typed: str, zone: str, local: str) -> None:
    ask(workspace, typed)
    schedule = target(workspace).schedule  # type: ignore[union-attr]
    assert (schedule.timezone, f"{schedule.at:%H:%M}") == (zone, local)  # type: ignore[union-attr]


def test_without_any_known_zone_the_digest_uses_utc_and_says_so(workspace: Workspace) -> None:
    workspace.slack.fail("users.info", error="user_not_found")
    answer = ask(workspace, "digest at 9:00")
    assert "used *UTC*" in shown_text(answer)
    assert target(workspace).schedule.timezone == "UTC"  # type: ignore[union-attr]


@pytest.mark.parametrize("typed", [
    "digest at 25:00", "digest at 8:61", "digest at 8:30 mordor", "digest at lunch", "digest pase", "topics ad",
    "topics add 🚀🔥", "topics add " + "x" * 10_000, "digest at 8:30 " + "<script>" * 1000, "me stuff",
    "settings restrict maybe",
])
def test_a_mistyped_setting_gets_a_friendly_error_with_usage_and_changes_nothing(workspace: Workspace, typed: str) -> None:
    text = shown_text(ask(workspace, typed))
    assert "Usage:" in text and "`/insights " in text
    assert "went wrong" not in text
    assert target(workspace) is None


def test_the_next_delivery_is_shown_in_the_channels_local_time(pinned: Workspace) -> None:
    answer = ask(pinned, "digest at 8:30 berlin")
    assert "Next delivery: *Tue, Nov 24 at 08:30 CET* (today, in 1 h 30 min)" in shown_text(answer)
    overview = shown_text(ask(pinned, "digest"))
    assert "Tue, Nov 24 at 08:30 CET" in overview and "Europe/Berlin" in overview


def test_once_todays_digest_is_delivered_the_next_one_is_tomorrow(pinned: Workspace) -> None:
    ask(pinned, "digest at 6:00 berlin")  # 06:00 local has passed at 07:00: today's is due
    assert "any minute now" in shown_text(ask(pinned, "digest"))
    with pinned.deps.sessions.begin() as session:
        session.add(Delivery(team_id=TEAM, channel_id=CHANNEL, local_date="2026-11-24", status="delivered"))
    assert "*Wed, Nov 25 at 06:00 CET* (tomorrow" in shown_text(ask(pinned, "digest"))


def test_a_digest_that_is_not_set_up_explains_how(workspace: Workspace) -> None:
    text = shown_text(ask(workspace, "digest"))
    assert "Not set up yet" in text and "`/insights digest at 9:00`" in text


# ----------------------------------------------------------------------------- days, pause, thread
def test_weekdays_and_daily_switch_the_delivery_days(workspace: Workspace) -> None:
    ask(workspace, "digest at 8:00 UTC")
    assert "weekdays only" in shown_text(ask(workspace, "digest weekdays"))
    assert target(workspace).schedule.weekdays_only is True  # type: ignore[union-attr]
    ask(workspace, "digest daily")
    assert target(workspace).schedule.weekdays_only is False  # type: ignore[union-attr]


def test_custom_days_are_set_by_name_confirmed_in_words_shown_and_audited(workspace: Workspace) -> None:
    ask(workspace, "digest at 8:00 UTC")
    assert "Done: the digest comes on Mondays, Wednesdays and Fridays." in shown_text(
        ask(workspace, "digest days mon wed fri"))
    assert target(workspace).schedule.days == frozenset({0, 2, 4})  # type: ignore[union-attr]
    assert "on Mondays, Wednesdays and Fridays" in shown_text(ask(workspace, "digest"))
    with workspace.deps.sessions() as session:
        [(user, change, _)] = recent_changes(session, TEAM, CHANNEL, 1)
    assert user == ALICE and change == "set the digest to go out on Mondays, Wednesdays and Fridays"
    ask(workspace, "digest daily")
    assert target(workspace).schedule.days == frozenset(range(7))  # type: ignore[union-attr]


def test_an_unknown_day_name_gets_a_friendly_error_and_changes_nothing(workspace: Workspace) -> None:
    ask(workspace, "digest at 8:00 UTC")
    ask(workspace, "digest weekdays")
    text = shown_text(ask(workspace, "digest days mon fryday"))
    assert "I don't know the day “fryday”. Did you mean `friday`?" in text and "digest days mon wed fri" in text
    assert target(workspace).schedule.weekdays_only is True  # type: ignore[union-attr]


def test_a_personal_brief_takes_custom_days_and_the_channel_keeps_its_own(workspace: Workspace) -> None:
    ask(workspace, "digest at 8:00 UTC")
    ask(workspace, "me digest at 7:00 UTC")
    assert "on Saturdays and Sundays" in shown_text(ask(workspace, "me digest days sat sun"))
    assert target(workspace, ALICE).schedule.days == frozenset({5, 6})  # type: ignore[union-attr]
    assert target(workspace).schedule.days == frozenset(range(7))  # type: ignore[union-attr]


def test_pause_stops_the_digest_and_resume_clears_the_reason(workspace: Workspace) -> None:
    assert "isn't set up yet" in shown_text(ask(workspace, "digest pause"))
    ask(workspace, "digest at 8:00 UTC")
    assert "Paused" in shown_text(ask(workspace, "digest pause"))
    assert target(workspace).active is False  # type: ignore[union-attr]
    with workspace.deps.sessions.begin() as session:
        pause_target(session, TEAM, CHANNEL, "Podbrief was removed from the channel")
    assert "Podbrief was removed from the channel" in shown_text(ask(workspace, "digest"))
    assert "Next delivery" in shown_text(ask(workspace, "digest resume"))
    after = target(workspace)
    assert after is not None and after.active and after.paused_reason is None


def test_thread_mode_can_be_turned_on_and_off(workspace: Workspace) -> None:
    assert "replies in the header's thread" in shown_text(ask(workspace, "digest thread on"))
    assert target(workspace).thread_mode is True  # type: ignore[union-attr]
    ask(workspace, "digest thread OFF")
    assert target(workspace).thread_mode is False  # type: ignore[union-attr]


def test_a_digest_in_a_channel_without_the_bot_says_to_invite_it(workspace: Workspace) -> None:
    workspace.slack.set_channel(CHANNEL, is_member=False)
    text = shown_text(ask(workspace, "digest at 8:30 UTC"))
    assert "/invite @Podbrief" in text
    assert target(workspace).schedule is not None  # type: ignore[union-attr]  # saved all the same


def test_a_private_channel_the_bot_cannot_see_says_to_invite_it(workspace: Workspace) -> None:
    workspace.slack.fail("conversations.info", error="channel_not_found")
    assert "/invite @Podbrief" in shown_text(ask(workspace, "digest at 8:30 UTC", channel_id="G0SECRET"))


def test_a_channel_digest_in_a_direct_message_suggests_the_personal_brief(workspace: Workspace) -> None:
    text = shown_text(ask(workspace, "digest at 8:30", channel_id="D0ALICE"))
    assert "`/insights me digest at 7:30`" in text
    assert target(workspace, "D0ALICE") is None


# ----------------------------------------------------------------------------- personal brief
def test_a_personal_brief_is_stored_for_the_person_in_their_own_zone(workspace: Workspace) -> None:
    workspace.slack.set_user(BOB, tz="America/New_York")
    ask(workspace, "me topics add rates, housing", user_id=BOB, channel_id="C0RANDOM")
    ask(workspace, "me digest at 7:30", user_id=BOB, channel_id="D0BOB")
    brief = target(workspace, BOB)
    assert brief is not None and brief.kind == PERSON == "user"
    assert brief.topics == ("rates", "housing")
    assert brief.schedule is not None and brief.schedule.timezone == "America/New_York"
    assert target(workspace, "C0RANDOM") is None and target(workspace, "D0BOB") is None
    assert "Your personal brief" in shown_text(ask(workspace, "me", user_id=BOB))


def test_a_personal_brief_never_checks_channel_membership(workspace: Workspace) -> None:
    workspace.slack.set_channel(CHANNEL, is_member=False)
    assert "/invite" not in shown_text(ask(workspace, "me digest at 7:30 UTC"))
    assert not workspace.slack.calls("conversations.info")


# ----------------------------------------------------------------------------- permissions and audit
def test_only_admins_can_restrict_settings(workspace: Workspace) -> None:
    assert "Only workspace admins" in shown_text(ask(workspace, "settings restrict on"))
    workspace.slack.set_user(ADMIN, is_admin=True)
    ask(workspace, "settings restrict on", user_id=ADMIN)
    with workspace.deps.sessions() as session:
        assert get_workspace(session, TEAM).restrict_settings is True
    assert "*restricted*" in shown_text(ask(workspace, "settings"))


def test_when_restricted_only_admins_and_the_creator_change_a_channel_but_all_can_read(workspace: Workspace) -> None:
    ask(workspace, "digest at 8:00 UTC", user_id=ALICE)
    workspace.slack.set_user(ADMIN, is_owner=True)
    ask(workspace, "settings restrict on", user_id=ADMIN)
    refused = shown_text(ask(workspace, "topics add chips", user_id=BOB))
    assert "only workspace admins and <@U0ALICE>" in refused
    assert "*08:00*" in shown_text(ask(workspace, "digest", user_id=BOB))
    ask(workspace, "topics add chips", user_id=ALICE)
    ask(workspace, "digest pause", user_id=ADMIN)
    ask(workspace, "me topics add chips", user_id=BOB)  # his own brief stays his to change
    assert target(workspace).topics == ("chips",) and target(workspace).paused  # type: ignore[union-attr]
    assert target(workspace, BOB).topics == ("chips",)  # type: ignore[union-attr]
    ask(workspace, "settings restrict off", user_id=ADMIN)
    ask(workspace, "topics add rates", user_id=BOB)
    assert target(workspace).topics == ("chips", "rates")  # type: ignore[union-attr]


def test_the_audit_trail_records_who_changed_what(workspace: Workspace) -> None:
    workspace.slack.set_user(ALICE, tz="Europe/Berlin")
    ask(workspace, "topics add ai policy", user_id=ALICE)
    ask(workspace, "digest at 8:30", user_id=BOB)
    ask(workspace, "digest thread on", user_id=BOB)
    with workspace.deps.sessions() as session:
        changes = [(user, change) for user, change, _ in recent_changes(session, TEAM, CHANNEL)]
    assert changes == [
        (BOB, "turned thread mode on"),
        (BOB, "set the digest time to 08:30 UTC"),
        (ALICE, "added topics: ai policy"),
    ]
    overview = shown_text(ask(workspace, "digest"))
    assert "Set up by <@U0ALICE> · last changed by <@U0BOB>" in overview
    assert "<@U0BOB> turned thread mode on" in overview


def test_a_group_dm_gets_a_clear_no_for_channel_digests_without_asking_slack_about_it(workspace: Workspace) -> None:
    group = {"channel_id": "G0GROUPDM", "channel_name": "mpdm-alice--bob--carol-1"}
    for text in ("digest at 9:00", "topics add interest rates", "digest now", "digest pause"):
        answer = shown_text(ask(workspace, text, **group))
        assert "group direct message" in answer and "me digest at 7:30" in answer, answer
    assert target(workspace, "G0GROUPDM") is None
    assert workspace.slack.calls("conversations.info") == []  # needs mpim:read, which Podbrief does not ask for
    assert "Done" in shown_text(ask(workspace, "me digest at 7:30", **group))
    assert target(workspace, ALICE) is not None
