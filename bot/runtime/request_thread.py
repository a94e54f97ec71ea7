"""Listeners that run on the request's own thread, before Slack gets its answer.

Bolt (with `process_before_response=False`) hands every listener to its executor and has
the request thread poll every 10 ms until the listener acks: at least one poll interval and
a thread hand-off on every slash command's ack. A listener marked with `on_request_thread`
is run by a second runner with `process_before_response=True` instead: it runs at once on
the request thread, and its ack is the HTTP answer. It must be quick, or hand its slow part
to its own threads (the `/insights` answer, the reaction writer do).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "_podbrief_on_request_thread"


def on_request_thread(function: F) -> F:
    """Mark a listener function (its ack function) to run on the request thread (see the module docstring)."""
    setattr(function, _MARK, True)
    return function


def runs_on_request_thread(listener: Listener) -> bool:
    return bool(getattr(listener.ack_function, _MARK, False))


def install(app: App) -> None:
    """Make `app` run marked listeners on the request thread and every other listener as before (idempotent)."""
    runner: ThreadListenerRunner = app.listener_runner
    if getattr(runner, _MARK, False):
        return
    inline = copy.copy(runner)
    inline.process_before_response = True

    def run(request: BoltRequest, response: BoltResponse, listener_name: str, listener: Listener,
            starting_time: float | None = None) -> BoltResponse | None:
        chosen = inline if runs_on_request_thread(listener) else runner
        return ThreadListenerRunner.run(chosen, request, response, listener_name, listener, starting_time)

    runner.run = run  # type: ignore[method-assign]  # this instance only; Bolt calls app.listener_runner.run
    setattr(runner, _MARK, True)
