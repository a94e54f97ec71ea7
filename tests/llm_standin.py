"""A local stand-in for an OpenAI-compatible chat-completions server (127.0.0.1, port 0), for LLM tests."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

#: What a stand-in answer does: (status, body bytes), or None to hang until the test ends.
Reply = Callable[[dict[str, Any]], tuple[int, bytes] | None]


@dataclass
class StandIn:
    """A chat-completions stand-in: answers with `reply`, records every request."""

    url: str
    reply: Reply = lambda body: (200, b"{}")
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture(name="standin")
def standin_fixture() -> Iterator[StandIn]:
    state = StandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            answer = state.reply(body)
            if answer is None:
                state.release.wait(10)
                return
            status, payload = answer
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def completion(content: object) -> Reply:
    """A reply with `content` (JSON-encoded unless a string) as the assistant's message."""
    text = content if isinstance(content, str) else json.dumps(content)
    payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
    return lambda body: (200, payload)
