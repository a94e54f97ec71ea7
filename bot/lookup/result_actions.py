"""Buttons on search results: share an insight in the channel, or save it."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.home.publish import refresh_home
from bot.shared import blocks
from bot.shared.blocks import SAVE_ACTION, SHARE_ACTION
from bot.shared.ids import parse_id
from bot.shared.mrkdwn import clip, escape
from bot.shared.replies import friendly_failures
from bot.shared.slack_errors import CHANNEL_PROBLEMS, error_code
from storage.insights_store import get_insight
from storage.messages_store import record_posted_message
from storage.saved_store import save_insight

GONE = "That insight is no longer available. Try searching again."


def action_insight_id(body: dict[str, Any]) -> int | None:
    """The insight id carried by the clicked button, if it is a well-formed one."""
    actions = body.get("actions") or [{}]
    return parse_id(str(actions[0].get("value", "")))


def _ephemeral(respond: Respond, message: blocks.Message) -> None:
    respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def register(app: App, deps: Deps) -> None:
    @app.action(SHARE_ACTION)
    def share(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, logger: logging.Logger) -> None:
        ack()
        with friendly_failures(respond, logger, SHARE_ACTION):
            insight_id = action_insight_id(body)
            team_id, channel_id, user_id = body["team"]["id"], body["channel"]["id"], body["user"]["id"]
            with deps.sessions() as session:
                insight = get_insight(session, insight_id, team_id=team_id) if insight_id is not None else None
            if insight is None:
                _ephemeral(respond, blocks.notice(GONE))
                return
            message = blocks.shared_insight(insight, user_id)
            try:
                posted = client.chat_postMessage(
                    channel=channel_id, unfurl_links=False, unfurl_media=False, **message.as_kwargs()
                )
            except SlackApiError as error:
                problem = CHANNEL_PROBLEMS.get(error_code(error))
                if problem is None:
                    raise
                _ephemeral(respond, blocks.notice(problem.share))
                return
            with deps.sessions.begin() as session:
                record_posted_message(session, team_id, posted["channel"], posted["ts"], insight.id)
            _ephemeral(respond, blocks.notice(f"Shared in <#{channel_id}>."))

    @app.action(SAVE_ACTION)
    def save(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, logger: logging.Logger) -> None:
        ack()
        with friendly_failures(respond, logger, SAVE_ACTION):
            insight_id, team_id = action_insight_id(body), body["team"]["id"]
            with deps.sessions.begin() as session:  # only an insight this workspace may see
                insight = get_insight(session, insight_id, team_id=team_id) if insight_id is not None else None
                if insight is None:
                    _ephemeral(respond, blocks.notice(GONE))
                    return
                new = save_insight(session, team_id, body["user"]["id"], insight.id)
            if new:
                refresh_home(deps, client, body["team"]["id"], body["user"]["id"])
            preview = escape(clip(insight.text, 80))
            text = f"Saved: “{preview}”" if new else f"You had already saved “{preview}”."
            _ephemeral(respond, blocks.notice(text))
