"""The request context: who typed a command, in which channel, and the digest target it addresses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from insights.targets import CHANNEL, PERSON


@dataclass(frozen=True, slots=True)
class Asker:
    """Who typed the command, in which channel, with which command name."""

    team_id: str
    channel_id: str
    user_id: str
    command: str = "/insights"
    in_group_dm: bool = False  # a multi-person DM (`mpdm-…`): no channel digests, no conversations.info

    def place(self, personal: bool) -> Place:
        """The target a command addresses: this channel, or the asker's personal brief."""
        if personal:
            return Place(self.team_id, self.user_id, PERSON)
        return Place(self.team_id, self.channel_id, CHANNEL)

    @property
    def in_direct_message(self) -> bool:
        return self.channel_id.startswith("D")


@dataclass(frozen=True, slots=True)
class Place:
    """A digest target's key: team, channel (or user id) and kind."""

    team_id: str
    channel_id: str
    kind: str

    @property
    def personal(self) -> bool:
        return self.kind == PERSON



def to_asker(command: dict[str, Any]) -> Asker:
    """Who sent a slash command payload, and where."""
    return Asker(
        team_id=str(command.get("team_id") or ""),
        channel_id=str(command.get("channel_id") or ""),
        user_id=str(command.get("user_id") or ""),
        command=str(command.get("command") or "/insights"),
        in_group_dm=str(command.get("channel_name") or "").startswith("mpdm-"),
    )
