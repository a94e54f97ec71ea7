"""SQL building blocks shared by the stores, for both SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import CursorResult, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert_insert(session: Session, model: Any) -> Any:
    """The dialect's INSERT that supports ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def changed_rows(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE run through `Session.execute` matched.

    The session types every result as `Result`; for these statements it is a `CursorResult`, which
    carries the count (checked here rather than assumed)."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"expected the result of an UPDATE or DELETE, got {type(result).__name__}")
    return result.rowcount
