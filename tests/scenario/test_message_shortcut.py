"""The "Find podcast insights" message shortcut over signed HTTP: related insights with Share and Save."""

from __future__ import annotations

from typing import Any

from bot.shared.blocks import SAVE_ACTION, SHARE_ACTION
from bot.sharing.shortcuts import CALLBACK_ID, NOTHING_RELATED, message_query
from standin.slack_requests import message_action_body
from tests.scenario.conftest import Workspace
from tests.slack_checks import assert_valid_message, shown_text


def use_shortcut(workspace: Workspace, text: str, name: str = "shortcut") -> dict[str, Any]:
    message = {"type": "message", "user": "U0BOB", "ts": "1800000005.000100", "text": text}
    body, content_type = message_action_body(CALLBACK_ID, message, response_url=workspace.slack.response_url(name))
    assert workspace.server.post(body, content_type).status == 200
    return workspace.slack.wait_for(f"response_url:{name}", timeout=30).params


def test_the_shortcut_answers_with_the_insights_related_to_the_message_and_share_and_save_buttons(
    workspace: Workspace,
) -> None:
    answer = use_shortcut(workspace, "Hey <@U0CAROL>, did you see the news about <https://x.example/a|lithography> "
                                     "export controls? I think the whole thing is about the tools, right?")
    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    assert "lithography" in shown_text(answer).lower()
    actions = {e["action_id"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]}
    assert actions == {SHARE_ACTION, SAVE_ACTION}


def test_the_same_words_find_the_same_first_insight_as_the_slash_command(workspace: Workspace) -> None:
    with workspace.deps.sessions() as session:
        query = message_query("Lithography tools and export controls, again!", workspace.deps.search_index.vocabulary(session))
    typed = workspace.command(query, name="typed")
    answer = use_shortcut(workspace, "Lithography tools and export controls, again!")

    def first(message: dict[str, Any]) -> str:
        return str(next(b["text"]["text"] for b in message["blocks"][1:] if b["type"] == "section"))

    assert first(answer) == first(typed)


def test_a_message_with_nothing_related_gets_a_plain_nothing_related_yet(workspace: Workspace) -> None:
    answer = use_shortcut(workspace, "lunch at noon? :taco: <!here>")
    assert answer["text"] == NOTHING_RELATED
    assert_valid_message(answer)
