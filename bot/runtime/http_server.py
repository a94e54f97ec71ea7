"""HTTP: `POST /slack/events` (Bolt), `GET /healthz` and `GET /metrics`, served by waitress.

A process without an HTTP Slack app (Socket Mode, `podbrief worker`) serves only the
health check and the metrics.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from waitress.server import BaseWSGIServer, MultiSocketServer

from bot.runtime.metrics import Metrics
from bot.runtime.rate_limit import WindowLimit
from bot.runtime.request_gate import gate_slack_requests
from bot.runtime.request_log import observe_requests
from storage.db import check_connection

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
#: Slack's payloads are a few kilobytes; anything far larger is refused before Bolt sees it.
MAX_BODY_BYTES = 1_000_000

#: waitress's "Task queue depth is N" warnings logged per `QUEUE_WARNING_WINDOW_SECONDS` at most.
QUEUE_WARNINGS_PER_WINDOW = 5
QUEUE_WARNING_WINDOW_SECONDS = 10.0

log = logging.getLogger("podbrief.http")
StartResponse = Callable[..., Any]


def build_wsgi_app(
    app: App | None,
    engine: Engine,
    *,
    metrics: Metrics | None = None,
    scheduler_problem: Callable[[], str | None] | None = None,
) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """One WSGI callable: Slack requests to Bolt (logged and counted), health checks, metrics.

    Unsigned, stale and unreadable Slack requests are answered before Bolt sees them (bot.runtime.request_gate).

    `scheduler_problem()` says why this process's scheduler is unhealthy (None: it is fine);
    leave it out in a process that runs no scheduler.
    """
    slack: Callable[[dict[str, Any], StartResponse], Iterable[bytes]] = _not_found
    if app is not None:
        # Bolt keeps the secret to itself; the gate checks signatures with the same one, before Bolt parses.
        slack = gate_slack_requests(SlackRequestHandler(app, path=EVENTS_PATH), app._signing_secret, EVENTS_PATH)
    if metrics is not None and app is not None:
        slack = observe_requests(slack, metrics)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if path == HEALTH_PATH and method in ("GET", "HEAD"):
            return _health(engine, scheduler_problem, start_response)
        if path == METRICS_PATH and method in ("GET", "HEAD") and metrics is not None:
            body, content_type = metrics.render()
            start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
            return [body]
        return slack(environ, start_response)

    return wsgi


def _not_found(_environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "9")])
    return [b"not found"]


def _health(engine: Engine, scheduler_problem: Callable[[], str | None] | None,
            start_response: StartResponse) -> list[bytes]:
    body: dict[str, str] = {"status": "ok", "database": "ok"}
    try:
        check_connection(engine)
    except Exception as error:
        log.warning("health check: database unreachable: %s", type(error).__name__)
        body.update(status="unhealthy", database="unreachable", reason="database unreachable")
    if scheduler_problem is not None:
        problem = scheduler_problem()
        body["scheduler"] = "ok" if problem is None else "unhealthy"
        if problem is not None:
            log.warning("health check: %s", problem)
            body.update(status="unhealthy", reason=problem)
    status = "200 OK" if body["status"] == "ok" else "503 Service Unavailable"
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


class QueueWarnings:
    """Stands in for waitress's queue logger: a few of its "Task queue depth is N" warnings per window,
    the next one saying how many were left out.

    waitress warns on every request queued while no thread is free: under a burst that is a line
    per request (thousands a second, a tenth of the server's CPU), all saying the same thing. The
    limit is checked before a log record is made (a logging filter runs only after)."""

    def __init__(self, logger: logging.Logger | None = None, per_window: int = QUEUE_WARNINGS_PER_WINDOW,
                 window: float = QUEUE_WARNING_WINDOW_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._log = logger or logging.getLogger("waitress.queue")
        self._limit = WindowLimit(per_window, window, clock)

    def warning(self, message: str, *args: object) -> None:
        left_out = self._limit.admit()
        if left_out is None:
            return
        self._log.warning(f"{message} ({left_out} such warnings not logged)" if left_out else message, *args)


def create_server(
    wsgi: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
    host: str,
    port: int,
    threads: int = 8,
    loop_timeout: int | float = 1,
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server (not yet running); port 0 picks a free port (`server.effective_port`)."""
    server = waitress.create_server(
        wsgi,
        host=host,
        port=port,
        threads=threads,
        max_request_body_size=MAX_BODY_BYTES,
        ident="podbrief",
        clear_untrusted_proxy_headers=True,
        asyncore_use_poll=True,
        asyncore_loop_timeout=loop_timeout,  # no select() FD_SETSIZE limit, and a clean stop from another thread
    )
    server.task_dispatcher.queue_logger = QueueWarnings()
    return server
