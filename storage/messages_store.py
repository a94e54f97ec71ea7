"""Messages the bot posted and the insight each carries: (team, channel, ts) -> insight."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, bindparam, func, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from storage.clock import utc_now
from storage.models import PostedMessage
from storage.sql_helpers import upsert_insert


class PostedRecord(NamedTuple):
    """What a message the bot posted carries: its kind and insight (None once the insight is deleted)."""

    kind: str
    insight_id: int | None


#: A message the bot posted, as reactions name it: (team, channel, ts).
MessageKey = tuple[str, str, str]

#: Built once: reactions look messages up at high rates, and building a statement costs more than running it.
_RECORD = select(PostedMessage.kind, PostedMessage.insight_id).where(
    PostedMessage.team_id == bindparam("team_id"),
    PostedMessage.channel_id == bindparam("channel_id"),
    PostedMessage.ts == bindparam("ts"),
)


def record_posted_message(
    session: Session,
    team_id: str,
    channel_id: str,
    ts: str,
    insight_id: int | None,
    kind: str = "insight",
    *,
    now: datetime | None = None,
) -> None:
    """Remember which insight a posted message carries (for saving by reaction), posted at `now`
    (the current time when not given)."""
    statement = (
        upsert_insert(session, PostedMessage)
        .values(
            team_id=team_id,
            channel_id=channel_id,
            ts=ts,
            insight_id=insight_id,
            kind=kind,
            posted_at=now or utc_now(),
        )
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "ts"])
    )
    session.execute(statement)


def posted_message(session: Session, team_id: str, channel_id: str, ts: str) -> PostedMessage | None:
    """The record of a message the bot posted, or None for anybody else's message."""
    return session.scalar(
        select(PostedMessage).where(
            PostedMessage.team_id == team_id, PostedMessage.channel_id == channel_id, PostedMessage.ts == ts
        )
    )


def posted_record(session: Session, team_id: str, channel_id: str, ts: str) -> PostedRecord | None:
    """`posted_message`, reduced to kind and insight (the fast path for reactions)."""
    row = session.connection().execute(_RECORD, {"team_id": team_id, "channel_id": channel_id, "ts": ts}).first()
    return PostedRecord(row.kind, row.insight_id) if row else None


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


@cache
def _records(dialect: str) -> Select[str, str, str, str, int | None]:
    """`posted_records`' statement, built once per dialect (like `_RECORD`)."""
    columns = (PostedMessage.team_id, PostedMessage.channel_id, PostedMessage.ts)
    return select(*columns, PostedMessage.kind, PostedMessage.insight_id).where(keys_in(columns, dialect))


def posted_records(session: Session, keys: Collection[MessageKey]) -> dict[MessageKey, PostedRecord]:
    """`posted_record` for many messages in one query: the keys the bot posted, each with its record
    (a key missing from the answer is somebody else's message). For a batch of reactions."""
    if not keys:
        return {}
    dialect = session.get_bind().dialect.name
    rows = session.connection().execute(_records(dialect), {"keys": key_parameter(keys, dialect)})
    return {(row.team_id, row.channel_id, row.ts): PostedRecord(row.kind, row.insight_id) for row in rows}
