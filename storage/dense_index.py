"""The stored insight vectors in memory, for the meaning side of hybrid search (brute force, numpy).

Loaded once, then refreshed incrementally: vectors stored since the newest one loaded are
added (or replace the row of their insight), at most every `refresh_seconds`. A search is one
matrix-vector product over the rows of the workspace's podcasts (`storage.tenancy`: the same
scope lexical search applies; insights of no podcast are everyone's, as there). Query vectors
are computed by the caller (storage never runs the model).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from storage.embeddings_store import latest_stored_at, load_vectors

#: Stored vectors are looked for this often at most (a search in between uses what is loaded).
REFRESH_SECONDS = 2.0
#: stored_at of rows written in the same instant as the newest loaded one: re-read them.
_OVERLAP = timedelta(seconds=1)


class DenseIndex:
    """Unit vectors of `model_id` by insight id, with each insight's podcast (-1: none)."""

    def __init__(self, model_id: str, clock: Callable[[], float] = time.monotonic,
                 refresh_seconds: float = REFRESH_SECONDS) -> None:
        import numpy as np

        self.model_id = model_id
        self._np = np
        self._clock = clock
        self._refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._ids = np.zeros(0, dtype=np.int64)
        self._podcasts = np.zeros(0, dtype=np.int64)
        self._matrix: Any = None
        self._row: dict[int, int] = {}
        self._newest: datetime | None = None
        self._checked_at = float("-inf")
        self._version = 0  # bumped whenever rows change: the scope masks below are then stale
        self._masks: dict[tuple[frozenset[int], int], Any] = {}

    def __len__(self) -> int:
        return len(self._row)

    def refresh(self, session: Session, *, force: bool = False) -> None:
        """Load vectors stored since the last load (everything the first time)."""
        with self._lock:
            now = self._clock()
            if not force and now - self._checked_at < self._refresh_seconds:
                return
            self._checked_at = now
            if self._newest is not None:
                latest = latest_stored_at(session)
                if latest is None or latest <= self._newest:
                    return  # nothing stored since the last load (the usual case: one index lookup)
            since = None if self._newest is None else self._newest - _OVERLAP
            for part in load_vectors(session, model_id=self.model_id, stored_since=since):
                self._add(part.ids, part.podcasts, part.vectors)
                if part.newest is not None and (self._newest is None or part.newest > self._newest):
                    self._newest = part.newest

    def _add(self, ids: Any, podcasts: Any, vectors: Any) -> None:
        np = self._np
        self._version += 1
        self._masks.clear()
        fresh = [i for i, insight_id in enumerate(ids.tolist()) if insight_id not in self._row]
        for i, insight_id in enumerate(ids.tolist()):
            row = self._row.get(insight_id)
            if row is not None:
                self._matrix[row] = vectors[i]
                self._podcasts[row] = podcasts[i]
        if not fresh:
            return
        start = len(self._ids)
        self._ids = np.concatenate([self._ids, ids[fresh]])
        self._podcasts = np.concatenate([self._podcasts, podcasts[fresh]])
        block = vectors[fresh]
        self._matrix = block.copy() if self._matrix is None else np.concatenate([self._matrix, block])
        for offset, i in enumerate(fresh):
            self._row[int(ids[i])] = start + offset

    def nearest(self, query_vector: Any, k: int, scope: Collection[int] | None = None) -> dict[int, float]:
        """The `k` insights closest to `query_vector` (id -> cosine), among `scope`'s podcasts when given."""
        np = self._np
        with self._lock:
            matrix, ids = self._matrix, self._ids
            allowed = None if scope is None else self._mask(frozenset(scope))
        if matrix is None or k <= 0:
            return {}
        scores = matrix @ np.asarray(query_vector, dtype=np.float32)
        if allowed is not None:
            scores = np.where(allowed, scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        return {int(ids[i]): float(scores[i]) for i in top if np.isfinite(scores[i])}

    def _mask(self, scope: frozenset[int]) -> Any:
        """Which rows are in `scope` (or of no podcast), kept for the next searches of that scope."""
        key = (scope, self._version)
        mask = self._masks.get(key)
        if mask is None:
            if len(self._masks) >= 64:
                self._masks.clear()
            np = self._np
            wanted = np.fromiter(scope, dtype=np.int64, count=len(scope))
            mask = self._masks[key] = (self._podcasts == -1) | np.isin(self._podcasts, wanted)
        return mask

    def cosines(self, insight_ids: Sequence[int], query_vector: Any) -> dict[int, float]:
        """Cosine to the query of each of these insights that has a vector (id -> cosine)."""
        np = self._np
        with self._lock:
            matrix, rows = self._matrix, [(i, self._row[i]) for i in insight_ids if i in self._row]
        if matrix is None or not rows:
            return {}
        scores = matrix[[r for _, r in rows]] @ np.asarray(query_vector, dtype=np.float32)
        return {insight_id: float(scores[n]) for n, (insight_id, _) in enumerate(rows)}

    def vector(self, insight_id: int) -> Any | None:
        """The loaded vector of one insight, or None."""
        with self._lock:
            row = self._row.get(insight_id)
            return None if row is None or self._matrix is None else self._matrix[row]
