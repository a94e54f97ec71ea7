"""Requests as Slack sends them to an app: signed slash commands, actions and events.

Used by the offline demo, the scenario tests and the benchmarks to talk to the real
HTTP endpoint exactly the way Slack does.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

from slack_sdk.signature import SignatureVerifier


def signed_headers(signing_secret: str, body: str, timestamp: int | None = None) -> dict[str, str]:
    """The `X-Slack-Signature` headers Slack adds, for `body` sent at `timestamp`."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    signature = SignatureVerifier(signing_secret).generate_signature(timestamp=ts, body=body)
    assert signature is not None, "a signature for a given timestamp and body"
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": signature}


def slash_command_body(
    text: str,
    *,
    response_url: str,
    team_id: str = "T0STANDIN",
    channel_id: str = "C0GENERAL",
    user_id: str = "U0ALICE",
    command: str = "/insights",
    channel_name: str = "general",
) -> tuple[str, str]:
    """A form-encoded slash command payload and its content type (group DMs are named `mpdm-…`)."""
    form = {
        "token": "unused-verification-token",
        "team_id": team_id,
        "team_domain": "standin",
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": "alice",
        "command": command,
        "text": text,
        "api_app_id": "A0PODBRIEF",
        "response_url": response_url,
        "trigger_id": "1.2.3",
    }
    return urlencode(form), "application/x-www-form-urlencoded"


def block_action_body(
    action_id: str,
    value: str,
    *,
    response_url: str,
    team_id: str = "T0STANDIN",
    channel_id: str = "C0GENERAL",
    user_id: str = "U0ALICE",
) -> tuple[str, str]:
    """A form-encoded `block_actions` payload for a button click on an ephemeral message."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "username": "alice", "team_id": team_id},
        "api_app_id": "A0PODBRIEF",
        "channel": {"id": channel_id, "name": "general"},
        "container": {"type": "message", "is_ephemeral": True, "channel_id": channel_id},
        "trigger_id": "1.2.3",
        "response_url": response_url,
        "actions": [
            {"type": "button", "action_id": action_id, "block_id": f"insight-{value}", "value": value,
             "action_ts": f"{time.time():.6f}"}
        ],
    }
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def event_body(
    event: dict[str, Any], *, team_id: str = "T0STANDIN", event_id: str = "Ev0001", installed_team_id: str | None = None
) -> tuple[str, str]:
    """A JSON `event_callback` envelope around `event`.

    `installed_team_id` (default `team_id`) is the workspace in `authorizations`: in a Slack
    Connect channel the envelope's `team_id` is the acting user's workspace, not the installed one.
    """
    envelope = {
        "token": "unused-verification-token",
        "team_id": team_id,
        "api_app_id": "A0PODBRIEF",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(time.time()),
        "authorizations": [{"team_id": installed_team_id or team_id, "user_id": "U0BOT", "is_bot": True}],
    }
    return json.dumps(envelope), "application/json"


def _interactive(payload: dict[str, Any]) -> tuple[str, str]:
    return urlencode({"payload": json.dumps(payload)}), "application/x-www-form-urlencoded"


def view_submission_body(
    view: dict[str, Any], values: dict[str, dict[str, Any]], *, team_id: str = "T0STANDIN", user_id: str = "U0ALICE",
) -> tuple[str, str]:
    """A `view_submission` payload: the modal as opened, with `values` as its state (block id -> action id -> value)."""
    payload = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "username": "alice", "team_id": team_id},
        "api_app_id": "A0PODBRIEF",
        "trigger_id": "4.5.6",
        "view": {**view, "team_id": team_id, "state": {"values": values}},
    }
    return _interactive(payload)


def block_suggestion_body(
    action_id: str, value: str, *, block_id: str = "", team_id: str = "T0STANDIN", user_id: str = "U0ALICE",
) -> tuple[str, str]:
    """A `block_suggestion` payload: someone typed `value` into an external select."""
    payload = {
        "type": "block_suggestion",
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "team_id": team_id},
        "api_app_id": "A0PODBRIEF",
        "action_id": action_id,
        "block_id": block_id,
        "value": value,
        "container": {"type": "view", "view_id": "V0MODAL"},
    }
    return _interactive(payload)


def message_action_body(
    callback_id: str, message: dict[str, Any], *, response_url: str, team_id: str = "T0STANDIN",
    channel_id: str = "C0GENERAL", user_id: str = "U0ALICE",
) -> tuple[str, str]:
    """A `message_action` payload: a message shortcut used on `message`."""
    payload = {
        "type": "message_action",
        "callback_id": callback_id,
        "team": {"id": team_id, "domain": "standin"},
        "user": {"id": user_id, "username": "alice", "team_id": team_id},
        "channel": {"id": channel_id, "name": "general"},
        "message": message,
        "message_ts": message.get("ts", ""),
        "response_url": response_url,
        "trigger_id": "7.8.9",
        "action_ts": f"{time.time():.6f}",
    }
    return _interactive(payload)


def function_executed_body(
    callback_id: str, inputs: dict[str, Any], *, execution_id: str = "Fx0001", team_id: str = "T0STANDIN",
    event_id: str = "EvFn0001", bot_access_token: str = "xwfp-standin",
) -> tuple[str, str]:
    """A `function_executed` event: Workflow Builder runs a custom step with `inputs`."""
    event = {
        "type": "function_executed",
        "function": {"id": "Fn0PODBRIEF", "callback_id": callback_id, "title": "Top podcast insights",
                     "type": "app", "app_id": "A0PODBRIEF", "date_created": 1_700_000_000,
                     "date_updated": 1_700_000_000, "date_deleted": 0},
        "inputs": inputs,
        "function_execution_id": execution_id,
        "workflow_execution_id": "Wx0001",
        "event_ts": f"{time.time():.6f}",
        "bot_access_token": bot_access_token,
    }
    return event_body(event, team_id=team_id, event_id=event_id)
