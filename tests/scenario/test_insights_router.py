"""`/insights` has one listener, and one parse of the text per command, whatever the subcommand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from slack_bolt import App, BoltRequest, BoltResponse

from bot.app import build_app
from bot.config import Settings
from bot.router import listener as router
from bot.router.grammar import Command, parse_command
from standin.slack_requests import event_body, slash_command_body
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace, command_answer


def _command_request(text: str, response_url: str, command: str = "/insights") -> BoltRequest:
    body, content_type = slash_command_body(text, response_url=response_url, command=command)
    return BoltRequest(body=body, headers={"content-type": [content_type]})


def _listeners_taking(app: App, request: BoltRequest) -> int:
    return sum(1 for listener in app._listeners if listener.matches(req=request, resp=BoltResponse(status=404)))


def test_the_app_has_exactly_one_listener_for_insights_commands(workspace: Workspace, tmp_path: Path) -> None:
    settings = Settings(database_url="sqlite://", data_dir=tmp_path, slack_bot_token=TOKEN, slack_signing_secret=SIGNING_SECRET,
                        slack_api_url=workspace.slack.api_url)
    app = build_app(settings, workspace.deps, verify_token=False)
    url = workspace.slack.response_url("unused")
    for text in ("rocket engines", "", "help", "hlep", "topics add ai", "digest at 8", "me digest pause",
                 "settings restrict on", "feeds list", "feeds add https://example.com/feed.xml", "saved",
                 "forget me", "settings save-emojis bookmark", "search saved"):
        assert _listeners_taking(app, _command_request(text, url)) == 1, text
    assert _listeners_taking(app, _command_request("rocket", url, command="/other")) == 0
    event, _ = event_body({"type": "reaction_added", "reaction": "bookmark", "user": "U1",
                           "item": {"type": "message", "channel": "C1", "ts": "1.1"}})
    assert _listeners_taking(app, BoltRequest(body=event, headers={"content-type": ["application/json"]})) >= 1


@pytest.mark.parametrize(("text", "answer_says"), [
    ("rocket engines", "rocket"),
    ("topics", "topic"),
    ("feeds list", "feed"),
    ("saved", "saved"),
    ("digest at 99", "digest"),
])
def test_each_command_is_parsed_once_and_answered_by_its_feature(workspace: Workspace, text: str,
                                                                  answer_says: str) -> None:
    parses: list[str | None] = []

    def counting_parse(typed: str | None) -> Command:
        parses.append(typed)
        return parse_command(typed)

    app = App(client=workspace.deps.slack, signing_secret=SIGNING_SECRET, request_verification_enabled=False,
              token_verification_enabled=False)
    router.register(app, workspace.deps, parse=counting_parse)
    name = f"router-{len(text)}"
    response = app.dispatch(_command_request(text, workspace.slack.response_url(name)))
    assert response.status == 200
    answer: dict[str, Any] = command_answer(response.body, workspace.slack, name)
    assert answer["response_type"] == "ephemeral"
    assert answer_says in str(answer).lower()
    assert parses == [text]  # the acknowledgement and the answer share one parse
