"""The one table of Slack error codes Podbrief acts on, and what each surface tells people about them.

A channel Podbrief cannot post in is explained differently where it shows: on a Share button
(`share`), when someone sets up a digest (`setup`), and when a scheduled digest is paused (`paused`).
A code that says the workspace's token no longer works stops its deliveries; a code that says
the trouble is on Slack's side is retried.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk.errors import SlackApiError


@dataclass(frozen=True, slots=True)
class ChannelProblem:
    """What to tell people when Slack refuses to post in a channel, per surface."""

    share: str
    setup: str
    paused: str
    seen_by_lookup: bool  # `conversations.info` itself answers with this code


#: Channel codes: Podbrief is not in the channel, cannot see it, or it is archived.
CHANNEL_PROBLEMS: dict[str, ChannelProblem] = {
    "not_in_channel": ChannelProblem(
        share="I'm not a member of this channel yet. Invite me with `/invite @Podbrief`, then share again.",
        setup="I'm not a member of this channel yet, so I can't post the digest here. "
        "Invite me with `/invite @Podbrief` before the first delivery.",
        paused="Podbrief is not a member of this channel. Invite it with /invite @Podbrief, then /insights digest resume.",
        seen_by_lookup=True,
    ),
    "channel_not_found": ChannelProblem(
        share="I can't see this channel. If it's private, invite me with `/invite @Podbrief` first.",
        setup="I can't see this channel (it may be private). "
        "Invite me with `/invite @Podbrief` before the first delivery.",
        paused="Podbrief cannot see this channel (deleted, or private without Podbrief). Invite it, then /insights digest resume.",
        seen_by_lookup=True,
    ),
    "is_archived": ChannelProblem(
        share="This channel is archived, so I can't post in it.",
        setup="This channel is archived, so I can't post the digest in it.",
        paused="The channel is archived. Unarchive it, then /insights digest resume.",
        seen_by_lookup=False,  # `conversations.info` answers; the channel says `is_archived`
    ),
}
#: The workspace's token no longer works: its deliveries stop until it installs Podbrief again.
WORKSPACE_TOKEN_CODES = frozenset({"invalid_auth", "account_inactive", "token_revoked", "not_authed"})
#: Refreshing a rotating bot token failed for good.
TOKEN_REFRESH_CODES = frozenset({"invalid_refresh_token", "invalid_grant", "token_revoked"})
#: The trouble is on Slack's side (after the client's own retries): try again later.
SLACK_TROUBLE_CODES = frozenset({"ratelimited", "internal_error", "fatal_error", "service_unavailable",
                                 "request_timeout"})


def error_code(error: SlackApiError) -> str:
    """The `error` field of a Slack API error response ("" when there is none)."""
    return str(error.response.get("error") or "")
