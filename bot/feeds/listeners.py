"""The Follow button on `/insights feeds search` results.

The feeds commands themselves (`feeds add|list|search|remove`, `settings feeds open|admins`) reach
`bot.feeds.actions.answer_feeds` through the `/insights` router.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.feeds.actions import answer_feeds
from bot.feeds.grammar import AddFeeds, FeedsError, unwrap_url
from bot.feeds.search_blocks import FOLLOW_ACTION
from bot.shared.replies import friendly_failures
from bot.shared.request import Asker


def register(app: App, deps: Deps) -> None:
    @app.action(FOLLOW_ACTION)
    def follow_clicked(
        ack: Ack, body: dict[str, Any], context: BoltContext, respond: Respond, client: WebClient,
        logger: logging.Logger,
    ) -> None:
        """Follow on a `feeds search` result: `feeds add` of its feed URL, for the clicking workspace."""
        ack()
        with friendly_failures(respond, logger, FOLLOW_ACTION):
            asker = Asker(team_id=str(context.team_id or ""), channel_id=str((body.get("channel") or {}).get("id") or ""),
                          user_id=str(context.user_id or ""))
            value = str(((body.get("actions") or [{}])[0]).get("value") or "")
            url = unwrap_url(value)
            parsed = AddFeeds((url,)) if url is not None else FeedsError("That Follow button has no usable feed "
                                                                          "address; search again.")
            message = answer_feeds(deps, client, asker, parsed)
            respond(response_type="ephemeral", replace_original=False, **message.as_kwargs())


def _feeds(count: int) -> str:
    return "the feed" if count == 1 else f"{count} feeds"
