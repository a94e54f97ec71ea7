"""The one `/insights` listener: the text is parsed once, and the parsed command goes to its feature.

A listener middleware parses the text before Bolt runs the listener and keeps the result in the
request context, which Bolt copies to the lazy answer: the acknowledgement (within Slack's 3 seconds,
on the listener threads) and the answer (on the answer threads) both read that one parse.

A new subcommand: add its grammar to its feature, its command type to `bot.router.grammar.Command`,
and a branch to `answer` below.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.digest.commands import answer_settings
from bot.digest.grammar import SettingsCommand
from bot.feeds.actions import answer_feeds
from bot.feeds.grammar import AddFeeds, FeedsCommand, SearchFeeds
from bot.lookup.answers import answer_lookup
from bot.lookup.grammar import LookupCommand
from bot.lookup.inline import InlineAnswers, lookup_work
from bot.router.grammar import Command, parse_command
from bot.runtime.request_thread import on_request_thread
from bot.saving.commands import answer_saved
from bot.saving.grammar import SavedCommand
from bot.shared.blocks import Message
from bot.shared.replies import friendly_failures
from bot.shared.request import to_asker

#: The request-context key holding the parsed command.
PARSED = "insights_command"
#: The request-context key holding how long the parse took (ms), for the request log's stage timers.
PARSE_MS = "insights_parse_ms"


def acknowledgement(parsed: Command) -> str | None:
    """What to say at once for a command whose answer takes seconds (None: a silent ack)."""
    if isinstance(parsed, AddFeeds):
        return f"Checking {'the feed' if len(parsed.urls) == 1 else f'{len(parsed.urls)} feeds'}…"
    if isinstance(parsed, SearchFeeds):
        return "Searching the podcast directory…"
    return None


def register(app: App, deps: Deps, parse: Callable[[str | None], Command] = parse_command) -> None:
    """Register the `/insights` command: one listener for every subcommand (`parse`: the grammar)."""

    def parse_once(body: dict[str, Any], context: BoltContext, next_: Callable[[], None]) -> None:
        """Listener middleware: parse `/insights <text>` and keep the command in the request context."""
        started = time.perf_counter()
        context[PARSED] = parse(body.get("text"))
        context[PARSE_MS] = (time.perf_counter() - started) * 1000
        next_()

    lookups = InlineAnswers()

    @on_request_thread  # the ack runs at once on the request thread (no hand-off, no polling)
    def acknowledge(ack: Ack, command: dict[str, Any], context: BoltContext, logger: logging.Logger) -> None:
        parsed = context[PARSED]
        if isinstance(parsed, LookupCommand):  # answered in the ack when ready in time (bot.lookup.inline)
            work = lookup_work(partial(_answer_lookup, deps, command, context, parsed), logger)
            lookups.answer(ack, str(command.get("response_url") or ""), work, stages={"parse": context[PARSE_MS]})
            return
        text = acknowledgement(parsed)
        if text is None:
            ack()  # at once, within Slack's 3 seconds, even when every answer thread is busy
        else:
            ack(text=text)

    def answer(command: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient,
               logger: logging.Logger) -> None:
        parsed: Command = context[PARSED]
        if isinstance(parsed, LookupCommand):
            return  # answered by the acknowledgement (in the ack, or at the response_url when slow)
        with friendly_failures(respond, logger, _label(parsed)):
            respond(response_type="ephemeral", **_reply(deps, client, command, context, parsed))

    app.command("/insights", middleware=[parse_once])(ack=acknowledge, lazy=[answer])


def _reply(deps: Deps, client: WebClient, command: dict[str, Any], context: BoltContext,
           parsed: Command) -> dict[str, Any]:
    """The `respond` arguments answering `parsed`, from the feature that owns its type."""
    if isinstance(parsed, SavedCommand):
        return {"replace_original": False, **answer_saved(deps, client, to_asker(command), parsed).as_kwargs()}
    message: Message
    if isinstance(parsed, FeedsCommand):
        message = answer_feeds(deps, client, to_asker(command), parsed)
    elif isinstance(parsed, SettingsCommand):
        message = answer_settings(deps, client, to_asker(command), parsed)
    else:
        message = _answer_lookup(deps, command, context, parsed)
    return message.as_kwargs()


def _answer_lookup(deps: Deps, command: dict[str, Any], context: BoltContext, parsed: LookupCommand) -> Message:
    team_id = context.team_id or command.get("team_id") or ""
    search = partial(deps.search, team_id=team_id)  # a workspace searches only what it may see
    return answer_lookup(parsed, search, command.get("command") or "/insights")


def _label(parsed: Command) -> str:
    """How a failure names the command in the log."""
    if isinstance(parsed, SavedCommand):
        return "/insights saved"
    if isinstance(parsed, FeedsCommand):
        return "/insights feeds"
    if isinstance(parsed, SettingsCommand):
        return "/insights settings"
    return "/insights"
