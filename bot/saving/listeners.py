"""`/insights saved|forget me|settings save-emojis|settings confirmations`, and their buttons.

Registered before the settings and search listeners with a matcher, so Bolt routes
these commands here and everything else onwards.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.router.grammar import parse_command
from bot.saving import actions
from bot.saving import blocks as sb
from bot.saving.grammar import (
    ExportSaved,
    ForgetMe,
    ListSaved,
    SavedCommand,
    SavedUsageError,
    SearchSaved,
    is_saved_command,
    parse_saved,
)
from bot.shared.blocks import Message, notice
from bot.shared.ids import parse_id
from bot.shared.replies import friendly_failures
from bot.shared.request import Asker, to_asker


def asks_for_saved(command: dict[str, Any]) -> bool:
    """Bolt matcher: is this `/insights` text one of the saved-insights commands?"""
    return is_saved_command(parse_command(command.get("text")))


def answer_saved(deps: Deps, client: WebClient, asker: Asker, parsed: SavedCommand) -> Message:
    """The reply to one saved-insights command."""
    if isinstance(parsed, SavedUsageError):
        return notice(parsed.message)
    if isinstance(parsed, ListSaved):
        return actions.show_page(deps, asker, parsed.offset)
    if isinstance(parsed, SearchSaved):
        return actions.search(deps, asker, parsed.query)
    if isinstance(parsed, ExportSaved):
        return actions.export(deps, client, asker)
    if isinstance(parsed, ForgetMe):
        return sb.forget_confirmation()
    return actions.save_settings(deps, client, asker, parsed)


def _ephemeral(respond: Respond, message: Message, replace: bool = False) -> None:
    respond(response_type="ephemeral", replace_original=replace, **message.as_kwargs())


def _clicker(body: dict[str, Any]) -> tuple[str, str, str]:
    """(team, user, button value) of a block action."""
    user = body.get("user") or {}
    team = str((body.get("team") or {}).get("id") or user.get("team_id") or "")
    value = str(((body.get("actions") or [{}])[0]).get("value", ""))
    return team, str(user.get("id") or ""), value


def register(app: App, deps: Deps) -> None:
    @app.command("/insights", matchers=[asks_for_saved])
    def saved_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient,
                      logger: logging.Logger) -> None:
        ack()  # within Slack's 3 seconds; the answer follows through response_url
        with friendly_failures(respond, logger, "/insights saved"):
            parsed = parse_saved(command.get("text"))
            assert parsed is not None, "the matcher lets only saved-insights commands through"
            _ephemeral(respond, answer_saved(deps, client, to_asker(command), parsed))

    @app.action(sb.MORE_ACTION)
    def more(ack: Ack, body: dict[str, Any], respond: Respond, logger: logging.Logger) -> None:
        ack()
        with friendly_failures(respond, logger, sb.MORE_ACTION):
            team, user, value = _clicker(body)
            offset = parse_id(value) or 0
            _ephemeral(respond, actions.show_page(deps, Asker(team, "", user), offset))

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
