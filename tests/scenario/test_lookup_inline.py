"""A lookup is answered in the ack when ready in time, else at the response_url; its stages are logged at DEBUG."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from bot.lookup import inline
from bot.lookup.inline import InlineAnswers
from standin.slack_api import SlackStandIn
from tests.scenario.conftest import Workspace, answers_given

SEARCH_STAGES = {"parse", "plan", "candidates", "rank", "load", "render"}
#: A deadline no answer here misses, however loaded the machine: whether a search takes longer than the real
#: one (INLINE_DEADLINE_SECONDS) is a matter of speed (bench/), not of these tests' outcome.
PATIENT = 60.0


@pytest.fixture(autouse=True)
def patient_lookups(monkeypatch: pytest.MonkeyPatch) -> None:
    """The workspace's lookups wait up to PATIENT for their answer (the router builds its InlineAnswers then)."""
    monkeypatch.setattr("bot.router.listener.InlineAnswers", partial(inline.InlineAnswers, deadline=PATIENT))


class _Ack:
    """Records what the listener acknowledged with; `acked` is set once it has."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []
        self.acked = threading.Event()

    def __call__(self, **message: Any) -> None:
        self.calls.append(message)
        self.acked.set()


def _work(text: str) -> Callable[[Callable[..., None]], None]:
    def work(respond: Callable[..., None]) -> None:
        respond(response_type="ephemeral", text=text, replace_original=False)

    return work


def _after_the_ack(ack: _Ack, text: str) -> Callable[[Callable[..., None]], None]:
    """Work whose answer comes only once the request has been acked (late by construction, not by a sleep)."""

    def work(respond: Callable[..., None]) -> None:
        assert ack.acked.wait(60)
        respond(response_type="ephemeral", text=text, replace_original=False)

    return work


def _wait_until_every_place_is_taken(answers: InlineAnswers) -> None:
    deadline = time.monotonic() + 30
    while answers._waiters._value > 0:  # read only: taking a place to test it could turn a waiter away
        assert time.monotonic() < deadline, "the first request never started waiting"
        time.sleep(0.001)


def test_a_search_ready_in_time_is_the_acks_own_answer(workspace: Workspace) -> None:
    answer = workspace.command("export controls", name="fast")
    assert answer["response_type"] == "ephemeral" and "export" in str(answer["blocks"]).lower()
    assert workspace.slack.responses("fast") == []  # nothing posted besides


def test_an_answer_later_than_the_deadline_goes_to_the_response_url(slack: SlackStandIn) -> None:
    ack = _Ack()
    InlineAnswers(deadline=0.05).answer(ack, slack.response_url("slow"), _after_the_ack(ack, "late answer"))  # type: ignore[arg-type]
    assert ack.calls == [{}]  # acked empty at the deadline
    assert slack.wait_for("response_url:slow", timeout=30).params["text"] == "late answer"


def test_an_answer_in_time_is_acked_without_the_respond_only_fields(slack: SlackStandIn) -> None:
    ack = _Ack()
    InlineAnswers(deadline=PATIENT).answer(ack, slack.response_url("quick"), _work("quick answer"))  # type: ignore[arg-type]
    assert ack.calls == [{"response_type": "ephemeral", "text": "quick answer"}]
    time.sleep(0.1)  # a wrong second post would arrive within this
    assert slack.responses("quick") == []


def test_when_every_waiting_place_is_taken_the_ack_goes_at_once(slack: SlackStandIn) -> None:
    answers = InlineAnswers(waiters=1, deadline=PATIENT)
    release = threading.Event()

    def held(respond: Callable[..., None]) -> None:
        release.wait(60)
        respond(response_type="ephemeral", text="held")

    first = _Ack()
    waiting = threading.Thread(target=answers.answer, args=(first, slack.response_url("held"), held))
    waiting.start()
    _wait_until_every_place_is_taken(answers)
    second = _Ack()
    started = time.monotonic()
    answers.answer(second, slack.response_url("other"), _after_the_ack(second, "other"))  # type: ignore[arg-type]
    assert second.calls == [{}]  # no place left to wait in: acked empty ...
    assert time.monotonic() - started < PATIENT / 2  # ... at once, not after the deadline
    release.set()
    waiting.join(60)
    assert first.calls == [{"response_type": "ephemeral", "text": "held"}]
    assert slack.wait_for("response_url:other", timeout=30).params["text"] == "other"


class _FullAfterTheAnswer:
    """Waiting places that are all taken, found so only once the answer is ready: the race of an answer
    finished between the request's start and its look for a place, made certain."""

    def __init__(self, answered: threading.Event) -> None:
        self._answered = answered

    def acquire(self, blocking: bool = True) -> bool:
        assert self._answered.wait(60)
        return False

    def release(self) -> None:
        raise AssertionError("no place was taken")


def test_an_answer_ready_when_no_place_is_free_is_still_given(slack: SlackStandIn) -> None:
    answers = InlineAnswers(deadline=PATIENT)
    answered = threading.Event()

    def work(respond: Callable[..., None]) -> None:
        respond(response_type="ephemeral", text="ready at once")
        answered.set()

    answers._waiters = _FullAfterTheAnswer(answered)  # type: ignore[assignment]
    ack = _Ack()
    answers.answer(ack, slack.response_url("race"), work)  # type: ignore[arg-type]
    posted = slack.responses("race")
    assert ack.calls == [{"response_type": "ephemeral", "text": "ready at once"}] and posted == [], (
        "the answer goes out once, in the ack")


def test_the_request_log_has_each_stage_at_debug_and_no_query_text(workspace: Workspace,
                                                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="podbrief.requests")
    workspace.command("export controls", name="staged")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and "stage=total" not in caplog.text:
        time.sleep(0.05)
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("slack_request_stage")]
    stages = {m[1]: float(m[2]) for line in lines if (m := re.search(r"stage=(\w+) latency_ms=([0-9.]+)", line))}
    assert set(stages) >= SEARCH_STAGES, lines
    assert stages["total"] >= stages["candidates"]
    assert all("inline=true" in line and "name=/insights" in line for line in lines)
    assert "export" not in " ".join(lines)


def test_a_replayed_lookup_is_still_answered_once(workspace: Workspace) -> None:
    from standin.slack_requests import signed_headers, slash_command_body
    from tests.scenario.conftest import SIGNING_SECRET

    body, content_type = slash_command_body("export controls", response_url=workspace.slack.response_url("once"))
    headers = {"Content-Type": content_type, **signed_headers(SIGNING_SECRET, body)}
    replies = [workspace.server.request("POST", "/slack/events", body.encode(), headers) for _ in range(2)]
    assert [r.status for r in replies] == [200, 401]
    time.sleep(0.3)  # a wrong second answer would arrive within this
    assert answers_given(replies[0].body, workspace.slack, "once") == 1
