"""What the settings commands need to know from Slack: a person's zone and role, the bot's access to a channel."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.shared.slack_errors import CHANNEL_PROBLEMS
from insights.schedule import is_valid_timezone

logger = logging.getLogger(__name__)

#: The codes `conversations.info` itself answers for a channel the bot cannot post in.
CANNOT_POST_CODES = frozenset(code for code, problem in CHANNEL_PROBLEMS.items() if problem.seen_by_lookup)


@dataclass(frozen=True, slots=True)
class Person:
    """A person's time zone (None when Slack gave no usable one) and whether they run the workspace."""

    user_id: str
    timezone: str | None = None
    is_admin: bool = False


@dataclass(frozen=True, slots=True)
class ChannelAccess:
    """Whether the bot can post in a channel, and if not, the Slack reason."""

    can_post: bool
    reason: str | None = None


def look_up_person(client: WebClient, user_id: str) -> Person:
    """`users.info`; a failed lookup counts as "no zone known, not an admin"."""
    try:
        user = client.users_info(user=user_id).get("user") or {}
    except SlackClientError as error:
        logger.warning("users.info failed for %s: %s", user_id, error)
        return Person(user_id)
    tz = user.get("tz")
    zone = tz if isinstance(tz, str) and is_valid_timezone(tz) else None
    admin = any(bool(user.get(flag)) for flag in ("is_admin", "is_owner", "is_primary_owner"))
    return Person(user_id, zone, admin)


def channel_access(client: WebClient, channel_id: str) -> ChannelAccess | None:
    """`conversations.info`: can the bot post here? None when Slack could not say."""
    try:
        channel = client.conversations_info(channel=channel_id).get("channel") or {}
    except SlackApiError as error:
        code = str(error.response.get("error") or "")
        if code in CANNOT_POST_CODES:
            return ChannelAccess(False, code)
        logger.warning("conversations.info failed for %s: %s", channel_id, code)
        return None
    except SlackClientError as error:
        logger.warning("conversations.info failed for %s: %s", channel_id, error)
        return None
    if channel.get("is_archived"):
        return ChannelAccess(False, "is_archived")
    if channel.get("is_member") is False:
        return ChannelAccess(False, "not_in_channel")
    return ChannelAccess(True)
