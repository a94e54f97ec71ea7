"""The buttons of the saved-insights replies: more, unsave, forget me and its cancel.

The commands themselves (`/insights saved|forget me|settings save-emojis|settings confirmations`)
reach `bot.saving.commands` through the `/insights` router.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.saving import actions
from bot.saving import blocks as sb
from bot.shared.blocks import Message, notice
from bot.shared.ids import parse_id
from bot.shared.replies import friendly_failures
from bot.shared.request import Asker


def _ephemeral(respond: Respond, message: Message, replace: bool = False) -> None:
    respond(response_type="ephemeral", replace_original=replace, **message.as_kwargs())


def _clicker(body: dict[str, Any]) -> tuple[str, str, str]:
    """(team, user, button value) of a block action."""
    user = body.get("user") or {}
    team = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
    value = str(((body.get("actions") or [{}])[0]).get("value", ""))
    return team, str(user.get("id") or ""), value


def register(app: App, deps: Deps) -> None:
    @app.action(sb.MORE_ACTION)
    def more(ack: Ack, body: dict[str, Any], respond: Respond, logger: logging.Logger) -> None:
        ack()
        with friendly_failures(respond, logger, sb.MORE_ACTION):
            team, user, value = _clicker(body)
            offset = parse_id(value) or 0
            _ephemeral(respond, actions.show_page(deps.sessions, Asker(team, "", user), offset))

    @app.action(sb.UNSAVE_ACTION)
    def unsave(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        ack()
        team, user, value = _clicker(body)
        if (insight_id := parse_id(value)) is None:
            return
        removed = actions.unsave(deps, client, team, user, insight_id)
        if respond is not None:  # clicked in an ephemeral list; on the Home tab there is no response_url
            text = "Removed from your saved insights." if removed else "That insight was not saved any more."
            _ephemeral(respond, notice(text))

    @app.action(sb.FORGET_ACTION)
    def forget(ack: Ack, body: dict[str, Any], respond: Respond, client: WebClient, logger: logging.Logger) -> None:
        ack()
        with friendly_failures(respond, logger, sb.FORGET_ACTION):
            team, user, _ = _clicker(body)
            _ephemeral(respond, actions.forget(deps, client, team, user), replace=True)

    @app.action(sb.FORGET_CANCEL_ACTION)
    def keep(ack: Ack, respond: Respond) -> None:
        ack()
        _ephemeral(respond, notice("Nothing was deleted."), replace=True)
