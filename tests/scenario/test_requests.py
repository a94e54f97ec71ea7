"""Only requests Slack signed are answered; health checks need no signature."""

from __future__ import annotations

import http.client
import json
import time

from standin.slack_requests import slash_command_body
from tests.scenario.conftest import Workspace


def _command(workspace: Workspace) -> tuple[str, str]:
    return slash_command_body("export controls", response_url=workspace.slack.response_url())


def test_an_unsigned_request_is_refused(workspace: Workspace) -> None:
    assert workspace.server.post(*_command(workspace), signed=False).status == 401


def test_a_stale_request_is_refused(workspace: Workspace) -> None:
    ten_minutes_ago = int(time.time()) - 600
    assert workspace.server.post(*_command(workspace), timestamp=ten_minutes_ago).status == 401


def test_a_request_signed_with_another_secret_is_refused(workspace: Workspace) -> None:
    body, content_type = _command(workspace)
    headers = {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}
    reply = workspace.server.request("POST", "/slack/events", body.encode(), {"Content-Type": content_type, **headers})
    assert reply.status == 401
    assert workspace.slack.responses() == []


def test_an_oversized_body_is_refused_before_it_is_read(workspace: Workspace) -> None:
    host, port = workspace.server.base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("POST", "/slack/events")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", "2000000")
    connection.endheaders()  # announce 2 MB, send none of it: the server must not wait for it
    assert connection.getresponse().status == 413
    connection.close()


def test_health_check_reports_the_database(workspace: Workspace) -> None:
    reply = workspace.server.get("/healthz")
    assert (reply.status, json.loads(reply.body)) == (200, {"status": "ok", "database": "ok"})


def test_unknown_paths_are_not_found(workspace: Workspace) -> None:
    assert workspace.server.get("/nope").status == 404
