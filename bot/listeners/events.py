"""Events the app subscribes to. Every subscribed event has a listener, or Slack retries it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.deps import Deps
from bot.home import publish_home
from bot.reactions import ReactionHandler, to_reaction


def register(app: App, deps: Deps) -> None:
    reactions = ReactionHandler(deps)

    @app.event("reaction_added")
    def reaction_added(body: dict[str, Any], client: WebClient) -> None:
        if reaction := to_reaction(body, added=True):
            reactions.handle(client, reaction)

    @app.event("reaction_removed")
    def reaction_removed(body: dict[str, Any], client: WebClient) -> None:
        if reaction := to_reaction(body, added=False):
            reactions.handle(client, reaction)

    @app.event("app_home_opened")
    def app_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") == "home":
            publish_home(deps, client, str(body.get("team_id") or ""), str(event.get("user") or ""))

    @app.event("app_uninstalled")
    @app.event("tokens_revoked")
    def workspace_left(body: dict[str, Any], logger: logging.Logger) -> None:
        logger.warning("Slack reports %s for team %s", body.get("event", {}).get("type"), body.get("team_id"))
