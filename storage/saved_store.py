"""Saved insights: one row per (team, user, insight)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from insights.model import Insight
from insights.search import Candidate
from storage.clock import as_utc, utc_now
from storage.insights_store import insight_query, to_insight
from storage.models import InsightRow, SavedInsight
from storage.sql_helpers import key_parameter, keys_in

#: At most this many of a person's newest saved insights are searched or exported.
MAX_SAVED_SCANNED = 5000


@dataclass(frozen=True, slots=True)
class Saved:
    """An insight a person saved, and when."""

    insight: Insight
    saved_at: datetime


def save_insight(session: Session, team_id: str, user_id: str, insight_id: int, *, now: datetime | None = None) -> bool:
    """Save an insight for a person at `now` (the current time when not given); True when it was not
    saved before (retries are harmless)."""
    params = {"team_id": team_id, "user_id": user_id, "insight_id": insight_id, "saved_at": now or utc_now()}
    return session.connection().execute(_statements(session.get_bind().dialect.name)[0], params).first() is not None


def unsave_insight(session: Session, team_id: str, user_id: str, insight_id: int) -> bool:
    """Remove a saved insight; True when there was one."""
    params = {"team_id": team_id, "user_id": user_id, "insight_id": insight_id}
    return session.connection().execute(_statements(session.get_bind().dialect.name)[1], params).rowcount == 1


SavedKey = tuple[str, str, int]  # (team_id, user_id, insight_id)

@cache
def _saved_keys(dialect: str) -> Select[str, str, int]:
    """Which of many (team, user, insight) are saved, built once per dialect (as `messages_store.posted_records`)."""
    columns = (SavedInsight.team_id, SavedInsight.user_id, SavedInsight.insight_id)
    return select(*columns).where(keys_in(columns, dialect))


def saved_keys(session: Session, keys: Collection[SavedKey]) -> set[SavedKey]:
    """The keys among `keys` that are saved now, in one query (a batch of reactions)."""
    if not keys:
        return set()
    dialect = session.get_bind().dialect.name
    rows = session.connection().execute(_saved_keys(dialect), {"keys": key_parameter(keys, dialect)})
    return {(row.team_id, row.user_id, row.insight_id) for row in rows}


def save_many(session: Session, keys: Collection[SavedKey], now: datetime) -> None:
    """`save_insight` for many keys in one executemany (each saved at `now`; saved ones stay as they are)."""
    if keys:
        params = [{"team_id": t, "user_id": u, "insight_id": i, "saved_at": now} for t, u, i in keys]
        session.connection().execute(_many_statements(session.get_bind().dialect.name)[0], params)


def unsave_many(session: Session, keys: Collection[SavedKey]) -> None:
    """`unsave_insight` for many keys in one executemany."""
    if keys:
        params = [{"team_id": t, "user_id": u, "insight_id": i} for t, u, i in keys]
        session.connection().execute(_many_statements(session.get_bind().dialect.name)[1], params)


@cache
def _many_statements(dialect: str) -> tuple[Any, Any]:
    """(insert-if-absent, delete) as `_statements` but without RETURNING, so a list of parameters runs as one
    DB-API executemany."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SavedInsight)
    save = insert.values({c: bindparam(c) for c in ("team_id", "user_id", "insight_id", "saved_at")})
    return save.on_conflict_do_nothing(index_elements=["team_id", "user_id", "insight_id"]), _statements(dialect)[1]


@cache
def _statements(dialect: str) -> tuple[Any, Any]:
    """(insert-if-absent, delete), built once per dialect and run on the session's connection (no ORM work): saves by reaction come in bursts."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SavedInsight)
    save = (
        insert.values({c: bindparam(c) for c in ("team_id", "user_id", "insight_id", "saved_at")})
        .on_conflict_do_nothing(index_elements=["team_id", "user_id", "insight_id"])
        .returning(SavedInsight.id)
    )
    unsave = delete(SavedInsight).where(
        SavedInsight.team_id == bindparam("team_id"),
        SavedInsight.user_id == bindparam("user_id"),
        SavedInsight.insight_id == bindparam("insight_id"),
    )
    return save, unsave


def count_saved(session: Session, team_id: str, user_id: str) -> int:
    return session.connection().execute(_COUNT_SAVED, {"team_id": team_id, "user_id": user_id}).scalar() or 0


def list_saved(session: Session, team_id: str, user_id: str, *, offset: int = 0, limit: int = 10) -> list[Saved]:
    """A person's saved insights, newest first."""
    params = {"team_id": team_id, "user_id": user_id, "offset": max(offset, 0), "limit": limit}
    return [Saved(to_insight(row), as_utc(row.saved_at)) for row in session.connection().execute(_LIST_SAVED, params)]


#: The Home tab's statements, built once and run on the session's connection (a Home rebuild follows every
#: save; building the statement and the ORM's execution steps cost more than the query itself).
_PERSON = (SavedInsight.team_id == bindparam("team_id"), SavedInsight.user_id == bindparam("user_id"))
_COUNT_SAVED = select(func.count()).select_from(SavedInsight).where(*_PERSON)
_LIST_SAVED = (
    insight_query()
    .add_columns(SavedInsight.saved_at)
    .join(SavedInsight, SavedInsight.insight_id == InsightRow.id)
    .where(*_PERSON)
    .order_by(SavedInsight.saved_at.desc(), SavedInsight.id.desc())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)


def saved_candidates(session: Session, team_id: str, user_id: str) -> list[Candidate]:
    """A person's saved insights as search candidates (with their indexed terms), newest first."""
    query = (
        insight_query()
        .add_columns(InsightRow.search_text)
        .join(SavedInsight, SavedInsight.insight_id == InsightRow.id)
        .where(SavedInsight.team_id == team_id, SavedInsight.user_id == user_id)
        .order_by(SavedInsight.saved_at.desc(), SavedInsight.id.desc())
        .limit(MAX_SAVED_SCANNED)
    )
    return [Candidate(to_insight(row), tuple(row.search_text.split())) for row in session.execute(query)]
