"""HTTP mode: `POST /slack/events` (Bolt) and `GET /healthz`, served by waitress."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from typing import Any

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from sqlalchemy import Engine
from waitress.server import BaseWSGIServer, MultiSocketServer

from storage.db import check_connection

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
#: Slack's payloads are a few kilobytes; anything far larger is refused before Bolt sees it.
MAX_BODY_BYTES = 1_000_000

log = logging.getLogger("podbrief.http")
StartResponse = Callable[..., Any]


def build_wsgi_app(app: App, engine: Engine) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """One WSGI callable routing Slack requests to Bolt and answering health checks."""
    slack = SlackRequestHandler(app, path=EVENTS_PATH)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == HEALTH_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return _health(engine, start_response)
        return slack(environ, start_response)

    return wsgi


def _health(engine: Engine, start_response: StartResponse) -> list[bytes]:
    try:
        check_connection(engine)
        status, body = "200 OK", {"status": "ok", "database": "ok"}
    except Exception as error:  # noqa: BLE001 - any failure means "not healthy"
        log.warning("health check: database unreachable: %s", type(error).__name__)
        status, body = "503 Service Unavailable", {"status": "unhealthy", "database": "unreachable"}
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def create_server(
    wsgi: Callable[[dict[str, Any], StartResponse], Iterable[bytes]],
    host: str,
    port: int,
    threads: int = 8,
    loop_timeout: int | float = 1,
) -> BaseWSGIServer | MultiSocketServer:
    """A waitress server (not yet running); port 0 picks a free port (`server.effective_port`)."""
    return waitress.create_server(
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
