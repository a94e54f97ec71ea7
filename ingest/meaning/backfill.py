"""The embedding worker: claims batches of insights without a current-model vector, embeds, stores.

Run by the scheduler/worker process when the meaning extra is installed (so importing or scanning
never waits for the model: insights are searchable lexically at once and by meaning once
embedded), and by `podbrief meaning backfill`. Each batch is its own short claim transaction,
model run outside any transaction, and store transaction: a crash loses at most one batch's
work, which is claimed again when its lease runs out.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from ingest.meaning.encoder import Encoder
from storage.embeddings_store import claim_batch, release, store_vectors

log = logging.getLogger("podbrief.meaning")

#: Insights per claim: one model run of a few batches, short enough to lose little on a crash.
BATCH = 256
#: A claim not stored within this long is free again (a batch takes ~2 s on one core).
LEASE = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class BackfillResult:
    embedded: int
    batches: int
    lost: int  # embedded but not stored: the claim was taken over (lease ran out)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backfill(
    sessions: sessionmaker[Session], encoder: Encoder, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    batch: int = BATCH, lease: timedelta = LEASE, max_batches: int | None = None,
    on_batch: Callable[[int], None] | None = None, worker: str | None = None,
) -> BackfillResult:
    """Embed insights in batches until none is left (or `max_batches`); `on_batch(n)` after each stored batch."""
    name = worker or worker_name()
    embedded = batches = lost = 0
    while max_batches is None or batches < max_batches:
        with sessions.begin() as session:
            claimed, more = claim_batch(session, model_id=encoder.model_id, worker=name, now=clock(),
                                        lease=lease, limit=batch)
        if not claimed.items:
            if more:
                continue  # another worker took this batch first: look again
            break
        try:
            vectors = encoder([text for _, text in claimed.items])
        except Exception:
            with sessions.begin() as session:
                release(session, claimed)
            raise
        with sessions.begin() as session:
            stored = store_vectors(session, claimed, vectors, model_id=encoder.model_id, now=clock())
        embedded += stored
        lost += len(claimed.items) - stored
        batches += 1
        if on_batch is not None:
            on_batch(stored)
    return BackfillResult(embedded, batches, lost)


def embed_tick(sessions: sessionmaker[Session], encoder: Encoder,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> BackfillResult:
    """One scheduled pass: embed what is waiting (logged when anything was)."""
    result = backfill(sessions, encoder, clock=clock)
    if result.embedded or result.lost:
        log.info("meaning: %d insights embedded in %d batches (%d lost to another worker)",
                 result.embedded, result.batches, result.lost)
    return result
