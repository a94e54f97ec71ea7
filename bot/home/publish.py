"""Publishing the App Home tab: gather what one person sees, render it, `views.publish` it."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.deps import Deps
from bot.digest.settings import upcoming
from bot.home.blocks import HOME_SAVED, HomeContent, HomeDigest, home_blocks
from bot.shared import outgoing
from bot.shared.slack_facts import look_up_person
from insights.targets import DigestTarget
from storage.channels_store import get_workspace
from storage.home_queries import visible_digests
from storage.saved_store import count_saved, list_saved

log = logging.getLogger("podbrief.home")

#: users.conversations pages read at most (200 channels each).
MAX_CHANNEL_PAGES = 5
#: A person's Home tab is rebuilt after a change at most this often (a burst of saves: once now, once at the end).
REFRESH_SPACING_SECONDS = 3.0


def member_channels(client: WebClient, user_id: str) -> tuple[list[str], str | None]:
    """The channels a person belongs to (that the bot can see), and a note when the list is incomplete."""
    channels: list[str] = []
    cursor: str | None = None
    try:
        for _ in range(MAX_CHANNEL_PAGES):
            page = client.users_conversations(
                user=user_id, types="public_channel,private_channel", exclude_archived=True, limit=200, cursor=cursor
            )
            channels += [str(c["id"]) for c in page.get("channels") or [] if c.get("id")]
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return channels, None
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        log.warning("users.conversations failed for %s: %s", user_id, code)
        return channels, f"I couldn't list your channels just now (Slack said {code}), so some digests may be missing."
    except SlackClientError as error:
        log.warning("users.conversations failed for %s: %s", user_id, error)
        return channels, "I couldn't reach Slack to list your channels, so some digests may be missing."
    return channels, "You are in many channels; only the digests of the first 1,000 are shown."


def home_content(deps: Deps, client: WebClient, team_id: str, user_id: str) -> HomeContent:
    """What `user_id` of `team_id` sees on the Home tab now."""
    channels, note = member_channels(client, user_id)
    now = deps.clock()
    with deps.sessions() as session:
        saved = list_saved(session, team_id, user_id, limit=HOME_SAVED)
        total = count_saved(session, team_id, user_id) if len(saved) == HOME_SAVED else len(saved)
        targets = visible_digests(session, team_id, user_id, channels)
        workspace = get_workspace(session, team_id)
        changeable = _may_change(client, workspace.restrict_settings, user_id)
        digests = [HomeDigest(t, upcoming(session, t, now), changeable(t)) for t in targets]
        emojis = workspace.save_emojis
    return HomeContent(saved, total, digests, emojis, now, note, user_id)


def _may_change(client: WebClient, restricted: bool, user_id: str) -> Callable[[DigestTarget], bool]:
    """Whether `user_id` may change a digest: the settings commands' rule (admins looked up once, if needed)."""
    admin: list[bool] = []

    def may(target: DigestTarget) -> bool:
        if target.is_personal or not restricted or target.created_by == user_id:
            return True
        if not admin:
            admin.append(look_up_person(client, user_id).is_admin)
        return admin[0]

    return may


def publish_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    """Rebuild and publish a person's Home tab; a Slack failure is logged, never raised."""
    if not team_id or not user_id:
        return
    blocks = home_blocks(home_content(deps, client, team_id, user_id))
    try:
        client.views_publish(user_id=user_id, view=outgoing.home_view(blocks))
    except SlackClientError as error:
        log.warning("views.publish failed for %s: %s", user_id, error)


def refresh_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    """Rebuild a person's Home tab in the background, at most every `REFRESH_SPACING_SECONDS` per person.

    A burst of saves by one person publishes at its start and once more after it, that last
    time with everything the burst saved (the rebuild reads the database when it runs).
    """
    deps.background.submit(
        ("home", team_id, user_id),
        lambda: publish_home(deps, client, team_id, user_id),
        spacing=REFRESH_SPACING_SECONDS,
    )
