"""Saving by reaction through the real app: idempotent, quiet, team-scoped, and feedback for digests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from slack_sdk.models.views import View
from sqlalchemy import delete

from bot.saving.blocks import UNSAVE_ACTION
from bot.shared.blocks import SAVE_ACTION, SHARE_ACTION
from insights.schedule import DigestSchedule
from storage.channels_store import update_target, update_workspace
from storage.models import InsightRow
from storage.saved_store import save_insight
from tests.scenario.conftest import Workspace
from tests.scenario.saving import (
    CHANNEL,
    TEAM,
    TrackingExecutor,
    ephemerals,
    feedback_rows,
    insight_ids,
    insight_message,
    react,
    saved_rows,
)
from tests.slack_checks import assert_valid_blocks


def test_a_save_emoji_on_a_digest_item_saves_it_with_a_quiet_confirmation(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    assert react(workspace, "U0BOB", "bookmark", ts) == 200
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0BOB", insight)]
    [note] = ephemerals(workspace)
    assert note["user"] == "U0BOB" and note["channel"] == CHANNEL and note["text"].startswith(":bookmark: Saved")
    assert_valid_blocks(note["blocks"])
    assert feedback_rows(workspace) == [(TEAM, CHANNEL, "U0BOB", insight, "save")]


def test_removing_the_save_emoji_unsaves_and_forgets_the_feedback(workspace: Workspace, listeners: TrackingExecutor) -> None:
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    react(workspace, "U0BOB", "bookmark", ts)
    listeners.wait_idle()
    react(workspace, "U0BOB", "bookmark", ts, added=False)
    listeners.wait_idle()
    assert saved_rows(workspace) == []
    assert feedback_rows(workspace) == []
    assert "Removed" in ephemerals(workspace)[-1]["text"]


def test_a_retried_event_and_a_duplicate_delivery_save_once_and_confirm_once(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    assert react(workspace, "U0BOB", "bookmark", ts, event_id="EvSAME") == 200
    assert react(workspace, "U0BOB", "bookmark", ts, event_id="EvSAME", retry=1) == 200
    assert react(workspace, "U0BOB", "bookmark", ts, event_id="EvSAME", retry=2) == 200
    assert react(workspace, "U0BOB", "bookmark", ts, event_id="EvAFTERRESTART") == 200
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0BOB", insight)]
    assert len(ephemerals(workspace)) == 1
    assert len(feedback_rows(workspace)) == 1


def test_two_save_emojis_leave_one_saved_row(workspace: Workspace, listeners: TrackingExecutor) -> None:
    with workspace.deps.sessions.begin() as session:
        update_workspace(session, TEAM, by_user="U0ADMIN", change="save emojis", save_emojis=["bookmark", "star"])
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    react(workspace, "U0BOB", "bookmark", ts)
    react(workspace, "U0BOB", "star", ts)
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0BOB", insight)]
    assert len(ephemerals(workspace)) == 1


def test_an_emoji_that_is_not_a_save_emoji_saves_nothing(workspace: Workspace, listeners: TrackingExecutor) -> None:
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    react(workspace, "U0BOB", "star", ts)  # not in the default set
    listeners.wait_idle()
    assert saved_rows(workspace) == [] and ephemerals(workspace) == []


def test_reactions_on_messages_the_bot_did_not_post_do_nothing(workspace: Workspace, listeners: TrackingExecutor) -> None:
    [insight] = insight_ids(workspace, 1)
    insight_message(workspace, insight)
    react(workspace, "U0BOB", "bookmark", "1234.5678")
    react(workspace, "U0BOB", "+1", "1234.5678")
    listeners.wait_idle()
    assert saved_rows(workspace) == [] and feedback_rows(workspace) == []
    assert ephemerals(workspace) == [] and workspace.slack.calls("views.publish") == []


def test_the_digest_header_saves_nothing_and_hints_once(workspace: Workspace, listeners: TrackingExecutor) -> None:
    ts = insight_message(workspace, None, kind="digest_header")
    react(workspace, "U0BOB", "bookmark", ts)
    listeners.wait_idle()
    react(workspace, "U0BOB", "bookmark", ts, retry=1)
    listeners.wait_idle()
    assert saved_rows(workspace) == []
    [hint] = ephemerals(workspace)
    assert "react on that item" in hint["text"]


def test_a_reaction_on_an_insight_deleted_since_gets_a_friendly_note(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    with workspace.deps.sessions.begin() as session:
        session.execute(delete(InsightRow).where(InsightRow.id == insight))
    react(workspace, "U0BOB", "bookmark", ts)
    listeners.wait_idle()
    assert saved_rows(workspace) == []
    assert "no longer available" in ephemerals(workspace)[0]["text"]


def test_several_people_can_save_the_same_insight(workspace: Workspace, listeners: TrackingExecutor) -> None:
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    for user in ("U0ALICE", "U0BOB", "U0CAROL"):
        react(workspace, user, "bookmark", ts)
    listeners.wait_idle()
    react(workspace, "U0BOB", "bookmark", ts, added=False)
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0ALICE", insight), (TEAM, "U0CAROL", insight)]


def test_confirmations_can_be_turned_off(workspace: Workspace, listeners: TrackingExecutor) -> None:
    with workspace.deps.sessions.begin() as session:
        update_workspace(session, TEAM, by_user="U0ADMIN", change="off", save_confirmations=False)
    [insight] = insight_ids(workspace, 1)
    react(workspace, "U0BOB", "bookmark", insight_message(workspace, insight))
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0BOB", insight)]
    assert ephemerals(workspace) == []


def test_a_reaction_from_another_workspace_never_touches_this_ones_rows(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    first, second = insight_ids(workspace, 2)
    ours = insight_message(workspace, first)
    react(workspace, "U0BOB", "bookmark", ours)
    listeners.wait_idle()
    theirs = insight_message(workspace, second, team="T0OTHER")
    # Same channel id, same ts, same user id: only the team differs.
    react(workspace, "U0BOB", "bookmark", ours, added=False, team="T0OTHER")
    react(workspace, "U0BOB", "-1", ours, team="T0OTHER")
    react(workspace, "U0BOB", "bookmark", theirs, team="T0OTHER")
    listeners.wait_idle()
    assert saved_rows(workspace) == [("T0OTHER", "U0BOB", second), (TEAM, "U0BOB", first)]
    assert sorted(r[:2] for r in feedback_rows(workspace)) == [("T0OTHER", CHANNEL), (TEAM, CHANNEL)]
    assert {r[4] for r in feedback_rows(workspace)} == {"save"}


def test_a_reaction_in_a_slack_connect_channel_counts_for_the_installed_workspace(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    [insight] = insight_ids(workspace, 1)
    ts = insight_message(workspace, insight)
    # A guest from another organisation reacts: the envelope carries their team, `authorizations` ours.
    react(workspace, "U0GUEST", "bookmark", ts, envelope_team="T0GUESTORG")
    react(workspace, "U0GUEST", "+1", ts, envelope_team="T0GUESTORG")
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0GUEST", insight)]
    assert sorted(r[4] for r in feedback_rows(workspace)) == ["save", "up"]
    [note] = ephemerals(workspace)
    assert note["user"] == "U0GUEST" and note["text"].startswith(":bookmark: Saved")


def test_thumbs_on_digest_items_are_recorded_per_channel_and_removal_deletes_them(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    first, second = insight_ids(workspace, 2)
    up, down = insight_message(workspace, first), insight_message(workspace, second, channel="C0OTHER")
    react(workspace, "U0BOB", "+1::skin-tone-3", up)
    react(workspace, "U0BOB", "thumbsdown", down, channel="C0OTHER")
    listeners.wait_idle()
    assert feedback_rows(workspace) == [(TEAM, CHANNEL, "U0BOB", first, "up"), (TEAM, "C0OTHER", "U0BOB", second, "down")]
    assert saved_rows(workspace) == [] and ephemerals(workspace) == []
    react(workspace, "U0BOB", "+1", up, added=False)
    listeners.wait_idle()
    assert feedback_rows(workspace) == [(TEAM, "C0OTHER", "U0BOB", second, "down")]


def test_the_save_button_and_the_reaction_share_one_row_and_the_home_tab_follows(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    answer = workspace.command("export controls", name="search")
    insight = next(b for b in answer["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    workspace.click(SHARE_ACTION, insight, name="share")
    ts = workspace.slack.posted_messages()[-1]["ts"]
    assert "Saved" in workspace.click(SAVE_ACTION, insight, name="save", user_id="U0BOB")["text"]
    react(workspace, "U0BOB", "bookmark", ts)
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0BOB", int(insight))]
    assert ephemerals(workspace) == []  # already saved: nothing new to confirm
    workspace.click(UNSAVE_ACTION, insight, name="unsave", user_id="U0BOB")
    listeners.wait_idle()
    assert saved_rows(workspace) == []
    home = workspace.slack.calls("views.publish")[-1].params
    assert home["user_id"] == "U0BOB" and "Nothing saved yet" in str(home["view"]["blocks"])


def test_the_home_tab_shows_saved_insights_and_the_digests_of_the_persons_channels(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    ids = insight_ids(workspace, 14)
    with workspace.deps.sessions.begin() as session:
        for insight in ids:
            save_insight(session, TEAM, "U0ALICE", insight)
        for channel, topics in (("C0GENERAL", ["export controls"]), ("C0SECRET", ["secret plans"])):
            update_target(session, TEAM, channel, by_user="U0ALICE", change="set up", topics=topics,
                          digest_time="09:00", timezone="Europe/Berlin")
        update_target(session, TEAM, "U0ALICE", by_user="U0ALICE", change="brief", kind="user",
                      topics=["interest rates"], digest_time="07:30", timezone="UTC")
    workspace.slack.set_memberships("U0ALICE", ["C0GENERAL", "C0RANDOM"])
    workspace.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0ALICE"})
    listeners.wait_idle()
    view = workspace.slack.wait_for("views.publish", timeout=30).params["view"]
    View(type="home", blocks=view["blocks"]).validate_json()
    assert_valid_blocks(view["blocks"], limit=100)
    text = str(view["blocks"])
    assert "Your saved insights* (14)" in text and text.count(UNSAVE_ACTION) == 10
    assert "<#C0GENERAL>" in text and "export controls" in text and "next " in text
    assert "Your personal brief" in text and "interest rates" in text
    assert "C0SECRET" not in text and "secret plans" not in text  # not one of Alice's channels


def test_a_digest_posted_for_real_can_be_saved_item_by_item(workspace: Workspace, listeners: TrackingExecutor) -> None:
    with workspace.deps.sessions.begin() as session:
        target = update_target(session, TEAM, CHANNEL, by_user="U0ALICE", change="set up", topics=["export controls"],
                               digest_time="09:00", timezone="UTC")
    assert target.schedule is not None and target.schedule == DigestSchedule(target.schedule.at, "UTC")
    now = datetime(2026, 10, 2, 9, 30, tzinfo=UTC)
    outcome = workspace.deps.digests.deliver(target, date(2026, 10, 2), now)
    assert outcome.status == "delivered"
    header, *items = workspace.slack.posted_messages()
    react(workspace, "U0BOB", "bookmark", items[0]["ts"])
    react(workspace, "U0BOB", "bookmark", header["ts"])
    listeners.wait_idle()
    assert len(saved_rows(workspace)) == 1
    assert len(ephemerals(workspace)) == 2  # the confirmation, and the header's hint
