"""The per-request line: events answered normally at DEBUG (Slack sends them in bulk), the rest at INFO."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import pytest

from bot.runtime.metrics import Metrics
from bot.runtime.request_log import observe_requests


def _answering(status: str) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    def app(_environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        start_response(status, [("Content-Length", "0")])
        return [b""]

    return app


def _send(status: str, payload: dict[str, Any]) -> None:
    body = json.dumps(payload).encode()
    environ = {"CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json", "wsgi.input": _Body(body)}
    observe_requests(_answering(status), Metrics())(environ, lambda *_: None)


class _Body:
    def __init__(self, data: bytes) -> None:
        self._data = data

    def read(self, _size: int = -1) -> bytes:
        return self._data


REACTION = {"type": "event_callback", "team_id": "T1", "event": {"type": "reaction_added", "user": "U1"}}
COMMAND = {"command": "/insights", "team_id": "T1", "user_id": "U1"}


@pytest.mark.parametrize(("status", "payload", "level"), [
    ("200 OK", REACTION, logging.DEBUG),
    ("200 OK", COMMAND, logging.INFO),
    ("404 Not Found", REACTION, logging.INFO),
    ("500 Internal Server Error", REACTION, logging.WARNING),
])
def test_each_request_is_logged_once_at_its_level(caplog: pytest.LogCaptureFixture, status: str,
                                                  payload: dict[str, Any], level: int) -> None:
    with caplog.at_level(logging.DEBUG, logger="podbrief.requests"):
        _send(status, payload)
    lines = [r for r in caplog.records if r.getMessage().startswith("slack_request ")]
    assert [r.levelno for r in lines] == [level]
    assert f"status={status.split()[0]}" in lines[0].getMessage()


def test_at_info_an_event_answered_normally_writes_no_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="podbrief.requests"):
        _send("200 OK", REACTION)
        _send("200 OK", COMMAND)
    assert [r.getMessage().split()[1] for r in caplog.records] == ["kind=command"]
