"""The one place a workspace becomes inactive: its deliveries stop until it installs Podbrief again.

Three things stop a workspace: Slack refusing its token while a digest is posted, a token that can no
longer be refreshed, and an uninstall or revoked token (which also starts the grace period before
its data is purged). All three go through here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from storage.channels_store import update_workspace
from storage.workspaces_store import record_uninstalled


def stop_deliveries(session: Session, team_id: str, reason: str, *, change: str | None = None) -> None:
    """Mark the workspace inactive for `reason` (shown to operators); `change` is the audit line, else `reason`."""
    update_workspace(session, team_id, by_user=None, change=f"deliveries stopped: {change or reason}",
                     active=False, inactive_reason=reason)


def workspace_gone(session: Session, team_id: str, reason: str, now: datetime) -> None:
    """Uninstalled or its bot token revoked: inactive, and the purge grace period starts (once)."""
    record_uninstalled(session, team_id, reason, now)
