"""Digest settings in a modal: the button, views.open with current values, field errors, and a change
exactly like the text commands' (same stored row, same audit entries, same confirmation)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from bot.digest.modal import OPEN_ACTION, ZONE_ACTION
from insights.targets import DigestTarget
from standin.slack_requests import block_action_body, block_suggestion_body, view_submission_body
from storage.channels_store import get_target, recent_changes, update_workspace
from tests.scenario.conftest import Workspace
from tests.scenario.saving import TrackingExecutor
from tests.slack_checks import assert_valid_blocks, shown_text

TEAM, ALICE, BOB = "T0STANDIN", "U0ALICE", "U0BOB"
MODAL_CHANNEL, TEXT_CHANNEL = "C0MODAL", "C0TEXT"


def open_modal(workspace: Workspace, listeners: TrackingExecutor, value: str, channel: str = MODAL_CHANNEL,
               user: str = ALICE) -> dict[str, Any]:
    before = len(workspace.slack.calls("views.open"))
    body, content_type = block_action_body(OPEN_ACTION, value, response_url=workspace.slack.response_url("open"),
                                           channel_id=channel, user_id=user)
    assert workspace.server.post(body, content_type).status == 200
    listeners.wait_idle()
    call = workspace.slack.calls("views.open")[before]
    assert call.ok, call.response
    assert call.params["trigger_id"] == "1.2.3"
    view: dict[str, Any] = call.params["view"]
    return view


def values(at: str = "08:30", zone: str = "Europe/Berlin", days: str = "weekdays", topics: str = "ai policy, chips",
           options: tuple[str, ...] = ("thread",), custom: tuple[str, ...] = ()) -> dict[str, dict[str, Any]]:
    return {
        "time": {"at": {"type": "timepicker", "selected_time": at}},
        "zone": {ZONE_ACTION: {"type": "external_select", "selected_option": {"value": zone}}},
        "days": {"days": {"type": "radio_buttons", "selected_option": {"value": days}}},
        "custom_days": {"custom_days": {"type": "checkboxes", "selected_options": [{"value": d} for d in custom]}},
        "topics": {"topics": {"type": "plain_text_input", "value": topics}},
        "options": {"options": {"type": "checkboxes", "selected_options": [{"value": o} for o in options]}},
    }


def submit(workspace: Workspace, view: dict[str, Any], state: dict[str, dict[str, Any]], user: str = ALICE) -> Any:
    body, content_type = view_submission_body(view, state, user_id=user)
    reply = workspace.server.post(body, content_type)
    assert reply.status == 200, reply
    return json.loads(reply.body) if reply.body else None


def stored(workspace: Workspace, channel: str) -> tuple[DigestTarget | None, list[tuple[str | None, str]]]:
    with workspace.deps.sessions() as session:
        row = get_target(session, TEAM, channel)
        changes = [(user, change) for user, change, _ in reversed(recent_changes(session, TEAM, channel, 20))]
    return row, changes


def comparable(row: DigestTarget | None) -> DigestTarget | None:
    return replace(row, channel_id="-", updated_at=None) if row else None


def test_the_digest_answer_has_a_change_settings_button(workspace: Workspace) -> None:
    answer = workspace.command("digest", channel_id=MODAL_CHANNEL)
    assert_valid_blocks(answer["blocks"])
    buttons = [e for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"], b["text"]["text"]) for b in buttons] == [
        (OPEN_ACTION, f"channel:{MODAL_CHANNEL}", "Change settings")]
    personal = workspace.command("me digest", name="me")
    assert any(e.get("value") == "me" for b in personal["blocks"] if b["type"] == "actions" for e in b["elements"])


def test_the_modal_opens_with_the_current_values_and_the_persons_zone_by_default(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    workspace.slack.set_user(ALICE, tz="America/New_York")
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    assert_valid_blocks(view["blocks"], 100)
    by_id = {b.get("block_id"): b for b in view["blocks"]}
    assert by_id["zone"]["element"]["initial_option"]["value"] == "America/New_York"
    assert by_id["time"]["element"]["initial_time"] == "09:00"
    workspace.command("digest at 7:15 Asia/Tokyo", channel_id=MODAL_CHANNEL, name="t")
    workspace.command("topics add robots", channel_id=MODAL_CHANNEL, name="t2")
    by_id = {b.get("block_id"): b for b in open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")["blocks"]}
    assert by_id["zone"]["element"]["initial_option"]["value"] == "Asia/Tokyo"
    assert by_id["time"]["element"]["initial_time"] == "07:15"
    assert by_id["topics"]["element"]["initial_value"] == "robots"


def test_the_zone_select_types_ahead_over_iana_zones(workspace: Workspace) -> None:
    body, content_type = block_suggestion_body(ZONE_ACTION, "new yo", block_id="zone")
    reply = workspace.server.post(body, content_type)
    options = [o["value"] for o in json.loads(reply.body)["options"]]
    assert options[0] == "America/New_York" and len(options) <= 100


def test_a_bad_submission_answers_errors_next_to_the_wrong_fields_and_changes_nothing(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    topics = ", ".join(f"topic {n}" for n in range(21))
    answer = submit(workspace, view, values(zone="Mars/Olympus_Mons", topics=topics))
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"zone", "topics"}
    assert "Mars/Olympus_Mons" in answer["errors"]["zone"]
    assert "21 topics" in answer["errors"]["topics"] and "20" in answer["errors"]["topics"]
    assert stored(workspace, MODAL_CHANNEL) == (None, [])


def test_a_good_submission_changes_the_settings_exactly_as_the_text_commands_would(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    assert submit(workspace, view, values()) is None  # the modal closes
    listeners.wait_idle()
    [confirmation] = [c.params for c in workspace.slack.calls("chat.postEphemeral") if c.ok]
    assert confirmation["channel"] == MODAL_CHANNEL and confirmation["user"] == ALICE
    assert_valid_blocks(confirmation["blocks"])

    typed = [workspace.command(text, name=f"text-{n}", channel_id=TEXT_CHANNEL)
             for n, text in enumerate(["digest at 08:30 Europe/Berlin", "digest weekdays", "digest thread on",
                                       "topics add ai policy, chips"])]
    modal_row, modal_changes = stored(workspace, MODAL_CHANNEL)
    text_row, text_changes = stored(workspace, TEXT_CHANNEL)
    assert comparable(modal_row) == comparable(text_row)
    assert modal_changes == text_changes and len(modal_changes) == 4
    for answer in typed:
        assert shown_text(answer).replace(TEXT_CHANNEL, MODAL_CHANNEL) in shown_text(confirmation)


def test_custom_days_in_the_modal_are_stored_and_audited_as_the_text_command_would(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    submit(workspace, view, values(days="custom", custom=("0", "2", "4"), topics="", options=()))
    listeners.wait_idle()
    confirmation = workspace.slack.calls("chat.postEphemeral")[-1].params
    assert "on Mondays, Wednesdays and Fridays" in shown_text(confirmation)
    for n, text in enumerate(["digest at 08:30 Europe/Berlin", "digest days mon wed fri"]):
        workspace.command(text, name=f"days-{n}", channel_id=TEXT_CHANNEL)
    modal_row, modal_changes = stored(workspace, MODAL_CHANNEL)
    assert comparable(modal_row) == comparable(stored(workspace, TEXT_CHANNEL)[0])
    assert modal_row is not None and modal_row.schedule is not None and modal_row.schedule.days == frozenset({0, 2, 4})
    assert modal_changes == stored(workspace, TEXT_CHANNEL)[1]
    reopened = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    boxes = next(b for b in reopened["blocks"] if b.get("block_id") == "custom_days")
    assert [o["value"] for o in boxes["element"]["initial_options"]] == ["0", "2", "4"]


def test_custom_days_with_no_day_ticked_are_refused_next_to_the_days_and_change_nothing(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    answer = submit(workspace, view, values(days="custom"))
    assert answer["response_action"] == "errors" and set(answer["errors"]) == {"custom_days"}
    assert "at least one day" in answer["errors"]["custom_days"]
    assert stored(workspace, MODAL_CHANNEL) == (None, [])


def test_submitting_unchanged_settings_says_nothing_changed_and_writes_no_audit_entry(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    workspace.command("digest at 08:30 Europe/Berlin", channel_id=MODAL_CHANNEL, name="t")
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    submit(workspace, view, values(days="daily", topics="", options=()))
    listeners.wait_idle()
    assert "Nothing changed" in workspace.slack.calls("chat.postEphemeral")[-1].params["text"]
    assert len(stored(workspace, MODAL_CHANNEL)[1]) == 1


def test_pausing_and_clearing_topics_in_the_modal_write_the_text_commands_audit_entries(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    workspace.command("digest at 08:30 Europe/Berlin", channel_id=MODAL_CHANNEL, name="t")
    workspace.command("topics add robots, chips", channel_id=MODAL_CHANNEL, name="t2")
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")
    submit(workspace, view, values(days="daily", topics="", options=("paused",)))
    listeners.wait_idle()
    row, changes = stored(workspace, MODAL_CHANNEL)
    assert row is not None and row.paused and row.topics == ()
    assert [c for _, c in changes[-2:]] == ["cleared topics (were: robots, chips)", "paused the digest"]


def test_a_restricted_channel_refuses_the_modal_to_someone_who_may_not_change_it(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    workspace.command("digest at 08:30 Europe/Berlin", channel_id=MODAL_CHANNEL, name="t")
    with workspace.deps.sessions.begin() as session:
        update_workspace(session, TEAM, by_user="U0ADMIN", change="restricted", restrict_settings=True)
    view = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}", user=BOB)
    assert "block_id" not in json.dumps([b for b in view["blocks"] if b["type"] == "input"])
    assert not any(b["type"] == "input" for b in view["blocks"]) and "submit" not in view
    form = open_modal(workspace, listeners, f"channel:{MODAL_CHANNEL}")  # Alice set it up: she may
    answer = submit(workspace, form, values(), user=BOB)  # Bob submits a form he got around the check
    assert answer["response_action"] == "update"
    assert stored(workspace, MODAL_CHANNEL)[0].schedule.weekdays_only is False  # type: ignore[union-attr]


def test_the_personal_brief_modal_changes_only_the_submitters_own_brief(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    view = open_modal(workspace, listeners, "me")
    submit(workspace, view, values(), user=BOB)  # whoever submits changes their own brief, never Alice's
    listeners.wait_idle()
    assert stored(workspace, ALICE) == (None, [])
    bob, changes = stored(workspace, BOB)
    assert bob is not None and bob.is_personal and bob.topics == ("ai policy", "chips")
    assert all(user == BOB for user, _ in changes)


def home_buttons(workspace: Workspace, listeners: TrackingExecutor, user: str) -> list[str]:
    before = len(workspace.slack.calls("views.publish"))
    workspace.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
                     "event_ts": "1800000009.000100"}, event_id=f"EvHome{user}{before}")
    listeners.wait_idle()
    view = [c for c in workspace.slack.calls("views.publish") if c.params.get("user_id") == user][-1].params["view"]
    assert_valid_blocks(view["blocks"], 100)
    return [b["accessory"]["value"] for b in view["blocks"]
            if b.get("accessory", {}).get("action_id") == OPEN_ACTION]


def test_the_home_tab_has_the_button_for_the_brief_and_each_digest_the_person_may_change(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    workspace.command("digest at 08:30 Europe/Berlin", channel_id=MODAL_CHANNEL, name="t")
    for user in (ALICE, BOB):
        workspace.slack.set_memberships(user, [MODAL_CHANNEL])
    assert home_buttons(workspace, listeners, BOB) == [f"channel:{MODAL_CHANNEL}", "me"]
    with workspace.deps.sessions.begin() as session:
        update_workspace(session, TEAM, by_user="U0ADMIN", change="restricted", restrict_settings=True)
    assert home_buttons(workspace, listeners, BOB) == ["me"]  # restricted: only Alice (who set it up) and admins
    assert home_buttons(workspace, listeners, ALICE) == [f"channel:{MODAL_CHANNEL}", "me"]
