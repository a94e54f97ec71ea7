"""A language model as second reader of candidate stories, against a local chat-completions stand-in."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.digest.compose import DigestComposer
from ingest.llm.story_check import LlmStoryCheck
from ingest.meaning import digest_meaning
from insights.meaning import Meaning
from insights.model import NewInsight
from storage.insights_store import InsightWriter
from tests.llm_standin import StandIn, completion, standin_fixture  # noqa: F401 (the fixture)
from tests.meaning_model import real_encoder

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SIX = Path(__file__).resolve().parents[1] / "data" / "meaning" / "six_examples.json"
RAISES = "Remote work raises the productivity of software teams, a two-year study of 600 engineers found."
LOWERS = "A two-year study of 600 engineers found that remote work lowers the productivity of software teams."


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _check(standin: StandIn, clock: Clock | None = None) -> LlmStoryCheck:
    return LlmStoryCheck(standin.url, "test-model", "sk-test", timeout=2.0, clock=clock or Clock())


def test_the_model_is_asked_once_per_pair_with_both_claims_and_its_answer_is_kept(standin: StandIn) -> None:
    standin.reply = completion({"same_story": False})
    check = _check(standin)
    assert check(RAISES, LOWERS) is False
    assert check(LOWERS, RAISES) is False  # the same pair either way round: no second request
    (request,) = standin.requests
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "test-model" and body["response_format"] == {"type": "json_object"}
    asked = body["messages"][-1]["content"]
    assert RAISES in asked and LOWERS in asked

    standin.reply = completion('<think>same facts</think>```json\n{"same_story": true}\n```')
    assert check(RAISES, RAISES + " Again.") is True


@pytest.mark.parametrize("content", ["yes", '{"same_story": "maybe"}', "[true]", '{"answer": true}'])
def test_an_answer_that_is_not_the_json_asked_for_leaves_the_rule_to_decide(standin: StandIn, content: str) -> None:
    standin.reply = completion(content)
    check = _check(standin)
    assert check(RAISES, LOWERS) is None
    assert check(RAISES, LOWERS) is None and len(standin.requests) == 2  # not kept: asked again next time


def test_a_failing_server_is_left_alone_for_a_while_and_then_asked_again(standin: StandIn) -> None:
    standin.reply = lambda body: (500, b'{"error": "overloaded"}')
    clock = Clock()
    check = _check(standin, clock)
    assert check(RAISES, LOWERS) is None
    assert check("Another claim about sleep.", "A claim about sleep.") is None
    assert len(standin.requests) == 1  # paused: a digest does not wait on a server that is down

    clock.now += 301
    standin.reply = completion({"same_story": True})
    assert check("Another claim about sleep.", "A claim about sleep.") is True
    assert len(standin.requests) == 2


def test_a_server_that_does_not_answer_in_time_leaves_the_rule_to_decide(standin: StandIn) -> None:
    standin.reply = lambda body: None  # hangs
    check = LlmStoryCheck(standin.url, "test-model", None, timeout=0.3)
    assert check(RAISES, LOWERS) is None
    assert "Authorization" not in standin.requests[0]["headers"]


def _composer(sessions: sessionmaker[Session], check: LlmStoryCheck) -> DigestComposer:
    def meaning() -> Meaning | None:
        found = digest_meaning()
        return replace(found, confirm=check) if found is not None else None

    return DigestComposer(sessions, meaning=meaning)


def _story_picks(sessions: sessionmaker[Session], check: LlmStoryCheck) -> list[Any]:
    real_encoder()
    rows = json.loads(SIX.read_text())["insights"]
    with sessions.begin() as session:
        InsightWriter(session).add(NewInsight(r["text"], r["podcast"], published_at=NOW) for r in rows)
    story = {r["text"] for r in rows if r["role"] == "story"}
    return [p for p in _composer(sessions, check).select([], NOW) if p.insight.text in story]


def test_the_digest_keeps_apart_what_the_model_says_are_different_claims(
    sessions: sessionmaker[Session], standin: StandIn
) -> None:
    standin.reply = completion({"same_story": False})
    told = _story_picks(sessions, _check(standin))
    assert len(told) == 3 and not any("echoed by" in " ".join(p.reasons) for p in told)
    assert standin.requests  # the rule's candidate pairs were put to the model


@pytest.mark.parametrize("agrees", [True, False], ids=["agrees", "server down"])
def test_the_digest_tells_one_story_once_when_the_model_agrees_or_cannot_answer(
    sessions: sessionmaker[Session], standin: StandIn, agrees: bool
) -> None:
    standin.reply = completion({"same_story": True}) if agrees else (lambda body: (503, b"{}"))
    told = _story_picks(sessions, _check(standin))
    assert len(told) == 1 and "echoed by 3 podcasts" in told[0].reasons  # down: the rule alone, as without a model
    assert len(standin.requests) >= 2 if agrees else len(standin.requests) == 1
