"""Messages the bot posted and the insight each carries: (team, channel, ts) -> insight."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from storage.clock import utc_now
from storage.models import PostedMessage
from storage.sql_helpers import key_parameter, keys_in, upsert_insert


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
