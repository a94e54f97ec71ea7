"""The `app_home_opened` event: publish the person's Home tab."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.home.publish import home_opened


def register(app: App, deps: Deps) -> None:
    """Listen to `app_home_opened` (the Home tab only, not the Messages tab)."""

    @app.event("app_home_opened")
    def app_home_opened(body: dict[str, Any], event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if event.get("tab") == "home":
            home_opened(deps, client, str(context.team_id or body.get("team_id") or ""), str(event.get("user") or ""))
