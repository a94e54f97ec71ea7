"""The embedding worker: claims batches of insights without a current-model vector, embeds, stores.

Run by the scheduler/worker process when the meaning extra is installed (so importing or scanning
never waits for the model: insights are searchable lexically at once and by meaning once
embedded), and by `podbrief meaning backfill`. Each batch is its own short claim transaction,
model run outside any transaction, and store transaction: a crash loses at most one batch's
work, which is claimed again when its lease runs out. A run walks down the ids (each claim
starts below the last one) and, at the bottom, looks once more from the top for insights added
or freed meanwhile: claiming stays as cheap at the millionth insight as at the first.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.orm import Session, sessionmaker

from storage.embeddings_store import claim_batch, release, store_vectors

log = logging.getLogger("podbrief.meaning")

#: Insights per claim: one model run sorts them by length (less padding than 256 at a time, ~4% less
#: model time), and a crash loses at most ~40 s of one core's work (bench/meaning_backfill_bench.py).
BATCH = 1024
#: A claim not stored within this long is free again (a batch takes ~40 s on one core).
LEASE = timedelta(minutes=5)


class Embedder(Protocol):
    """What a backfill needs of an encoder (`ingest.meaning.encoder.Encoder` is one)."""

    @property
    def model_id(self) -> str: ...

    def __call__(self, texts: Sequence[str]) -> Any: ...


@dataclass(frozen=True, slots=True)
class BackfillResult:
    embedded: int
    batches: int
    lost: int  # embedded but not stored: the claim was taken over (lease ran out)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def backfill(
    sessions: sessionmaker[Session], encoder: Embedder, *, clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    batch: int = BATCH, lease: timedelta = LEASE, max_batches: int | None = None,
    on_batch: Callable[[int], None] | None = None, worker: str | None = None,
) -> BackfillResult:
    """Embed insights in batches until none is left (or `max_batches`); `on_batch(n)` after each stored batch."""
    name = worker or worker_name()
    embedded = batches = lost = 0
    below: int | None = None  # where the walk down the ids is; None: from the newest
    while max_batches is None or batches < max_batches:
        from_newest = below is None
        with sessions.begin() as session:
            claimed, more = claim_batch(session, model_id=encoder.model_id, worker=name, now=clock(),
                                        lease=lease, limit=batch, below=below)
        below = claimed.lowest if more else None  # at the bottom: next from the newest again
        if not claimed.items:
            if more or not from_newest:
                continue  # another worker took these first (look further down), or back to the top
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


def embed_tick(sessions: sessionmaker[Session], encoder: Embedder,
               clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> BackfillResult:
    """One scheduled pass: embed what is waiting (logged when anything was)."""
    result = backfill(sessions, encoder, clock=clock)
    if result.embedded or result.lost:
        log.info("meaning: %d insights embedded in %d batches (%d lost to another worker)",
                 result.embedded, result.batches, result.lost)
    return result
