"""Digest targets (channels and personal briefs), workspace settings and the audit trail."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime, time
from typing import Any

from sqlalchemy import Select, or_, select, tuple_, update
from sqlalchemy.orm import Session

from insights.schedule import DigestSchedule, days_from_mask
from insights.targets import CHANNEL, DigestTarget, WorkspaceSettings
from storage.clock import as_utc, utc_now
from storage.deliveries_store import taken
from storage.models import Channel, SettingsChange, Workspace
from storage.sql_helpers import upsert_insert


def to_target(row: Channel) -> DigestTarget:
    schedule = None
    if row.digest_time and row.timezone:
        hour, minute = (int(part) for part in row.digest_time.split(":"))
        schedule = DigestSchedule(time(hour, minute), row.timezone, days_from_mask(row.digest_days))
    return DigestTarget(
        team_id=row.team_id,
        channel_id=row.channel_id,
        kind=row.kind,
        topics=tuple(row.topics or ()),
        schedule=schedule,
        paused=row.paused,
        paused_reason=row.paused_reason,
        thread_mode=row.thread_mode,
        created_by=row.created_by,
        updated_by=row.updated_by,
        updated_at=as_utc(row.updated_at),
    )


def get_target(session: Session, team_id: str, channel_id: str) -> DigestTarget | None:
    row = _row(session, team_id, channel_id)
    return to_target(row) if row else None


def get_target_for_update(session: Session, team_id: str, channel_id: str) -> DigestTarget | None:
    """`get_target`, locking the row until the transaction ends (PostgreSQL), for read-modify-write."""
    row = _row(session, team_id, channel_id, for_update=True)
    return to_target(row) if row else None


def update_target(
    session: Session,
    team_id: str,
    channel_id: str,
    *,
    by_user: str | None,
    change: str,
    kind: str = CHANNEL,
    **fields: Any,
) -> DigestTarget:
    """Change a target's columns (creating it on first use) and record who did what."""
    row = _row(session, team_id, channel_id, for_update=True)
    if row is None:
        session.execute(
            upsert_insert(session, Channel)
            .values(team_id=team_id, channel_id=channel_id, kind=kind, topics=[], created_by=by_user,
                    created_at=utc_now(), updated_at=utc_now())
            .on_conflict_do_nothing(index_elements=["team_id", "channel_id"])
        )
        row = _row(session, team_id, channel_id, for_update=True)
        assert row is not None
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_by = by_user or row.updated_by
    row.updated_at = utc_now()
    session.add(SettingsChange(team_id=team_id, channel_id=channel_id, user_id=by_user, change=change[:500],
                               changed_at=utc_now()))
    session.flush()
    return to_target(row)


def pause_target(session: Session, team_id: str, channel_id: str, reason: str) -> None:
    """Pause a target's digest on the system's behalf (e.g. the bot was removed from it)."""
    session.execute(
        update(Channel)
        .where(Channel.team_id == team_id, Channel.channel_id == channel_id)
        .values(paused=True, paused_reason=reason[:500], updated_at=utc_now())
    )
    session.add(SettingsChange(team_id=team_id, channel_id=channel_id, user_id=None,
                               change=f"paused by Podbrief: {reason}"[:500], changed_at=utc_now()))


def scheduled_targets(session: Session) -> list[DigestTarget]:
    """Every target with a digest set up and not paused, in workspaces still active."""
    return [to_target(row) for row in session.scalars(_scheduled().order_by(Channel.id))]


def lock_due_targets(
    session: Session, due: Mapping[tuple[str, str], str], now: datetime, limit: int
) -> list[DigestTarget]:
    """Up to `limit` of the `due` targets ((team, channel) -> local date), oldest first, that are still
    scheduled and whose delivery for that date is neither finished nor held, locked until the
    transaction ends. PostgreSQL skips rows another transaction holds (FOR UPDATE SKIP LOCKED), so
    workers claiming at the same time each get different targets; SQLite has one writer anyway."""
    by_date: defaultdict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, local_date in due.items():
        by_date[local_date].append(key)
    if not by_date or limit < 1:
        return []
    still_due = or_(*(
        tuple_(Channel.team_id, Channel.channel_id).in_(keys) & ~taken(Channel.team_id, Channel.channel_id, day, now)
        for day, keys in by_date.items()
    ))
    statement = (
        _scheduled().where(still_due).order_by(Channel.id).limit(limit).with_for_update(skip_locked=True, of=Channel)
    )
    return [to_target(row) for row in session.scalars(statement)]


def _scheduled() -> Select[Channel]:
    inactive = select(Workspace.team_id).where(Workspace.active.is_(False))
    return select(Channel).where(
        Channel.digest_time.is_not(None), Channel.paused.is_(False), Channel.team_id.not_in(inactive)
    )


def recent_changes(session: Session, team_id: str, channel_id: str, limit: int = 5) -> list[tuple[str | None, str, datetime]]:
    """The latest (user, change, when) entries of a target's audit trail, newest first."""
    rows = session.execute(
        select(SettingsChange.user_id, SettingsChange.change, SettingsChange.changed_at)
        .where(SettingsChange.team_id == team_id, SettingsChange.channel_id == channel_id)
        .order_by(SettingsChange.id.desc())
        .limit(limit)
    )
    return [(r.user_id, r.change, as_utc(r.changed_at) or utc_now()) for r in rows]


def get_workspace(session: Session, team_id: str) -> WorkspaceSettings:
    row = session.get(Workspace, team_id)
    if row is None:
        return WorkspaceSettings(team_id)
    return WorkspaceSettings(
        team_id,
        restrict_settings=row.restrict_settings,
        quiet_day_note=row.quiet_day_note,
        active=row.active,
        inactive_reason=row.inactive_reason,
        save_emojis=tuple(row.save_emojis or ("bookmark",)),
        save_confirmations=row.save_confirmations,
        feeds_open_to_all=row.feeds_open_to_all,
    )


def update_workspace(session: Session, team_id: str, *, by_user: str | None, change: str, **fields: Any) -> WorkspaceSettings:
    """Change workspace settings (creating the row on first use), recorded in the audit trail."""
    session.execute(
        upsert_insert(session, Workspace).values(team_id=team_id, updated_at=utc_now()).on_conflict_do_nothing()
    )
    session.execute(update(Workspace).where(Workspace.team_id == team_id).values(updated_by=by_user, updated_at=utc_now(), **fields))
    session.add(SettingsChange(team_id=team_id, channel_id=None, user_id=by_user, change=change[:500], changed_at=utc_now()))
    return get_workspace(session, team_id)


def _row(session: Session, team_id: str, channel_id: str, for_update: bool = False) -> Channel | None:
    statement = select(Channel).where(Channel.team_id == team_id, Channel.channel_id == channel_id)
    if for_update and session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update()
    return session.scalar(statement)
