"""Reaction events: a save emoji saves, thumbs up/down are digest feedback (`bot.saving.reactions`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.runtime.request_thread import on_request_thread
from bot.saving.reactions import ReactionHandler, to_reaction


def register(app: App, deps: Deps) -> None:
    """Listen to `reaction_added` and `reaction_removed`: queued on the request thread, Slack answered at once."""
    reactions = ReactionHandler(deps)

    @app.event("reaction_added")
    @on_request_thread
    def reaction_added(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if reaction := to_reaction(body, True, context.team_id):
            reactions.submit(client, reaction)

    @app.event("reaction_removed")
    @on_request_thread
    def reaction_removed(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if reaction := to_reaction(body, False, context.team_id):
            reactions.submit(client, reaction)
