"""Hostile requests to POST /slack/events: refused plainly, never run twice, never a traceback,
and never written to the log beyond one short line."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest

from standin.slack_requests import event_body, signed_headers, slash_command_body
from tests.scenario.conftest import SIGNING_SECRET, Workspace, answers_given, command_answer

FORM = "application/x-www-form-urlencoded"
SECRET_WORDS = "confidential merger plans"


def _post_signed(workspace: Workspace, body: str, content_type: str, **headers: str) -> int:
    all_headers = {"Content-Type": content_type, **signed_headers(SIGNING_SECRET, body), **headers}
    return workspace.server.request("POST", "/slack/events", body.encode(), all_headers).status


def _tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


@pytest.mark.parametrize("body, content_type", [
    ("{not json", "application/json"),
    ("payload=%7Bnope", FORM),
    ("payload=" + json.dumps({"type": "block_actions", "actions": []}), FORM),
], ids=["malformed JSON", "broken payload=", "no actions"])
def test_an_unsigned_malformed_request_is_refused_with_401_and_no_traceback(
    workspace: Workspace, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert workspace.server.post(body, content_type, signed=False).status == 401
    assert _tracebacks(caplog) == []


def test_a_non_numeric_timestamp_is_refused_with_401_and_no_traceback(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    body, content_type = slash_command_body("export controls", response_url=workspace.slack.response_url())
    headers = {"Content-Type": content_type, "X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}
    with caplog.at_level(logging.DEBUG):
        assert workspace.server.request("POST", "/slack/events", body.encode(), headers).status == 401
    assert _tracebacks(caplog) == []
    assert workspace.slack.responses() == []


@pytest.mark.parametrize("body, content_type", [
    ("{not json", "application/json"),
    ('["a list"]', "application/json"),
    ("payload=%7Bnope", FORM),
    (urlencode({"payload": json.dumps({"type": "block_actions", "team": {"id": "T0STANDIN"},
                                       "user": {"id": "U0ALICE"}, "actions": []})}), FORM),
    (urlencode({"payload": json.dumps({"type": "block_actions", "team": {"id": "T0STANDIN"},
                                       "user": {"id": "U0ALICE"}, "actions": ["x"]})}), FORM),
    (json.dumps({"type": "event_callback", "team_id": "T0STANDIN", "event": "reaction_added"}), "application/json"),
    (urlencode({"payload": json.dumps({"type": "view_submission", "team": {"id": "T0STANDIN"},
                                       "user": {"id": "U0ALICE"}, "view": {"callback_id": "x"}})}), FORM),
], ids=["malformed JSON", "JSON list", "broken payload=", "no actions", "action not an object", "event a string",
        "view without a type"])
def test_a_signed_malformed_request_is_answered_400_without_a_traceback(
    workspace: Workspace, caplog: pytest.LogCaptureFixture, body: str, content_type: str
) -> None:
    with caplog.at_level(logging.DEBUG):
        assert _post_signed(workspace, body, content_type) == 400
    assert _tracebacks(caplog) == []


def test_a_replayed_command_runs_once_whatever_retry_number_is_added(workspace: Workspace) -> None:
    body, content_type = slash_command_body("export controls", response_url=workspace.slack.response_url("cmd"))
    headers = {"Content-Type": content_type, **signed_headers(SIGNING_SECRET, body)}
    replies = [workspace.server.request("POST", "/slack/events", body.encode(), {**headers, **extra})
               for extra in ({}, {"X-Slack-Retry-Num": "1"}, {"X-Slack-Retry-Num": "2"}, {"X-Slack-Retry-Num": "3"})]
    assert [reply.status for reply in replies] == [200, 401, 401, 401]
    command_answer(replies[0].body, workspace.slack, "cmd")  # in the ack, or (when slow) at the response_url
    time.sleep(0.3)  # a replay that got through would answer within this
    assert answers_given(replies[0].body, workspace.slack, "cmd") == 1  # the refused replays answered nothing


def test_slacks_retry_of_an_event_is_signed_anew_and_accepted(workspace: Workspace) -> None:
    body, content_type = event_body({"type": "app_home_opened", "user": "U0ALICE", "channel": "D1", "tab": "messages"})
    now = int(time.time())
    first = workspace.server.post(body, content_type, timestamp=now - 3)
    retry = workspace.server.post(body, content_type, timestamp=now, extra_headers={"X-Slack-Retry-Num": "1"})
    assert (first.status, retry.status) == (200, 200)


# What is logged -------------------------------------------------------------------------------------------


def _log_text(caplog: pytest.LogCaptureFixture, level: int = logging.DEBUG) -> str:
    return "\n".join(r.getMessage() + (str(r.exc_info[1]) if r.exc_info else "")
                     for r in caplog.records if r.levelno >= level)


def test_an_unsigned_request_is_logged_as_one_short_line_without_its_body(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    body, content_type = slash_command_body(SECRET_WORDS, response_url=workspace.slack.response_url("secret"))
    with caplog.at_level(logging.DEBUG):
        assert workspace.server.post(body, content_type, signed=False).status == 401
    text = _log_text(caplog)
    assert SECRET_WORDS.split()[1] not in text and "response_url" not in text and "secret" not in text
    lines = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert len(lines) == 1 and len(lines[0].getMessage()) < 300, lines


def test_a_stale_request_is_logged_without_its_body(workspace: Workspace, caplog: pytest.LogCaptureFixture) -> None:
    body, content_type = slash_command_body(SECRET_WORDS, response_url=workspace.slack.response_url("secret"))
    with caplog.at_level(logging.DEBUG):
        assert workspace.server.post(body, content_type, timestamp=int(time.time()) - 600).status == 401
    assert "merger" not in _log_text(caplog)


def test_a_flood_of_large_unsigned_requests_adds_little_to_the_log(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    body = urlencode({"text": "x" * 900_000})
    with caplog.at_level(logging.DEBUG):
        for _ in range(40):
            assert workspace.server.post(body, FORM, signed=False).status == 401
    logged = sum(len(r.getMessage()) for r in caplog.records)
    assert logged < 10_000, logged
    assert len([r for r in caplog.records if r.name == "podbrief.requests"]) < 40  # rate-limited


def test_an_oversized_request_is_logged_without_its_body(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    body = urlencode({"text": SECRET_WORDS + " " + "x" * 1_100_000})
    with caplog.at_level(logging.DEBUG):
        assert workspace.server.post(body, FORM).status == 413
    assert "merger" not in _log_text(caplog)


def test_a_database_error_logs_no_typed_topic(workspace: Workspace, caplog: pytest.LogCaptureFixture) -> None:
    with workspace.deps.engine.begin() as connection:  # every settings change writes to settings_changes
        connection.exec_driver_sql("ALTER TABLE settings_changes RENAME TO settings_changes_away")
    try:
        with caplog.at_level(logging.INFO):
            answer = workspace.command("topics add zebrafishmerger")
            time.sleep(0.2)  # let the answer thread finish logging
    finally:
        with workspace.deps.engine.begin() as connection:
            connection.exec_driver_sql("ALTER TABLE settings_changes_away RENAME TO settings_changes")
    assert "zebrafishmerger" not in json.dumps(answer)  # the person is told plainly, not shown SQL
    text = _log_text(caplog, logging.INFO)
    assert "settings_changes" in text  # the failure itself is logged...
    assert "zebrafishmerger" not in text  # ...without what was typed


# Strict ids and addresses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["feeds add https://example.com/pod\x00cast.xml", "feeds remove ²",
                                   "feeds remove 12345678901234567890123"],
                         ids=["NUL in a feed address", "superscript digit id", "23-digit id"])
def test_odd_input_to_feeds_gets_a_plain_answer(workspace: Workspace, typed: str) -> None:
    workspace.slack.set_user("U0ADMIN", is_admin=True)
    answer = json.dumps(workspace.command(typed, user_id="U0ADMIN"))
    assert "database" not in answer and "went wrong" not in answer.lower()
    assert "address" in answer or "id" in answer


@pytest.mark.parametrize("value", ["²", "12345678901234567890123"])
def test_a_save_button_with_an_odd_id_says_the_insight_is_gone(workspace: Workspace, value: str) -> None:
    answer = json.dumps(workspace.click("insight_save", value))
    assert "no longer available" in answer


def test_a_signed_request_no_listener_handles_is_logged_without_its_payload(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    payload = {"type": "dialog_submission", "team": {"id": "T0STANDIN"}, "user": {"id": "U0ALICE"},
               "callback_id": "nothing_here", "submission": {"plans": SECRET_WORDS}}  # Bolt would log `submission`
    with caplog.at_level(logging.DEBUG):
        status = _post_signed(workspace, urlencode({"payload": json.dumps(payload)}), FORM)
    assert status == 404
    assert "merger" not in _log_text(caplog)


def test_slacks_ssl_check_is_answered_without_a_signature_and_runs_nothing(workspace: Workspace) -> None:
    assert workspace.server.post("ssl_check=1&token=unused", FORM, signed=False).status == 200
    assert workspace.server.post("ssl_check=1&command=%2Finsights&text=x", FORM, signed=False).status == 200
    assert workspace.slack.responses() == []
