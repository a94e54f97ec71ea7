"""Run the real app over HTTP on a loopback port in a background thread.

The offline demo, the scenario tests and the benchmarks use this to talk to Podbrief
exactly as Slack does: signed HTTP requests to `POST /slack/events`.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from bot.app import build_app
from bot.config import Settings
from bot.deps import Deps
from bot.runtime.http_server import EVENTS_PATH, build_wsgi_app, create_server
from standin.slack_requests import signed_headers


@dataclass(frozen=True, slots=True)
class HttpReply:
    status: int
    body: str


def inline_answer(ack_body: str) -> dict[str, Any] | None:
    """The message a slash command's ack carries (a lookup ready in time, `bot.lookup.inline`), else None."""
    try:
        message = json.loads(ack_body) if ack_body.strip().startswith("{") else None
    except ValueError:
        return None
    return message if isinstance(message, dict) and message.get("response_type") else None


class LocalServer:
    """The Bolt app behind waitress on 127.0.0.1, port chosen by the OS."""

    def __init__(self, settings: Settings, deps: Deps, threads: int = 8) -> None:
        self.settings = settings
        self.app = build_app(settings, deps)
        self._server = create_server(
            build_wsgi_app(self.app, deps.engine, metrics=deps.metrics), "127.0.0.1", 0, threads=threads,
            loop_timeout=0.05,
        )
        self._thread = threading.Thread(target=self._server.run, name="podbrief-http", daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.effective_port}"

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.close()
        self._thread.join(timeout=5)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        path: str = EVENTS_PATH,
        signed: bool = True,
        timestamp: int | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> HttpReply:
        """POST `body` as Slack would (signed with the app's signing secret unless `signed=False`)."""
        headers = {"Content-Type": content_type, **(extra_headers or {})}
        if signed:
            headers.update(signed_headers(self.settings.slack_signing_secret or "", body, timestamp))
        return self.request("POST", path, body.encode(), headers)

    def get(self, path: str) -> HttpReply:
        return self.request("GET", path, None, {})

    def request(self, method: str, path: str, data: bytes | None, headers: dict[str, str]) -> HttpReply:
        """One request on its own connection. A server may answer before it has read the whole body
        (413 for an oversized one) and close: the answer it sent is still read, as Slack's client would."""
        connection = http.client.HTTPConnection("127.0.0.1", self._server.effective_port, timeout=10)
        try:
            connection.putrequest(method, path)
            for name, value in {**headers, "Content-Length": str(len(data or b""))}.items():
                connection.putheader(name, value)
            connection.endheaders()
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # answered early; read it below
                if data:
                    connection.send(data)
            response = connection.getresponse()
            return HttpReply(response.status, response.read().decode(errors="replace"))
        finally:
            connection.close()
