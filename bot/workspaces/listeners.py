"""Workspace events: the app uninstalled, or its tokens revoked."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.deps import Deps
from bot.workspaces.lifecycle import BOT_TOKEN_REVOKED, UNINSTALLED, workspace_left


def register(app: App, deps: Deps) -> None:
    """Listen to `app_uninstalled` and `tokens_revoked`."""

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
