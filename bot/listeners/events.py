"""Events the app subscribes to. Every subscribed event has a listener, or Slack retries it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot import blocks
from bot.deps import Deps
from storage.messages_store import posted_message
from storage.saved_store import save_insight, unsave_insight

SAVE_EMOJIS = frozenset({blocks.SAVE_EMOJI})


def reacted_insight(deps: Deps, body: dict[str, Any]) -> tuple[str, str, int] | None:
    """(team, user, insight) when a save emoji was put on an insight message the bot posted."""
    event = body.get("event", {})
    item = event.get("item", {})
    if event.get("reaction") not in SAVE_EMOJIS or item.get("type") != "message":
        return None
    team_id = body.get("team_id") or ""
    with deps.sessions() as session:
        message = posted_message(session, team_id, item.get("channel", ""), item.get("ts", ""))
    if message is None or message.insight_id is None:
        return None
    return team_id, event.get("user", ""), message.insight_id


def register(app: App, deps: Deps) -> None:
    @app.event("reaction_added")
    def reaction_added(body: dict[str, Any]) -> None:
        if found := reacted_insight(deps, body):
            with deps.sessions.begin() as session:
                save_insight(session, *found)

    @app.event("reaction_removed")
    def reaction_removed(body: dict[str, Any]) -> None:
        if found := reacted_insight(deps, body):
            with deps.sessions.begin() as session:
                unsave_insight(session, *found)

    @app.event("app_home_opened")
    def app_home_opened(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        home = blocks.usage()
        client.views_publish(user_id=event["user"], view={"type": "home", "blocks": home.as_kwargs()["blocks"]})

    @app.event("app_uninstalled")
    @app.event("tokens_revoked")
    def workspace_left(body: dict[str, Any], logger: logging.Logger) -> None:
        logger.warning("Slack reports %s for team %s", body.get("event", {}).get("type"), body.get("team_id"))
