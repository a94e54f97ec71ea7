"""`link_shared`: acknowledged at once; the lookup (and any podcast-app page fetch) runs after the ack."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.deps import Deps
from bot.sharing.unfurls import fetch_page, to_shared_links, unfurl_links


def register(app: App, deps: Deps) -> None:
    def acknowledge(ack: Ack) -> None:
        ack()

    def unfurl(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        if shared := to_shared_links(event, context.team_id):
            unfurl_links(deps, client, shared, fetch_page(deps))

    app.event("link_shared")(ack=acknowledge, lazy=[unfurl])
