"""Bolt's per-request "Responding with status ..." line is formatted only when it would be logged."""

from __future__ import annotations

import logging
import time

import pytest
from slack_bolt.listener import thread_runner
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.response import BoltResponse

from bot.runtime import bolt_fixes


def _runner(logger: logging.Logger) -> ThreadListenerRunner:
    """A runner with only what `_debug_log_completion` uses (its logger)."""
    bolt_fixes.install()
    runner = object.__new__(ThreadListenerRunner)
    runner.logger = logger
    return runner


def test_the_line_is_not_formatted_when_debug_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    formatted: list[int] = []

    def responding(status: int, body: str, millis: int) -> str:
        formatted.append(status)
        return ""

    monkeypatch.setattr(thread_runner, "debug_responding", responding)
    logger = logging.getLogger("podbrief.test.bolt_quiet")
    logger.setLevel(logging.INFO)
    _runner(logger)._debug_log_completion(time.time(), BoltResponse(status=200, body=""))
    assert formatted == []


def test_the_line_is_logged_as_bolt_logs_it_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("podbrief.test.bolt_debug")
    with caplog.at_level(logging.DEBUG, logger=logger.name):
        _runner(logger)._debug_log_completion(time.time(), BoltResponse(status=200, body="ok"))
    assert [r.getMessage() for r in caplog.records if r.name == logger.name] == \
        ['Responding with status: 200 body: "ok" (0 millis)']
