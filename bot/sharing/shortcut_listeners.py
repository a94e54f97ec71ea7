"""Message shortcut "Find podcast insights": acked at once, answered ephemerally after the ack."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.deps import Deps
from bot.shared.replies import friendly_failures
from bot.sharing.shortcuts import CALLBACK_ID, related_insights


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def answer(body: dict[str, Any], context: BoltContext, respond: Respond, logger: logging.Logger) -> None:
        team_id = str(context.team_id or "")
        with friendly_failures(respond, logger, CALLBACK_ID):
            text = str((body.get("message") or {}).get("text") or "")
            with deps.sessions() as session:
                vocabulary = deps.search_index.vocabulary(session)
            message = related_insights(text, vocabulary, partial(deps.search, team_id=team_id))
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())

    app.shortcut(CALLBACK_ID)(ack=acknowledge, lazy=[answer])
