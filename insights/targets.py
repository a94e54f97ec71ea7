"""Digest targets: a channel, or one person (a personal brief), with its preferences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from insights.schedule import DigestSchedule

CHANNEL = "channel"
PERSON = "user"
MAX_TOPICS = 20


@dataclass(frozen=True, slots=True)
class DigestTarget:
    """Where a digest goes and what it should contain.

    For a personal brief `channel_id` is the person's user id; the DM channel is
    opened when the brief is posted.
    """

    team_id: str
    channel_id: str
    kind: str = CHANNEL
    topics: tuple[str, ...] = ()
    schedule: DigestSchedule | None = None
    paused: bool = False
    paused_reason: str | None = None
    thread_mode: bool = False
    created_by: str | None = None
    updated_by: str | None = None
    updated_at: datetime | None = None

    @property
    def is_personal(self) -> bool:
        return self.kind == PERSON

    @property
    def active(self) -> bool:
        """Set up and not paused: the scheduler delivers to it."""
        return self.schedule is not None and not self.paused


@dataclass(frozen=True, slots=True)
class WorkspaceSettings:
    """Workspace-wide choices."""

    team_id: str
    restrict_settings: bool = False
    quiet_day_note: bool = True
    active: bool = True
    inactive_reason: str | None = None
    save_emojis: tuple[str, ...] = ("bookmark",)
    save_confirmations: bool = True
    feeds_open_to_all: bool = False
