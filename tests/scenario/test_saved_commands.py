"""`/insights saved`, `saved <words>`, `saved export`, `forget me` and the save settings, through the real app."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot.saving.blocks import FORGET_ACTION, FORGET_CANCEL_ACTION, MORE_ACTION
from storage.channels_store import get_workspace, update_target, update_workspace
from storage.feedback_store import record_feedback_many
from storage.models import Channel, Feedback, InsightRow, SavedInsight, SettingsChange
from storage.models import Workspace as WorkspaceRow
from storage.saved_store import save_insight
from tests.scenario.conftest import Workspace
from tests.scenario.saving import TEAM, insight_ids
from tests.slack_checks import assert_valid_message

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def save_many(workspace: Workspace, user: str, ids: list[int], team: str = TEAM) -> None:
    """Save in order, one second apart, so the last is the newest."""
    with workspace.deps.sessions.begin() as session:
        for n, insight in enumerate(ids):
            save_insight(session, team, user, insight)
            session.execute(update(SavedInsight).where(SavedInsight.team_id == team, SavedInsight.user_id == user,
                                                       SavedInsight.insight_id == insight)
                            .values(saved_at=NOW + timedelta(seconds=n)))


def texts_of(workspace: Workspace, ids: list[int]) -> dict[int, str]:
    with workspace.deps.sessions() as session:
        return {r.id: r.text for r in session.execute(select(InsightRow.id, InsightRow.text).where(InsightRow.id.in_(ids)))}


def shown_ids(answer: dict[str, Any]) -> list[int]:
    return [int(b["accessory"]["value"]) for b in answer["blocks"] if b.get("accessory", {}).get("action_id")]


def test_saved_lists_newest_first_in_pages_with_a_more_button(workspace: Workspace) -> None:
    ids = insight_ids(workspace, 13)
    save_many(workspace, "U0ALICE", ids)
    first = workspace.command("saved", name="page-1")
    assert_valid_message(first)
    assert shown_ids(first) == list(reversed(ids))[:10]
    more = next(b for b in first["blocks"] if b["type"] == "actions")["elements"][0]
    assert more["action_id"] == MORE_ACTION
    second = workspace.click(MORE_ACTION, more["value"], name="page-2")
    assert_valid_message(second)
    assert shown_ids(second) == list(reversed(ids))[10:]
    assert not any(b["type"] == "actions" for b in second["blocks"])


def test_saved_is_personal(workspace: Workspace) -> None:
    ids = insight_ids(workspace, 3)
    save_many(workspace, "U0BOB", ids)
    save_many(workspace, "U0ALICE", ids[:1], team="T0OTHER")
    answer = workspace.command("saved")
    assert "no saved insights yet" in answer["text"]


def test_saved_search_finds_the_persons_saved_insights_despite_a_typo(workspace: Workspace) -> None:
    ids = insight_ids(workspace, 80)
    with workspace.deps.sessions() as session:  # what the index knows: text, podcast, episode, topics
        indexed = {r.id: r.search_text for r in session.execute(select(InsightRow.id, InsightRow.search_text))}
    lithography = [i for i in ids if "lithography" in indexed[i]]
    others = [i for i in ids if "lithography" not in indexed[i]][:20]
    assert lithography and others
    save_many(workspace, "U0ALICE", lithography[:1] + others)
    save_many(workspace, "U0BOB", lithography)  # Bob's saves are not Alice's results
    answer = workspace.command("saved lithografy")
    assert_valid_message(answer)
    assert shown_ids(answer) == lithography[:1]
    assert "lithografy → lithography" in str(answer["blocks"])
    nothing = workspace.command("saved quantum teleportation", name="none")
    assert "None of your saved insights match" in nothing["text"]


def test_export_sends_markdown_and_csv_with_full_attribution_in_a_dm(workspace: Workspace) -> None:
    ids = insight_ids(workspace, 3)
    save_many(workspace, "U0ALICE", ids)
    answer = workspace.command("saved export")
    assert "Sent you 3 saved insights" in answer["text"]
    markdown, table = workspace.slack.uploaded_files()
    assert markdown.channel_id == "D0ALICE" and table.channel_id == "D0ALICE"
    assert markdown.filename.endswith(".md") and table.filename.endswith(".csv")
    with workspace.deps.sessions() as session:
        first = session.scalar(select(InsightRow).where(InsightRow.id == ids[0]))
    assert first is not None
    assert f"> {first.text}" in markdown.text
    assert f"]({first.url})" in markdown.text and f"{first.audio_url}#t={int(first.start_seconds or 0)}" in markdown.text
    assert markdown.text.index(texts_of(workspace, ids)[ids[2]]) < markdown.text.index(first.text)  # newest first
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert [int(r["insight_id"]) for r in rows] == list(reversed(ids))
    assert rows[-1]["insight"] == first.text and rows[-1]["episode_url"] == first.url
    assert rows[-1]["podcast"] and rows[-1]["episode"] and rows[-1]["published"] and rows[-1]["moment_url"]


def test_export_with_nothing_saved_sends_no_file(workspace: Workspace) -> None:
    assert "no saved insights to export" in workspace.command("saved export")["text"]
    assert workspace.slack.uploaded_files() == []


def _rows_about(workspace: Workspace, user: str, team: str = TEAM) -> dict[str, int]:
    with workspace.deps.sessions() as session:
        def count(model: Any, *where: Any) -> int:
            return session.scalar(select(func.count()).select_from(model).where(*where)) or 0
        return {
            "saved": count(SavedInsight, SavedInsight.team_id == team, SavedInsight.user_id == user),
            "feedback": count(Feedback, Feedback.team_id == team, Feedback.user_id == user),
            "created": count(Channel, Channel.team_id == team, Channel.created_by == user),
            "updated": count(Channel, Channel.team_id == team, Channel.updated_by == user),
            "brief": count(Channel, Channel.team_id == team, Channel.channel_id == user),
            "changes": count(SettingsChange, SettingsChange.team_id == team, SettingsChange.user_id == user),
            "workspace": count(WorkspaceRow, WorkspaceRow.team_id == team, WorkspaceRow.updated_by == user),
        }


def _store_about(workspace: Workspace, user: str, team: str = TEAM) -> None:
    ids = insight_ids(workspace, 3)
    save_many(workspace, user, ids, team=team)
    with workspace.deps.sessions.begin() as session:
        record_feedback_many(session, [(team, "C0GENERAL", user, ids[0], "up")], NOW)
        update_target(session, team, "C0GENERAL", by_user=user, change="topics", topics=["chips"])
        update_target(session, team, user, by_user=user, change="brief", kind="user", topics=["rates"])
        update_workspace(session, team, by_user=user, change="restrict", restrict_settings=True)


def test_forget_me_asks_first_then_removes_everything_about_that_person_only(workspace: Workspace) -> None:
    for user, team in (("U0ALICE", TEAM), ("U0BOB", TEAM), ("U0ALICE", "T0OTHER")):
        _store_about(workspace, user, team)
    with workspace.deps.sessions.begin() as session:  # Bob changed the channel last; Alice created it
        update_target(session, TEAM, "C0GENERAL", by_user="U0ALICE", change="topics", topics=["chips", "ai"])
    before_bob, before_other = _rows_about(workspace, "U0BOB"), _rows_about(workspace, "U0ALICE", "T0OTHER")
    question = workspace.command("forget me", name="ask")
    assert_valid_message(question)
    assert _rows_about(workspace, "U0ALICE")["saved"] == 3  # nothing happens before the confirmation
    assert [e["action_id"] for e in question["blocks"][-1]["elements"]] == [FORGET_ACTION, FORGET_CANCEL_ACTION]
    done = workspace.click(FORGET_ACTION, "forget", name="confirm")
    assert done["text"].startswith("Done: deleted 3 saved insights, 1 reaction of feedback, your personal brief")
    assert set(_rows_about(workspace, "U0ALICE").values()) == {0}
    assert _rows_about(workspace, "U0BOB") == before_bob
    assert _rows_about(workspace, "U0ALICE", "T0OTHER") == before_other
    with workspace.deps.sessions() as session:
        channel = session.scalar(select(Channel).where(Channel.team_id == TEAM, Channel.channel_id == "C0GENERAL"))
    assert channel is not None and channel.topics == ["chips", "ai"] and channel.created_by is None


def test_forget_me_cancelled_deletes_nothing(workspace: Workspace) -> None:
    _store_about(workspace, "U0ALICE")
    workspace.command("forget me", name="ask")
    assert "Nothing was deleted" in workspace.click(FORGET_CANCEL_ACTION, "cancel", name="cancel")["text"]
    assert _rows_about(workspace, "U0ALICE")["saved"] == 3


def test_only_admins_change_the_save_emojis_and_confirmations(workspace: Workspace) -> None:
    refused = workspace.command("settings save-emojis pushpin", name="bob", user_id="U0BOB")
    assert "Only workspace admins" in refused["text"]
    workspace.slack.set_user("U0ADMIN", is_admin=True)
    done = workspace.command("settings save-emojis :bookmark:, pushpin star", name="admin", user_id="U0ADMIN")
    assert ":bookmark: :pushpin: :star:" in done["text"]
    workspace.command("settings confirmations off", name="off", user_id="U0ADMIN")
    with workspace.deps.sessions() as session:
        settings = get_workspace(session, TEAM)
    assert settings.save_emojis == ("bookmark", "pushpin", "star") and settings.save_confirmations is False
    shown = workspace.command("settings save-emojis", name="show", user_id="U0BOB")
    assert ":pushpin:" in shown["text"] and "*off*" in shown["text"]


@pytest.mark.parametrize("typed", ["settings save-emojis +1", "settings save-emojis <script>", "forget everyone"])
def test_a_mistyped_save_command_explains_itself_and_changes_nothing(workspace: Workspace, typed: str) -> None:
    workspace.slack.set_user("U0ALICE", is_admin=True)
    answer = workspace.command(typed)
    assert answer["text"] and "Done" not in answer["text"]
    with workspace.deps.sessions() as session:
        assert get_workspace(session, TEAM).save_emojis == ("bookmark",)
