"""The Home tab after a save: the saved list read anew, the rest of the tab reused from a recent reading;
opening the tab always reads everything."""

from __future__ import annotations

from bot.saving.blocks import UNSAVE_ACTION
from storage.channels_store import update_target, update_workspace
from tests.scenario.conftest import Workspace
from tests.scenario.saving import TEAM, TrackingExecutor, insight_ids, insight_message, react


def _set_up_digest(workspace: Workspace, channel: str, by_user: str, topic: str, at: str) -> None:
    with workspace.deps.sessions.begin() as session:
        update_target(session, TEAM, channel, by_user=by_user, change="set up", topics=[topic], digest_time=at,
                      timezone="UTC")


def _last_home(workspace: Workspace, user: str) -> str:
    return str([c.params for c in workspace.slack.calls("views.publish") if c.params["user_id"] == user][-1]["view"])


def test_a_save_shows_at_once_and_opening_the_tab_reads_the_digests_again(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    [first, second] = insight_ids(workspace, 2)
    _set_up_digest(workspace, "C0GENERAL", "U0ALICE", "export controls", "09:00")
    workspace.slack.set_memberships("U0ALICE", ["C0GENERAL"])
    workspace.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0ALICE"})
    listeners.wait_idle()
    assert "<#C0GENERAL>" in _last_home(workspace, "U0ALICE") and "Nothing saved yet" in _last_home(
        workspace, "U0ALICE"
    )
    opened = len(workspace.slack.calls("users.conversations"))

    _set_up_digest(workspace, "C0RANDOM", "U0BOB", "interest rates", "10:00")  # a channel Alice joins meanwhile
    workspace.slack.set_memberships("U0ALICE", ["C0GENERAL", "C0RANDOM"])
    assert react(workspace, "U0ALICE", "bookmark", insight_message(workspace, first)) == 200
    assert react(workspace, "U0ALICE", "bookmark", insight_message(workspace, second)) == 200
    listeners.wait_idle(30)
    home = _last_home(workspace, "U0ALICE")
    assert "Your saved insights* (2)" in home and home.count(UNSAVE_ACTION) == 2  # the saves: read now
    assert "<#C0GENERAL>" in home  # the rest as read on opening (a rebuild after a save lists no channels)
    assert len(workspace.slack.calls("users.conversations")) == opened

    opening = workspace.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0ALICE"})
    assert opening.status == 200  # a new event (not taken for a replay of the first opening)
    listeners.wait_idle()
    home = _last_home(workspace, "U0ALICE")
    assert "<#C0RANDOM>" in home and "interest rates" in home  # opening reads everything again
    assert "Your saved insights* (2)" in home


def test_a_rebuild_after_a_save_may_show_recent_settings_but_opening_the_tab_shows_the_current_ones(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    [first] = insight_ids(workspace, 1)
    assert react(workspace, "U0BOB", "bookmark", insight_message(workspace, first)) == 200  # settings read
    listeners.wait_idle(30)
    with workspace.deps.sessions.begin() as session:
        update_workspace(session, TEAM, by_user="U0ADMIN", change="save emojis", save_emojis=["pushpin"])
    workspace.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0ALICE"})
    listeners.wait_idle()
    assert ":pushpin:" in _last_home(workspace, "U0ALICE") and ":bookmark:" not in _last_home(workspace, "U0ALICE")


def test_a_save_rebuilds_the_home_tab_only_of_people_who_opened_it(workspace: Workspace,
                                                                  listeners: TrackingExecutor) -> None:
    """Opening the tab always publishes it afresh, so a save by someone who never opened it costs no
    rebuild (nor a views.publish call); once they have opened it, their saves show on it at once."""
    [first, second] = insight_ids(workspace, 2)
    assert react(workspace, "U0CAROL", "bookmark", insight_message(workspace, first)) == 200
    listeners.wait_idle(30)
    assert [c for c in workspace.slack.calls("views.publish") if c.params["user_id"] == "U0CAROL"] == []

    workspace.event({"type": "app_home_opened", "user": "U0CAROL", "tab": "home", "channel": "D0CAROL"})
    listeners.wait_idle()
    assert "Your saved insights* (1)" in _last_home(workspace, "U0CAROL")  # the save shows on opening
    assert react(workspace, "U0CAROL", "bookmark", insight_message(workspace, second)) == 200
    listeners.wait_idle(30)
    assert "Your saved insights* (2)" in _last_home(workspace, "U0CAROL")
