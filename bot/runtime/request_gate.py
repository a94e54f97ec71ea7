"""The gate in front of Bolt: what Slack did not sign, or signed but cannot be read, never reaches it.

`POST /slack/events` is checked here before Bolt builds its request object (which parses the
body first and would answer a body it cannot parse with a 500 and a traceback, and which logs
the whole body of a request whose signature fails):

- no signature, a wrong one, or a timestamp that is not a number or more than five minutes
  off: 401, and the body is neither parsed nor logged;
- a signed body that is not a readable Slack payload (malformed JSON or `payload=`, no
  actions in an action, an event that is not an object): 400.

Slack's SSL check (`ssl_check=1`, which Bolt answers before checking any signature) gets its
`200` here, as from Bolt. Everything else (the OAuth pages, health checks) passes through untouched; Bolt still runs its
own signature check and our replay guard (bot.runtime.replay_guard) on what gets past.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from slack_sdk.signature import SignatureVerifier

from bot.runtime.bolt_fixes import parse_body

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
#: Unix seconds have 10 digits until the year 2286; anything much longer is not a timestamp.
MAX_TIMESTAMP_DIGITS = 12
#: Where the gate leaves the payload of a signed, readable request (a dict) for the request log.
PAYLOAD_KEY = "podbrief.slack_payload"


def gate_slack_requests(inner: WsgiApp, signing_secret: str, path: str) -> WsgiApp:
    """`inner`, with every POST to `path` verified and its body checked before `inner` sees it."""
    verifier = SignatureVerifier(signing_secret)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != path or environ.get("REQUEST_METHOD") != "POST":
            return inner(environ, start_response)
        body = _read_body(environ)
        if _is_ssl_check(body):
            return _answer(start_response, "200 OK", b"")
        if not _signed_by_slack(verifier, body, environ):
            return _answer(start_response, "401 Unauthorized", b'{"error":"invalid request"}')
        payload = parsed_payload(body.decode("utf-8"), environ.get("CONTENT_TYPE"))
        if payload is None:
            return _answer(start_response, "400 Bad Request", b'{"error":"malformed request"}')
        environ[PAYLOAD_KEY] = payload  # for the request log, which would otherwise parse the body again
        return inner(environ, start_response)

    return wsgi


def _read_body(environ: dict[str, Any]) -> bytes:
    """The body (waitress has already capped its size), put back for whoever reads it next."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    body = stream.read(length) if length > 0 and stream is not None else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _is_ssl_check(body: bytes) -> bool:
    if len(body) > 1000 or b"ssl_check" not in body:
        return False
    return parse_qs(body.decode("latin-1"), keep_blank_values=True).get("ssl_check") == ["1"]


def _signed_by_slack(verifier: SignatureVerifier, body: bytes, environ: dict[str, Any]) -> bool:
    timestamp = environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP") or ""
    signature = environ.get("HTTP_X_SLACK_SIGNATURE") or ""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= MAX_TIMESTAMP_DIGITS):
        return False
    try:
        text = body.decode("utf-8")  # Slack sends UTF-8; anything else cannot carry its signature
    except UnicodeDecodeError:
        return False
    return verifier.is_valid(text, timestamp, signature)


def parsed_payload(body: str, content_type: str | None) -> dict[str, Any] | None:
    """`body` parsed (once), when it is a Slack payload Bolt can route; None when it is not one Bolt can route without tripping over its shape."""
    media_type = (content_type or "").split(";")[0].strip() or None
    if not body:
        return {}  # Bolt answers an empty body itself (404)
    if body.startswith("{") and media_type != "application/json":
        media_type = "application/json"
    try:
        if media_type == "application/json":
            parsed = json.loads(body)
            if not isinstance(parsed, dict):
                return None
            payload: dict[str, Any] = parsed
        else:
            payload = parse_body(body, media_type)
    except (ValueError, RecursionError):  # json.JSONDecodeError is a ValueError; RecursionError: absurd nesting
        return None
    return payload if _well_shaped(payload) else None


def _well_shaped(payload: dict[str, Any]) -> bool:
    kind = payload.get("type")
    if kind in ("block_actions", "interactive_message"):
        actions = payload.get("actions")
        return isinstance(actions, list) and bool(actions) and all(isinstance(a, dict) for a in actions)
    if kind == "event_callback":
        event = payload.get("event")
        return isinstance(event, dict) and isinstance(event.get("type"), str)
    if kind in ("view_submission", "view_closed"):
        view = payload.get("view")
        return isinstance(view, dict) and isinstance(view.get("type"), str)
    if "command" in payload:
        return isinstance(payload.get("command"), str)
    return True


def _answer(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
