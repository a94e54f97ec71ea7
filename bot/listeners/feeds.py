"""`/insights feeds add|list|remove` and `/insights settings feeds open|admins`.

Registered before the search listener with a matcher, so Bolt routes feeds commands
here and everything else on to `bot.listeners.settings` and `bot.listeners.commands`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.feeds_actions import answer_feeds
from bot.feeds_grammar import AddFeeds, is_feeds_command, parse_feeds
from bot.grammar import parse_command
from bot.listeners.replies import friendly_failures
from bot.listeners.settings import to_asker


def asks_for_feeds(command: dict[str, Any]) -> bool:
    """Bolt matcher: is this `/insights` text a feeds command (rather than settings or a search)?"""
    return is_feeds_command(parse_command(command.get("text")))


def register(app: App, deps: Deps) -> None:
    @app.command("/insights", matchers=[asks_for_feeds])
    def feeds_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, logger: logging.Logger
    ) -> None:
        parsed = parse_feeds(command.get("text"))
        assert parsed is not None, "the matcher lets only feeds commands through"
        if isinstance(parsed, AddFeeds):  # fetching takes a few seconds: say so within Slack's 3
            ack(text=f"Checking {_feeds(len(parsed.urls))}…")
        else:
            ack()
        with friendly_failures(respond, logger, "/insights feeds"):
            message = answer_feeds(deps, client, to_asker(command), parsed)
            respond(response_type="ephemeral", **message.as_kwargs())


def _feeds(count: int) -> str:
    return "the feed" if count == 1 else f"{count} feeds"
