"""The digest settings modal: the "Change settings" button opens it, the zone select types ahead, Save applies.

`views.open` must use the click's `trigger_id` within 3 seconds, so the button's listener
reads the current values and opens the modal at once. A submission is checked before the
ack (errors go back next to the wrong fields), then carried out after it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.digest.modal import (
    CALLBACK_ID,
    OPEN_ACTION,
    ZONE_ACTION,
    ModalTarget,
    read_submission,
    refusal_view,
    settings_view,
    target_of_button,
    target_of_view,
    zone_options,
)
from bot.digest.modal_apply import apply_submission, asker_for, current_target, default_zone, refusal
from bot.shared.blocks import Message

log = logging.getLogger("podbrief.settings_modal")


def _origin_channel(body: dict[str, Any]) -> str | None:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return str(channel) if channel else None


def register(app: App, deps: Deps) -> None:
    zone_options("UTC")  # read the zone lists now, not inside the first type-ahead request (3 s to answer)
    @app.action(OPEN_ACTION)
    def open_settings(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        user_id, team_id = str(body["user"]["id"]), str(context.team_id or "")
        value = str(((body.get("actions") or [{}])[0]).get("value") or "")
        target = target_of_button(value, user_id, _origin_channel(body))
        if target is None or not team_id:
            return
        asker = asker_for(target, team_id, user_id)
        refused = refusal(deps.sessions, client, asker, target)
        if refused is not None:
            view = refusal_view(refused)
        else:
            current = current_target(deps.sessions, team_id, target)
            view = settings_view(target, current, default_zone(client, current, user_id))
        try:
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except SlackApiError as error:  # an expired trigger (over 3 s) cannot be retried
            log.warning("views.open failed for %s: %s", user_id, error.response.get("error"))

    @app.options(ZONE_ACTION)
    def suggest_zones(ack: Ack, body: dict[str, Any]) -> None:
        ack(options=zone_options(str(body.get("value") or "")))

    @app.view(CALLBACK_ID)
    def submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient,
                  context: BoltContext) -> None:
        user_id, team_id = str(body["user"]["id"]), str(context.team_id or "")
        target = target_of_view(view, user_id)
        wanted = read_submission(view)
        if target is None or not team_id:
            ack(response_action="errors", errors={"time": "This form is out of date: open it again."})
            return
        if isinstance(wanted, dict):
            ack(response_action="errors", errors=wanted)
            return
        asker = asker_for(target, team_id, user_id)
        refused = refusal(deps.sessions, client, asker, target)
        if refused is not None:
            ack(response_action="update", view=refusal_view(refused))
            return
        ack()
        _confirm(client, target, user_id, apply_submission(deps, client, asker, target, wanted))


def _confirm(client: WebClient, target: ModalTarget, user_id: str, message: Message) -> None:
    """The confirmation where the text command's would be: ephemeral in the channel, or the person's DM."""
    channel = target.origin_channel or (None if target.personal else target.channel_id)
    try:
        if channel is not None and not channel.startswith("D"):
            client.chat_postEphemeral(channel=channel, user=user_id, **message.as_kwargs())
        else:
            client.chat_postMessage(channel=user_id, unfurl_links=False, unfurl_media=False, **message.as_kwargs())
    except SlackApiError as error:
        log.warning("could not confirm digest settings to %s: %s", user_id, error.response.get("error"))
