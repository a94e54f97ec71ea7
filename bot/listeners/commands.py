"""The `/insights` slash command."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond

from bot.answers import answer_command
from bot.deps import Deps
from bot.listeners.replies import friendly_failures


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()  # at once, within Slack's 3 seconds, even when every answer thread is busy

    def answer(command: dict[str, Any], respond: Respond, logger: logging.Logger) -> None:
        with friendly_failures(respond, logger, "/insights"):
            message = answer_command(command.get("text"), deps.search, command.get("command") or "/insights")
            respond(response_type="ephemeral", **message.as_kwargs())

    app.command("/insights")(ack=acknowledge, lazy=[answer])
