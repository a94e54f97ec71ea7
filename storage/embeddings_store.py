"""Stored insight embeddings and the queue of insights still to embed (the meaning extra).

The queue is implicit: an insight needs embedding while it has no `insight_vectors` row of the
current model. A worker claims a batch, newest insights first (below the last batch it claimed, when
it passes `below`: so a long backfill does not walk past every row it embedded for each batch), by
upserting claim rows: the
upsert only takes a row that is unclaimed or whose lease ran out, and returns the rows it took,
so two workers claiming at once (PostgreSQL waits on the other's uncommitted claim, then sees it
taken; SQLite has one writer) never get the same insight. Storing checks the claim token, so a
worker that lost its lease stores nothing. A vector of another model stays usable (and is
replaced) until the new one is stored. Vectors travel as float32 numpy arrays and are kept as
little-endian float16 bytes; storage never runs the model (callers pass vectors down).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from storage.clock import as_utc
from storage.models import InsightRow, InsightVector
from storage.sql_helpers import upsert_insert

#: Stored vector element type (2 bytes a dimension; cosine error ~1e-4 against float32).
STORED_DTYPE = "<f2"


@dataclass(frozen=True, slots=True)
class Claimed:
    """A claimed batch: the insights to embed (id, text) and the token that may store their vectors."""

    token: str
    items: tuple[tuple[int, str], ...]
    lowest: int | None = None  # the lowest insight id looked at (claimed or not): where the next claim starts


@dataclass(frozen=True, slots=True)
class EmbeddingStatus:
    """What `podbrief meaning status` shows."""

    insights: int
    embedded: int  # with a vector of the current model
    other_model: int  # with a vector of another model only (re-embedded in the background)
    in_progress: int  # claimed now, lease not run out

    @property
    def pending(self) -> int:
        return self.insights - self.embedded


@dataclass(frozen=True, slots=True)
class StoredVectors:
    """A slice of stored vectors: insight ids, their podcasts (-1: none), float32 rows, newest stored_at."""

    ids: Any
    podcasts: Any
    vectors: Any
    newest: datetime | None


def _needs_vector(model_id: str, now: datetime) -> Any:
    table = InsightVector.__table__
    return or_(
        table.c.insight_id.is_(None),
        and_(
            or_(table.c.model_id.is_(None), table.c.model_id != model_id),
            or_(table.c.lease_until.is_(None), table.c.lease_until < now),
        ),
    )


def claim_batch(session: Session, *, model_id: str, worker: str, now: datetime, lease: timedelta,
                limit: int, below: int | None = None) -> tuple[Claimed, bool]:
    """Take up to `limit` insights without a `model_id` vector, newest first (only ids below `below`
    when given); and whether more may be left (below `Claimed.lowest`)."""
    if limit < 1:
        return Claimed("", ()), True
    table = InsightVector.__table__
    query = (
        select(InsightRow.id, InsightRow.text)
        .outerjoin(table, table.c.insight_id == InsightRow.id)
        .where(_needs_vector(model_id, now))
        .order_by(InsightRow.id.desc())
        .limit(limit)
    )
    if below is not None:
        query = query.where(InsightRow.id < below)
    candidates = list(session.execute(query))
    if not candidates:
        return Claimed("", ()), False
    token = f"{worker[:60]}:{uuid.uuid4().hex}"
    insert = upsert_insert(session, table)
    statement = insert.values(
        [{"insight_id": row.id, "claimed_by": token, "lease_until": now + lease} for row in candidates]
    ).on_conflict_do_update(
        index_elements=["insight_id"],
        set_={"claimed_by": insert.excluded.claimed_by, "lease_until": insert.excluded.lease_until},
        where=and_(
            or_(table.c.model_id.is_(None), table.c.model_id != model_id),
            or_(table.c.lease_until.is_(None), table.c.lease_until < now),
        ),
    ).returning(table.c.insight_id)
    taken = {row.insight_id for row in session.execute(statement)}
    items = tuple((row.id, row.text) for row in candidates if row.id in taken)
    return Claimed(token, items, candidates[-1].id), len(candidates) == limit


def store_vectors(session: Session, claimed: Claimed, vectors: Any, *, model_id: str, now: datetime) -> int:
    """Store one vector per claimed item (in the claim's order) while the claim is still ours; how many were."""
    import numpy as np

    if not claimed.items:
        return 0
    table = InsightVector.__table__
    data = np.asarray(vectors, dtype=np.float32).astype(STORED_DTYPE)
    statement = (
        update(table)
        .where(table.c.insight_id == bindparam("iid"), table.c.claimed_by == claimed.token)
        .values(vector=bindparam("blob"), model_id=model_id, stored_at=now, claimed_by=None, lease_until=None)
    )
    rows = [{"iid": insight_id, "blob": data[i].tobytes()} for i, (insight_id, _) in enumerate(claimed.items)]
    result = session.connection().execute(statement, rows)
    return max(0, result.rowcount)


def release(session: Session, claimed: Claimed) -> None:
    """Give a claim back (the model failed on it): the insights are claimable again at once."""
    table = InsightVector.__table__
    session.execute(
        update(table).where(table.c.claimed_by == claimed.token).values(claimed_by=None, lease_until=None)
    )


def embedding_status(session: Session, *, model_id: str, now: datetime) -> EmbeddingStatus:
    """Counts of insights, embedded with `model_id`, with another model's vector only, and claimed now."""
    table = InsightVector.__table__
    insights = session.scalar(select(func.count()).select_from(InsightRow)) or 0
    current = func.count().filter(and_(table.c.model_id == model_id, table.c.vector.is_not(None)))
    other = func.count().filter(and_(table.c.model_id != model_id, table.c.vector.is_not(None)))
    running = func.count().filter(and_(table.c.claimed_by.is_not(None), table.c.lease_until >= now))
    row = session.execute(select(current, other, running).select_from(table)).one()
    return EmbeddingStatus(insights, row[0] or 0, row[1] or 0, row[2] or 0)


def load_vectors(session: Session, *, model_id: str, stored_since: datetime | None = None,
                 chunk: int = 50_000) -> Iterator[StoredVectors]:
    """The stored `model_id` vectors (with each insight's podcast), in chunks; only those stored at or
    after `stored_since` when given (an incremental refresh)."""
    import numpy as np

    table = InsightVector.__table__
    query = (
        select(table.c.insight_id, InsightRow.podcast_id, table.c.vector, table.c.stored_at)
        .join(InsightRow, InsightRow.id == table.c.insight_id)
        .where(table.c.model_id == model_id, table.c.vector.is_not(None))
        .order_by(table.c.insight_id)
    )
    if stored_since is not None:  # few rows, found through the stored_at index (no walk of the key)
        rows = session.execute(query.order_by(None).where(table.c.stored_at >= stored_since)).all()
        if rows:
            yield _stored(rows, np)
        return
    after = -1
    while True:
        rows = session.execute(query.where(table.c.insight_id > after).limit(chunk)).all()
        if not rows:
            return
        yield _stored(rows, np)
        after = rows[-1].insight_id


def _stored(rows: Sequence[Any], np: Any) -> StoredVectors:
    ids = np.fromiter((r.insight_id for r in rows), dtype=np.int64, count=len(rows))
    podcasts = np.fromiter((-1 if r.podcast_id is None else r.podcast_id for r in rows), dtype=np.int64,
                           count=len(rows))
    vectors = np.frombuffer(b"".join(r.vector for r in rows), dtype=STORED_DTYPE).reshape(len(rows), -1)
    newest = max((as_utc(r.stored_at) for r in rows if r.stored_at is not None), default=None)
    return StoredVectors(ids, podcasts, vectors.astype(np.float32), newest)


def latest_stored_at(session: Session) -> datetime | None:
    """When the newest vector was stored (any model; one lookup in the stored_at index)."""
    newest: datetime | None = session.scalar(select(func.max(InsightVector.__table__.c.stored_at)))
    return as_utc(newest)


def vectors_for(session: Session, ids: Sequence[int], *, model_id: str) -> dict[int, Any]:
    """The stored `model_id` vectors of these insights (float32), by id; missing ones are left out."""
    import numpy as np

    table = InsightVector.__table__
    found: dict[int, Any] = {}
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(table.c.insight_id, table.c.vector)
            .where(table.c.insight_id.in_(list(ids[start : start + 500])), table.c.model_id == model_id,
                   table.c.vector.is_not(None))
        )
        for row in rows:
            found[row.insight_id] = np.frombuffer(row.vector, dtype=STORED_DTYPE).astype(np.float32)
    return found
