"""Events the app subscribes to. Every subscribed event has a listener, or Slack retries it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.home import publish_home
from bot.reactions import ReactionHandler, to_reaction
from bot.workspace_lifecycle import BOT_TOKEN_REVOKED, UNINSTALLED, workspace_left


def register(app: App, deps: Deps) -> None:
    reactions = ReactionHandler(deps)

    @app.event("reaction_added")
    def reaction_added(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if reaction := to_reaction(body, True, context.team_id):
            reactions.handle(client, reaction)

    @app.event("reaction_removed")
    def reaction_removed(body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if reaction := to_reaction(body, False, context.team_id):
            reactions.handle(client, reaction)

    @app.event("app_home_opened")
    def app_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab") == "home":
            publish_home(deps, client, str(context.team_id or body.get("team_id") or ""), str(event.get("user") or ""))

    @app.event("app_uninstalled")
    def app_uninstalled(body: dict[str, Any]) -> None:
        if team_id := body.get("team_id"):
            workspace_left(deps, str(team_id), body.get("enterprise_id"), UNINSTALLED)

    @app.event("tokens_revoked")
    def tokens_revoked(body: dict[str, Any], event: dict[str, Any]) -> None:
        team_id = body.get("team_id")
        tokens = event.get("tokens") or {}
        if team_id and deps.installations is not None:
            for user_id in tokens.get("oauth") or []:  # Podbrief asks for no user tokens; forget any anyway
                deps.installations.delete_installation(enterprise_id=body.get("enterprise_id"), team_id=team_id,
                                                       user_id=user_id)
        if team_id and tokens.get("bot"):
            workspace_left(deps, str(team_id), body.get("enterprise_id"), BOT_TOKEN_REVOKED)
