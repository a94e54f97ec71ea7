"""SQL building blocks shared by the stores, for both SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, Result, bindparam, func, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session


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


def keys_in(columns: Sequence[ColumnElement[Any] | InstrumentedAttribute[Any]], dialect: str) -> ColumnElement[bool]:
    """`(columns) IN :keys`, with `:keys` passed as `key_parameter` gives it for `dialect`.

    SQLite scans the whole table for the `IN (VALUES (?, ?), ...)` that an expanding parameter renders
    (it searches the index only for `IN (SELECT ...)`), so there the keys are one JSON array, unpacked by
    `json_each`: an index search per key whatever the table's size, and one statement text for any count."""
    if dialect != "sqlite":
        return tuple_(*columns).in_(bindparam("keys", expanding=True))
    each = func.json_each(bindparam("keys")).table_valued("value")
    parts = [func.json_extract(each.c.value, f"$[{n}]") for n in range(len(columns))]
    return tuple_(*columns).in_(select(*parts))


def key_parameter(keys: Collection[tuple[Any, ...]], dialect: str) -> Any:
    """The value of `keys_in`'s `:keys` for `dialect`."""
    return json.dumps(list(keys)) if dialect == "sqlite" else list(keys)
