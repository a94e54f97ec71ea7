"""Operations over real HTTP: request logs, Prometheus metrics, replayed requests."""

from __future__ import annotations

import io
import json
import logging
import time
from collections.abc import Iterator

import pytest

from bot.shared.logfmt import redacting_handler
from standin.slack_requests import event_body, signed_headers, slash_command_body
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace, answers_given, command_answer


@pytest.fixture(params=["DEBUG through Podbrief's handler", "INFO unredacted"])
def all_logs(request: pytest.FixtureRequest) -> Iterator[io.StringIO]:
    """Everything any logger writes: at DEBUG through the handler `podbrief` installs, or raw at INFO."""
    stream = io.StringIO()
    if request.param.startswith("DEBUG"):
        handler, level = redacting_handler((TOKEN, SIGNING_SECRET), stream), logging.DEBUG
    else:
        handler, level = logging.StreamHandler(stream), logging.INFO
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(level)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


def _metric(workspace: Workspace, line_start: str) -> float:
    text = workspace.server.get("/metrics").body
    values = [float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line.startswith(line_start)]
    return sum(values)


def test_each_request_is_logged_on_one_line_with_its_ids_and_latency(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="podbrief.requests"):
        workspace.command("export controls")
    lines = [r.getMessage() for r in caplog.records if r.name == "podbrief.requests"]
    assert len(lines) == 1
    line = lines[0]
    for part in ("slack_request", "kind=command", "name=/insights", "team=T0STANDIN", "channel=C0GENERAL",
                 "user=U0ALICE", "status=200", "outcome=ok", "latency_ms="):
        assert part in line.split(" ") or line.count(part) == 1, line


def test_a_refused_request_is_logged_without_the_ids_it_claims(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    body, content_type = slash_command_body("x", response_url=workspace.slack.response_url())
    with caplog.at_level(logging.INFO, logger="podbrief.requests"):
        assert workspace.server.post(body, content_type, signed=False).status == 401
    (line,) = [r.getMessage() for r in caplog.records if r.name == "podbrief.requests"]
    assert "status=401" in line and "outcome=rejected" in line and "team=" not in line


def test_metrics_count_requests_by_kind_and_outcome_with_latency(workspace: Workspace) -> None:
    workspace.command("export controls")
    body, content_type = slash_command_body("x", response_url=workspace.slack.response_url())
    workspace.server.post(body, content_type, signed=False)
    reply = workspace.server.get("/metrics")
    assert reply.status == 200
    assert 'podbrief_slack_requests_total{kind="command",outcome="2xx"} 1.0' in reply.body
    assert 'podbrief_slack_requests_total{kind="command",outcome="4xx"} 1.0' in reply.body
    assert _metric(workspace, 'podbrief_slack_request_duration_seconds_count{kind="command"}') == 2


def test_logs_never_contain_tokens_or_the_signing_secret(workspace: Workspace, all_logs: io.StringIO) -> None:
    workspace.command(f"{TOKEN} {SIGNING_SECRET} xoxp-1234-secret")
    payload = {"type": "reaction_added", "user": "U0ALICE", "reaction": "bookmark", "bot_access_token": TOKEN,
               "item": {"type": "message", "channel": "C0GENERAL", "ts": "1.2"}, "item_user": "U0BOT"}
    assert workspace.event(payload).status == 200
    body, content_type = event_body({"type": "no_such_event", "token": TOKEN, "secret": SIGNING_SECRET})
    workspace.server.post(body, content_type)
    time.sleep(0.2)  # let lazy listeners log what they log
    logs = all_logs.getvalue()
    assert "slack_request" in logs
    assert "xoxb-" not in logs and "xoxp-" not in logs and SIGNING_SECRET not in logs


def test_a_replayed_request_is_refused(workspace: Workspace) -> None:
    body, content_type = slash_command_body("export controls", response_url=workspace.slack.response_url("first"))
    headers = {"Content-Type": content_type, **signed_headers(SIGNING_SECRET, body)}
    first = workspace.server.request("POST", "/slack/events", body.encode(), headers)
    replay = workspace.server.request("POST", "/slack/events", body.encode(), headers)
    assert (first.status, replay.status) == (200, 401)
    command_answer(first.body, workspace.slack, "first")  # in the ack, or (when slow) at the response_url
    time.sleep(0.3)  # a replay that got through would answer within this
    assert answers_given(first.body, workspace.slack, "first") == 1


def test_slacks_own_retry_is_signed_anew_and_accepted(workspace: Workspace) -> None:
    body, content_type = event_body({"type": "app_home_opened", "user": "U0ALICE", "channel": "D1", "tab": "messages"})
    now = int(time.time())
    first = workspace.server.post(body, content_type, timestamp=now - 60)
    retry = workspace.server.post(body, content_type, timestamp=now, extra_headers={"X-Slack-Retry-Num": "1",
                                                                                     "X-Slack-Retry-Reason": "http_timeout"})
    assert (first.status, retry.status) == (200, 200)


def test_health_check_and_metrics_need_no_signature(workspace: Workspace) -> None:
    assert json.loads(workspace.server.get("/healthz").body)["status"] == "ok"
    assert "podbrief_slack_requests" in workspace.server.get("/metrics").body
