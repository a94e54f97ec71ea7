"""A workspace's life: installed, uninstalled (digests stop), purged after the grace period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import TableClause, column, delete, func, select, table
from sqlalchemy.orm import Session

from storage.channels_store import update_workspace
from storage.clock import as_utc
from storage.models import (
    Channel,
    DeliveredInsight,
    Delivery,
    Feedback,
    PostedMessage,
    SavedInsight,
    SettingsChange,
    Workspace,
)
from storage.sql_helpers import changed_rows

#: slack_sdk's installation tables (migration 0005), seen only as far as purging needs.
_SLACK_TABLES: tuple[TableClause, ...] = tuple(
    table(name, column("team_id")) for name in ("slack_installations", "slack_bots")
)
#: Every table holding a workspace's data, children before parents.
_TEAM_MODELS = (DeliveredInsight, Delivery, PostedMessage, SavedInsight, Feedback, SettingsChange, Channel)


@dataclass(frozen=True, slots=True)
class WorkspaceStatus:
    """What an operator sees of one workspace."""

    team_id: str
    team_name: str | None
    active: bool
    inactive_reason: str | None
    installed_at: datetime | None
    uninstalled_at: datetime | None
    digest_targets: int
    saved_insights: int


def record_installed(
    session: Session, team_id: str, now: datetime, *, team_name: str | None = None,
    enterprise_id: str | None = None, by_user: str | None = None,
) -> None:
    """The app is (re)installed: deliveries resume and any pending purge is called off."""
    named = {"team_name": team_name[:200]} if team_name else {}
    update_workspace(session, team_id, by_user=by_user, change="installed Podbrief", active=True, inactive_reason=None,
                     installed_at=now, uninstalled_at=None, enterprise_id=enterprise_id, **named)


def reactivate(session: Session, team_id: str, now: datetime) -> bool:
    """Mark an inactive workspace active again (its token works once more); True when it was inactive."""
    row = session.get(Workspace, team_id)
    if row is None or row.active:
        return False
    record_installed(session, team_id, now, team_name=row.team_name, enterprise_id=row.enterprise_id)
    return True


def record_uninstalled(session: Session, team_id: str, reason: str, now: datetime) -> None:
    """Stop deliveries; the grace period runs from the first uninstall, not from repeats."""
    update_workspace(session, team_id, by_user=None, change=reason, active=False, inactive_reason=reason[:500],
                     uninstalled_at=func.coalesce(Workspace.uninstalled_at, now))


def workspaces_to_purge(session: Session, now: datetime, grace: timedelta) -> list[str]:
    """Workspaces uninstalled longer ago than the grace period."""
    cutoff = now - grace
    rows = session.scalars(
        select(Workspace.team_id).where(Workspace.active.is_(False), Workspace.uninstalled_at.is_not(None),
                                        Workspace.uninstalled_at <= cutoff)
    )
    return list(rows)


def purge_workspace(session: Session, team_id: str) -> dict[str, int]:
    """Delete everything stored for one workspace; returns rows deleted per table."""
    deleted: dict[str, int] = {}
    for model in _TEAM_MODELS:
        result = session.execute(delete(model).where(model.team_id == team_id))
        deleted[model.__tablename__] = changed_rows(result)
    for slack_table in _SLACK_TABLES:
        result = session.execute(delete(slack_table).where(slack_table.c.team_id == team_id))
        deleted[slack_table.name] = changed_rows(result)
    result = session.execute(delete(Workspace).where(Workspace.team_id == team_id))
    deleted[Workspace.__tablename__] = changed_rows(result)
    return deleted


def list_workspaces(session: Session) -> list[WorkspaceStatus]:
    """Every known workspace with a little of what it holds, active ones first."""
    targets = _counts(session, Channel)
    saved = _counts(session, SavedInsight)
    statuses = [
        WorkspaceStatus(
            team_id=row.team_id, team_name=row.team_name, active=row.active, inactive_reason=row.inactive_reason,
            installed_at=as_utc(row.installed_at), uninstalled_at=as_utc(row.uninstalled_at),
            digest_targets=targets.get(row.team_id, 0), saved_insights=saved.get(row.team_id, 0),
        )
        for row in session.scalars(select(Workspace))
    ]
    return sorted(statuses, key=lambda s: (not s.active, s.team_name or s.team_id))


def _counts(session: Session, model: type[Channel] | type[SavedInsight]) -> dict[str, int]:
    return dict(session.execute(select(model.team_id, func.count()).group_by(model.team_id)).all())


def enterprise_of(session: Session, team_id: str) -> str | None:
    """The Enterprise Grid a workspace belongs to (None for a standalone workspace)."""
    return session.scalar(select(Workspace.enterprise_id).where(Workspace.team_id == team_id))
