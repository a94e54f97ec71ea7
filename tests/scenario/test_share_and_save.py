"""Buttons on search results, and the save emoji on a shared insight."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from bot.shared.blocks import SAVE_ACTION, SHARE_ACTION
from standin.slack_requests import event_body
from storage.models import PostedMessage, SavedInsight
from tests.scenario.conftest import Workspace
from tests.slack_checks import assert_valid_message


def _first_result_id(workspace: Workspace) -> str:
    answer = workspace.command("export controls", name="search")
    return str(next(b for b in answer["blocks"] if b["type"] == "actions")["elements"][0]["value"])


def _saved_rows(workspace: Workspace) -> list[tuple[str, str, int]]:
    with workspace.deps.sessions() as session:
        rows = session.execute(select(SavedInsight.team_id, SavedInsight.user_id, SavedInsight.insight_id))
        return [(r.team_id, r.user_id, r.insight_id) for r in rows]


def test_sharing_posts_the_insight_in_the_channel_without_unfurls(workspace: Workspace) -> None:
    insight_id = _first_result_id(workspace)
    confirmation = workspace.click(SHARE_ACTION, insight_id)
    posted = workspace.slack.posted_messages()[-1]
    assert posted["channel"] == "C0GENERAL"
    assert posted["unfurl_links"] is False and posted["unfurl_media"] is False
    assert_valid_message(posted)
    assert "Shared by <@U0ALICE>" in str(posted["blocks"])
    assert "Shared in <#C0GENERAL>" in confirmation["text"]
    with workspace.deps.sessions() as session:
        record = session.scalar(select(PostedMessage).where(PostedMessage.ts == posted["ts"]))
    assert record is not None and str(record.insight_id) == insight_id


def test_sharing_where_the_bot_is_not_a_member_explains_how_to_invite_it(workspace: Workspace) -> None:
    insight_id = _first_result_id(workspace)
    workspace.slack.fail("chat.postMessage", error="not_in_channel")
    answer = workspace.click(SHARE_ACTION, insight_id)
    assert "/invite @Podbrief" in answer["text"]
    assert workspace.slack.posted_messages() == []


def test_sharing_survives_a_rate_limit(workspace: Workspace) -> None:
    insight_id = _first_result_id(workspace)
    workspace.slack.rate_limit("chat.postMessage", retry_after=0)
    workspace.click(SHARE_ACTION, insight_id)
    assert len(workspace.slack.posted_messages()) == 1


def test_saving_twice_keeps_one_saved_row(workspace: Workspace) -> None:
    insight_id = _first_result_id(workspace)
    first = workspace.click(SAVE_ACTION, insight_id, name="save-1")
    second = workspace.click(SAVE_ACTION, insight_id, name="save-2")
    assert first["text"].startswith("Saved")
    assert "already saved" in second["text"]
    assert _saved_rows(workspace) == [("T0STANDIN", "U0ALICE", int(insight_id))]


def test_a_button_for_a_vanished_insight_gets_a_friendly_note(workspace: Workspace) -> None:
    answer = workspace.click(SAVE_ACTION, "999999")
    assert "no longer available" in answer["text"]
    assert _saved_rows(workspace) == []


def test_a_forged_button_value_is_harmless(workspace: Workspace) -> None:
    answer = workspace.click(SHARE_ACTION, "1 OR 1=1")
    assert "no longer available" in answer["text"]
    assert workspace.slack.posted_messages() == []


def test_the_save_emoji_on_a_shared_insight_saves_it_and_removing_it_unsaves(workspace: Workspace) -> None:
    insight_id = _first_result_id(workspace)
    workspace.click(SHARE_ACTION, insight_id)
    ts = workspace.slack.posted_messages()[-1]["ts"]
    reaction = {"user": "U0BOB", "reaction": "bookmark", "item": {"type": "message", "channel": "C0GENERAL", "ts": ts}}
    body, content_type = event_body({"type": "reaction_added", **reaction}, event_id="Ev1")
    now = int(time.time())
    assert workspace.server.post(body, content_type, timestamp=now - 3).status == 200
    # Slack's retry of the same event: signed anew, with its own timestamp
    assert workspace.server.post(body, content_type, timestamp=now, extra_headers={"X-Slack-Retry-Num": "1"}).status == 200
    _wait_until(lambda: _saved_rows(workspace) == [("T0STANDIN", "U0BOB", int(insight_id))])
    workspace.event({"type": "reaction_removed", **reaction}, event_id="Ev2")
    _wait_until(lambda: _saved_rows(workspace) == [])


def test_reactions_on_other_messages_save_nothing(workspace: Workspace) -> None:
    reaction = {"user": "U0BOB", "reaction": "bookmark", "item": {"type": "message", "channel": "C0GENERAL", "ts": "1.2"}}
    assert workspace.event({"type": "reaction_added", **reaction}).status == 200
    with workspace.deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(SavedInsight)) == 0


def test_opening_the_home_tab_publishes_a_valid_view(workspace: Workspace) -> None:
    workspace.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D1"})
    view = workspace.slack.wait_for("views.publish", timeout=30).params["view"]
    assert view["type"] == "home"
    assert "/insights export controls" in str(view["blocks"])


def _wait_until(condition: object, timeout: float = 30.0) -> None:  # generous: CI machines can be busy
    """Events are handled after Slack gets its 200, so wait for the effect (bounded)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.02)
