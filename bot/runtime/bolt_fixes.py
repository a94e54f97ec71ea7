"""A correction to slack_bolt 1.x's request body parsing, applied once when the app is built.

Bolt's `parse_body` treats every form body that merely *contains* the text "payload" as an
interactive payload (`payload=<json>`). A slash command such as `/insights rocket payload`
then parses as an empty body and is answered 404 "unhandled request". The fixed parser reads
the `payload` field only when the form actually has one.

Bolt also logs the whole body of a request whose signature fails, at INFO, and the payload of
one no listener handles, at WARNING. Badly signed requests are refused before Bolt sees them
(bot.runtime.request_gate); should one ever get that far its line is dropped here all the same, and
the unhandled one keeps only its first words (bot.runtime.request_log has logged one short line for each).

And Bolt tries each request on its listeners in turn, calling each listener's matchers with
arguments built by `build_required_kwargs`, which builds every argument a listener could ask for
(the body read as an action, a command, a view, an event, a message, ...) to hand over the one
its own matchers take, the body. With Podbrief's several dozen listeners that was most of Bolt's
work for a reaction event; its matchers now get the body directly (the same argument).

Bolt also looks its app logger up by name on every request (`get_bolt_app_logger`), and
`logging.getLogger` takes the logging module's lock: with many request threads under the GIL they
queued on it (18% of the server's busy samples at 1,000 reaction events/s, py-spy). The logger it
returns for a name is always the same object, so it is now looked up once.

And Bolt's listener runner formats a "Responding with status ..." line (with the response body) for
every request before `logger.debug` drops it; it is now formatted only when that logger logs DEBUG.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qsl

import slack_bolt.app.app as bolt_app
import slack_bolt.request.request as bolt_request
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.listener_matcher.builtins import BuiltinListenerMatcher
from slack_bolt.logger import get_bolt_app_logger as _bolt_app_logger
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

_bolt_matches = BuiltinListenerMatcher.matches
_bolt_log_completion = ThreadListenerRunner._debug_log_completion
_app_loggers: dict[tuple[str, int], logging.Logger] = {}


def parse_body(body: str, content_type: str | None) -> dict[str, Any]:
    """A Slack request body as a dict: JSON, an interactive `payload=` form, or a plain form."""
    if not body:
        return {}
    if content_type == "application/json" or body.startswith("{"):
        parsed = json.loads(body)
        return parsed if isinstance(parsed, dict) else {}
    form = dict(parse_qsl(body, keep_blank_values=True))
    payload = form.get("payload")
    if payload is not None:
        parsed = json.loads(payload)
        return parsed if isinstance(parsed, dict) else {}
    return form


def _no_request_bodies(record: logging.LogRecord) -> bool:
    """Drop Bolt's line with a badly signed body; cut the payload (maybe typed text) off "Unhandled request"."""
    message = str(record.msg)
    if message.startswith("Invalid request signature detected"):
        return False
    if message.startswith("Unhandled request"):
        record.msg, record.args = "Unhandled request (body not logged)", ()
    elif message.startswith("A global middleware"):
        record.msg, record.args = message.split(" for the request (", 1)[0] + " (body not logged)", ()
    return True


def _matches(self: BuiltinListenerMatcher, req: BoltRequest, resp: BoltResponse) -> bool:
    """A matcher that takes only `body` (all of Bolt's own) called with it; any other as Bolt calls it."""
    if self.arg_names == ["body"]:
        return self.func(body=req.body)  # type: ignore[return-value]
    return _bolt_matches(self, req, resp)


def _app_logger(app_name: str, cls: object = None, base_logger: logging.Logger | None = None) -> logging.Logger:
    """Bolt's per-request app logger, built (and configured from `base_logger`) once per app name and base."""
    if cls is not None:  # not what Bolt's request path asks for: as Bolt does it
        return _bolt_app_logger(app_name, cls, base_logger)
    key = (app_name, id(base_logger))
    logger = _app_loggers.get(key)
    if logger is None:
        logger = _app_loggers.setdefault(key, _bolt_app_logger(app_name, None, base_logger))
    return logger


def _log_completion(self: ThreadListenerRunner, starting_time: float, response: BoltResponse) -> None:
    """Bolt's "Responding with status ..." DEBUG line, formatted only when its logger logs DEBUG."""
    if self.logger.isEnabledFor(logging.DEBUG):
        _bolt_log_completion(self, starting_time, response)


def install() -> None:
    """Make Bolt's request objects use `parse_body`, keep request bodies out of Bolt's logs, and hand
    Bolt's matchers the body without building every other listener argument (idempotent)."""
    bolt_request.parse_body = parse_body  # type: ignore[attr-defined]
    BuiltinListenerMatcher.matches = _matches  # type: ignore[method-assign]
    bolt_app.get_bolt_app_logger = _app_logger  # type: ignore[attr-defined]
    ThreadListenerRunner._debug_log_completion = _log_completion  # type: ignore[method-assign]
    for name in ("slack_bolt.RequestVerification", "slack_bolt.App", "podbrief.bolt"):  # where Bolt logs bodies
        bolt_log = logging.getLogger(name)
        if _no_request_bodies not in bolt_log.filters:
            bolt_log.addFilter(_no_request_bodies)
