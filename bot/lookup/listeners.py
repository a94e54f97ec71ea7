"""The `/insights` slash command."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.lookup.answers import answer_command
from bot.shared.replies import friendly_failures


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()  # at once, within Slack's 3 seconds, even when every answer thread is busy

    def answer(command: dict[str, Any], context: BoltContext, respond: Respond, logger: logging.Logger) -> None:
        team_id = context.team_id or command.get("team_id") or ""
        with friendly_failures(respond, logger, "/insights"):
            search = partial(deps.search, team_id=team_id)  # a workspace searches only what it may see
            message = answer_command(command.get("text"), search, command.get("command") or "/insights")
            respond(response_type="ephemeral", **message.as_kwargs())

    app.command("/insights")(ack=acknowledge, lazy=[answer])
