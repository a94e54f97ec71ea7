"""One structured log line and one metrics sample per request Slack sends over HTTP.

A WSGI wrapper around the Bolt handler, so refused requests (401, 404, 413 from Bolt)
are seen too. Only ids and names are logged (team, channel, user, command, action id,
event type), never text, tokens or other payload fields; ids are logged only for
requests whose signature checked out. Refused requests (4xx) are logged at most
`REFUSALS_PER_WINDOW` times a minute; the line after a quiet spell says how many were left out.
Events answered normally are logged at DEBUG: Slack sends them in bulk (reactions at hundreds
a second, where the INFO line and its handler lock took a tenth of the server's time); the
metrics still count every one, and commands, actions and every refused or failed request keep their INFO line.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_bolt.request.internals import extract_channel_id, extract_team_id, extract_user_id
from slack_bolt.request.payload_utils import is_action, is_event, is_slash_command

from bot.runtime.bolt_fixes import parse_body
from bot.runtime.metrics import Metrics
from bot.runtime.rate_limit import WindowLimit
from bot.runtime.request_gate import PAYLOAD_KEY
from bot.shared.logfmt import kv

log = logging.getLogger("podbrief.requests")
#: Lines about refused requests per `REFUSAL_WINDOW_SECONDS`: a flood of junk cannot fill the disk.
REFUSALS_PER_WINDOW = 20
REFUSAL_WINDOW_SECONDS = 60.0
StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


@dataclass(frozen=True, slots=True)
class RequestFacts:
    """What a Slack request is about, for logs and metrics."""

    kind: str  # command | action | event | other
    name: str | None = None  # "/insights", an action_id or an event type
    team: str | None = None
    channel: str | None = None
    user: str | None = None


def describe(body: bytes, content_type: str | None, parsed: object = None) -> RequestFacts:
    """The kind, name and ids of a request body; `RequestFacts("other")` for anything unreadable.

    `parsed` is the body as the request gate already parsed it (a dict), if it did."""
    try:
        payload = parsed if isinstance(parsed, dict) else parse_body(
            body.decode("utf-8", "replace"), (content_type or "").split(";")[0].strip() or None)
        if not isinstance(payload, dict):
            return RequestFacts("other")
        kind, name = _kind_and_name(payload)
        return RequestFacts(kind, _id(name), _id(extract_team_id(payload)), _id(extract_channel_id(payload)),
                            _id(extract_user_id(payload)))
    except Exception:
        return RequestFacts("other")


def _kind_and_name(payload: dict[str, Any]) -> tuple[str, object]:
    if is_slash_command(payload):
        return "command", payload.get("command")
    if is_action(payload):
        actions = payload.get("actions")
        first = actions[0] if isinstance(actions, list) and actions and isinstance(actions[0], dict) else {}
        return "action", first.get("action_id") or first.get("name") or payload.get("callback_id")
    if is_event(payload):
        event = payload.get("event")
        return "event", event.get("type") if isinstance(event, dict) else None
    return "other", payload.get("type")


def _id(value: object) -> str | None:
    return value[:80] if isinstance(value, str) and value else None


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return {401: "rejected", 404: "unhandled", 413: "too_large"}.get(status, "error" if status >= 500 else "refused")


def observe_requests(inner: WsgiApp, metrics: Metrics, clock: Callable[[], float] = time.perf_counter,
                     refusals: WindowLimit | None = None) -> WsgiApp:
    """`inner`, with each request logged (refusals rate-limited) and counted."""
    refusals = refusals or WindowLimit(REFUSALS_PER_WINDOW, REFUSAL_WINDOW_SECONDS)

    def wsgi(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        started = clock()
        body = _buffer_body(environ)
        seen: dict[str, int] = {}

        def recording_start_response(status: str, headers: list[tuple[str, str]], *exc: Any) -> Any:
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, *exc)

        try:
            result = inner(environ, recording_start_response)
        except Exception:
            seen.setdefault("status", 500)
            raise
        finally:
            _record(metrics, environ, body, seen.get("status", 500), clock() - started, refusals)
        return result

    return wsgi


def _buffer_body(environ: dict[str, Any]) -> bytes:
    """Read the body (waitress has already capped its size) and put it back for Bolt."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    body = environ["wsgi.input"].read(length) if length > 0 and "wsgi.input" in environ else b""
    environ["wsgi.input"] = io.BytesIO(body)
    return body


def _record(metrics: Metrics, environ: dict[str, Any], body: bytes, status: int, seconds: float,
            refusals: WindowLimit) -> None:
    facts = describe(body, environ.get("CONTENT_TYPE"), environ.get(PAYLOAD_KEY))
    metrics.record_request(facts.kind, status, seconds)
    left_out = refusals.admit() if 400 <= status < 500 else 0
    if left_out is None:
        return
    level = logging.WARNING if status >= 500 else logging.DEBUG if facts.kind == "event" and status < 400 else logging.INFO
    if not log.isEnabledFor(level):
        return
    trusted = status != 401  # ids of a request whose signature failed may be made up
    line = kv(
        "slack_request",
        kind=facts.kind,
        name=facts.name,
        team=facts.team if trusted else None,
        channel=facts.channel if trusted else None,
        user=facts.user if trusted else None,
        retry=_id(environ.get("HTTP_X_SLACK_RETRY_NUM")),
        status=status,
        outcome=_outcome(status),
        latency_ms=seconds * 1000,
        refusals_not_logged=left_out or None,
    )
    log.log(level, line)


def log_stages(kind: str, name: str | None, stages: dict[str, float], total_ms: float, **fields: object) -> None:
    """At DEBUG, one `slack_request_stage` line per stage of answering a request (`latency_ms` each), then the total.

    `stages` holds milliseconds per stage name (parse, plan, candidates, rank, load, render, post),
    as timed by `insights.timing`; `fields` (e.g. inline=true) are added to every line.
    """
    if not log.isEnabledFor(logging.DEBUG):
        return
    for stage, ms in stages.items():
        log.debug(kv("slack_request_stage", kind=kind, name=_id(name), stage=stage, latency_ms=f"{ms:.2f}", **fields))
    log.debug(kv("slack_request_stage", kind=kind, name=_id(name), stage="total", latency_ms=f"{total_ms:.2f}", **fields))
