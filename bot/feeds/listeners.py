"""`/insights feeds add|list|search|remove`, their Follow button, and `/insights settings feeds open|admins`.

Registered before the search listener with a matcher, so Bolt routes feeds commands
here and everything else on to `bot.digest.listeners` and `bot.lookup.listeners`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.feeds.actions import answer_feeds
from bot.feeds.grammar import AddFeeds, FeedsError, SearchFeeds, is_feeds_command, parse_feeds, unwrap_url
from bot.feeds.search_blocks import FOLLOW_ACTION
from bot.router.grammar import parse_command
from bot.shared.replies import friendly_failures
from bot.shared.request import Asker, to_asker


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
        elif isinstance(parsed, SearchFeeds):
            ack(text="Searching the podcast directory…")
        else:
            ack()
        with friendly_failures(respond, logger, "/insights feeds"):
            message = answer_feeds(deps, client, to_asker(command), parsed)
            respond(response_type="ephemeral", **message.as_kwargs())

    @app.action(FOLLOW_ACTION)
    def follow_clicked(
        ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient,
        logger: logging.Logger,
    ) -> None:
        """Follow on a `feeds search` result: `feeds add` of its feed URL, for the clicking workspace."""
        ack()
        with friendly_failures(respond, logger, FOLLOW_ACTION):
            asker = Asker(team_id=str(context.team_id or ""), channel_id=str((body.get("channel") or {}).get("id") or ""),
                          user_id=str(context.user_id or ""))
            value = str(((body.get("actions") or [{}])[0]).get("value") or "")
            url = unwrap_url(value)
            parsed = AddFeeds((url,)) if url is not None else FeedsError("That Follow button has no usable feed "
                                                                          "address; search again.")
            message = answer_feeds(deps, client, asker, parsed)
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def _feeds(count: int) -> str:
    return "the feed" if count == 1 else f"{count} feeds"
