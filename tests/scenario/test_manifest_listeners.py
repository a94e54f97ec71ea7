"""Everything manifest.yml subscribes to or declares reaches a listener of the real app (Bolt answers 404
to a request no listener takes, and Slack then retries it and may turn the subscription off)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from standin.slack_requests import event_body, function_executed_body, message_action_body
from tests.scenario.conftest import Workspace

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text(encoding="utf-8"))
EVENTS: dict[str, dict[str, Any]] = {
    "app_home_opened": {"user": "U0ALICE", "channel": "D0ALICE", "tab": "messages"},
    "reaction_added": {"user": "U0ALICE", "reaction": "tada", "item": {"type": "message", "channel": "C1", "ts": "1.2"}},
    "reaction_removed": {"user": "U0ALICE", "reaction": "tada", "item": {"type": "message", "channel": "C1", "ts": "1.2"}},
    "link_shared": {"channel": "C1", "user": "U0ALICE", "message_ts": "1.2", "links": [{"url": "https://x.example/"}]},
    "tokens_revoked": {"tokens": {}},
    "app_uninstalled": {},
}


@pytest.mark.parametrize("event_type", MANIFEST["settings"]["event_subscriptions"]["bot_events"])
def test_every_subscribed_event_is_taken_by_a_listener(workspace: Workspace, event_type: str) -> None:
    if event_type == "function_executed":
        [callback_id] = MANIFEST["functions"]
        body, content_type = function_executed_body(callback_id, {"topics": "chips", "count": 1})
    else:
        assert event_type in EVENTS, f"add a sample {event_type} event here"
        body, content_type = event_body({"type": event_type, "event_ts": "1.3", **EVENTS[event_type]},
                                        event_id=f"Ev{event_type}")
    assert workspace.server.post(body, content_type).status == 200


def test_every_declared_shortcut_is_taken_by_a_listener(workspace: Workspace) -> None:
    for shortcut in MANIFEST["features"]["shortcuts"]:
        message = {"type": "message", "user": "U0BOB", "ts": "1.2", "text": "chips"}
        body, content_type = message_action_body(shortcut["callback_id"], message,
                                                 response_url=workspace.slack.response_url("s"))
        assert workspace.server.post(body, content_type).status == 200


def test_an_event_no_listener_takes_is_answered_404(workspace: Workspace) -> None:
    body, content_type = event_body({"type": "member_joined_channel", "user": "U1", "channel": "C1"}, event_id="EvX")
    assert workspace.server.post(body, content_type).status == 404  # so the checks above can fail
