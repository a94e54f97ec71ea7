"""The Workflow Builder step "Top podcast insights": function_executed -> functions.completeSuccess / completeError."""

from __future__ import annotations

from typing import Any

import pytest

from bot.sharing.workflow_step import CALLBACK_ID
from insights.model import NewInsight
from standin.slack_api import RecordedCall
from standin.slack_requests import function_executed_body
from storage.insights_store import InsightWriter
from tests.scenario.conftest import Workspace

FUNCTION_TOKEN = "xwfp-standin-step"
_ids = iter(range(1, 10_000))


@pytest.fixture(autouse=True)
def function_token(workspace: Workspace) -> None:
    workspace.slack.add_workspace(workspace.slack.team_id, FUNCTION_TOKEN)  # the token Slack gives the step


def run_step(workspace: Workspace, inputs: dict[str, Any]) -> RecordedCall:
    n = next(_ids)
    body, content_type = function_executed_body(CALLBACK_ID, inputs, execution_id=f"Fx{n:04d}",
                                                event_id=f"EvFn{n:04d}", bot_access_token=FUNCTION_TOKEN)
    assert workspace.server.post(body, content_type).status == 200
    return workspace.slack.wait_for(lambda c: c.method.startswith("functions.complete")
                                    and c.params.get("function_execution_id") == f"Fx{n:04d}", timeout=30)


def test_the_step_completes_with_the_top_insights_for_its_topics(workspace: Workspace) -> None:
    call = run_step(workspace, {"topics": "export controls, interest rates", "count": 3})
    assert call.method == "functions.completeSuccess" and call.ok, call.response
    assert call.headers["authorization"] == f"Bearer {FUNCTION_TOKEN}"
    text = call.params["outputs"]["insights"]
    lines = text.splitlines()
    assert lines[0] == "Top podcast insights on export controls, interest rates:"
    assert len(lines) == 4 and all(line.startswith("• ") for line in lines[1:])
    assert "▶" in text and " — *" in text


def test_the_count_defaults_to_five(workspace: Workspace) -> None:
    call = run_step(workspace, {"topics": "semiconductors"})
    assert call.method == "functions.completeSuccess"
    assert len(call.params["outputs"]["insights"].splitlines()) == 1 + 5


@pytest.mark.parametrize(("inputs", "error"), [
    ({"topics": "chips", "count": 11}, "count must be a whole number from 1 to 10, not 11."),
    ({"topics": "chips", "count": "three"}, "count must be a whole number from 1 to 10, not three."),
    ({"topics": "  ", "count": 3}, "topics is empty"),
    ({"topics": ", ".join(f"t{n}" for n in range(21)), "count": 3}, "That's 21 topics"),
])
def test_bad_inputs_fail_the_step_with_a_plain_reason(workspace: Workspace, inputs: dict[str, Any], error: str) -> None:
    call = run_step(workspace, inputs)
    assert call.method == "functions.completeError" and call.ok
    assert call.params["error"].startswith(error) and "`" not in call.params["error"]


def test_topics_nothing_talks_about_complete_with_a_plain_sentence(workspace: Workspace) -> None:
    call = run_step(workspace, {"topics": "zzyzx quokkas", "count": 2})
    assert call.method == "functions.completeSuccess"
    assert call.params["outputs"]["insights"] == "No podcast insights about zzyzx quokkas yet."


def test_hostile_insight_text_reaches_the_output_escaped(workspace: Workspace) -> None:
    with workspace.deps.sessions.begin() as session:
        InsightWriter(session).add([NewInsight(text="Quokkas <!channel> rule & <https://evil.example|win big>.",
                                               podcast="Pod *x* <@U1>", episode="E", topics=("quokkas",))])
    text = run_step(workspace, {"topics": "quokkas", "count": 1}).params["outputs"]["insights"]
    assert "<!channel>" not in text and "<@U1>" not in text and "<https://evil" not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text
