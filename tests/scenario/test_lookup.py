"""`/insights <query>` end to end: signed request in, ephemeral Block Kit answer out."""

from __future__ import annotations

import pytest

from tests.scenario.conftest import Workspace
from tests.slack_checks import assert_valid_message


def _texts(answer: dict) -> list[str]:
    return [b["text"]["text"] for b in answer["blocks"] if b["type"] == "section"]


def _result_ids(answer: dict) -> list[str]:
    return [b["elements"][0]["value"] for b in answer["blocks"] if b["type"] == "actions"]


def test_a_search_answers_only_the_asker_with_five_valid_results(workspace: Workspace) -> None:
    answer = workspace.command("export controls")
    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    assert len(_result_ids(answer)) == 5
    assert "export controls" in _texts(answer)[1].lower()


def test_a_search_containing_the_word_payload_is_answered(workspace: Workspace) -> None:
    """Bolt alone parses any form body containing "payload" as an interactive payload (then 404s)."""
    answer = workspace.command("export controls payload")
    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)


def test_results_carry_attribution_and_a_link_to_the_moment(workspace: Workspace) -> None:
    answer = workspace.command("export controls")
    contexts = [b["elements"][0]["text"] for b in answer["blocks"] if b["type"] == "context"]
    assert any("#t=" in c and "listen at" in c for c in contexts)
    assert all("<!date^" in c for c in contexts if "listen at" in c)


def test_typos_find_the_same_insights(workspace: Workspace) -> None:
    exact = workspace.command("export controls", name="exact")
    typo = workspace.command("expor contrls", name="typo")
    assert set(_result_ids(typo)) == set(_result_ids(exact))
    assert "expor → export" in str(typo["blocks"])


@pytest.mark.parametrize("text", ["", "help", "  HELP  "])
def test_help_explains_the_command(workspace: Workspace, text: str) -> None:
    answer = workspace.command(text)
    assert_valid_message(answer)
    assert "/insights export controls" in _texts(answer)[0]


@pytest.mark.parametrize("typed", ["hlep", "serch"])
def test_a_mistyped_subcommand_gets_did_you_mean(workspace: Workspace, typed: str) -> None:
    answer = workspace.command(typed)
    assert_valid_message(answer)
    assert "Did you mean `/insights " in str(answer["blocks"])


def test_nothing_found_is_said_with_tips(workspace: Workspace) -> None:
    answer = workspace.command("quantum knitting")
    assert_valid_message(answer)
    assert "couldn't find any insights" in _texts(answer)[0]


@pytest.mark.parametrize(
    "text",
    [
        "🚀🔥💡",
        "<script>alert('x')</script> export",
        "'; DROP TABLE insights; -- export controls",
        "export " * 2000,
        "\"unbalanced AND OR NOT ( chips",
        "*bold* _italic_ ~strike~ `code`",
        "\u0000\u200b\ufeff",
    ],
)
def test_strange_input_gets_a_friendly_answer(workspace: Workspace, text: str) -> None:
    answer = workspace.command(text)
    assert_valid_message(answer)
    assert "something went wrong" not in str(answer).lower()


def test_the_insights_table_survives_sql_in_the_query(workspace: Workspace) -> None:
    workspace.command("'; DROP TABLE insights; --")
    assert len(_result_ids(workspace.command("export controls", name="after"))) == 5
