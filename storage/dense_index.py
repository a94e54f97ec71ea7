"""The stored insight vectors in memory, for the meaning side of hybrid search (numpy, no ANN library).

Each vector is kept twice: as int8 with a scale of its own (1 byte a dimension, for the cosine:
error ~1e-3) and as one sign bit a dimension (48 bytes for 384 dimensions). A search over many rows first ranks every row in scope
by the Hamming distance of its bits to the query's (a XOR and a popcount a 64-bit word), then
computes the cosine of the closest `rescore` rows only, so a query reads ~50 MB at 1M rows instead
of 1.5 GB; small indexes (and small scopes) are searched exactly. Products are computed without
BLAS (`einsum`): OpenBLAS's threads spin and, on a busy 2-core machine, made a 2,000-row product
take 25 ms instead of 0.3. The sign bits are taken
after subtracting the mean vector of the first rows loaded (embeddings share a common direction,
which would otherwise set the same bits everywhere).

Loaded once, then refreshed incrementally: vectors stored since the newest one loaded are added
(or replace the row of their insight), at most every `refresh_seconds`. `warm()` loads in a
background thread at start-up; searches meanwhile use the rows loaded so far (and lexical search
the rest) instead of waiting. A search is restricted to the rows of the workspace's podcasts
(`storage.tenancy`: the same scope lexical search applies; insights of no podcast are everyone's,
as there). Query vectors are computed by the caller (storage never runs the model).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from storage.embeddings_store import latest_stored_at, load_vectors

log = logging.getLogger(__name__)

#: Stored vectors are looked for this often at most (a search in between uses what is loaded).
REFRESH_SECONDS = 2.0
#: stored_at of rows written in the same instant as the newest loaded one: re-read them.
_OVERLAP = timedelta(seconds=1)
#: Rows whose true cosine is computed after the bit prefilter (per search).
RESCORE = 2_000
#: Up to this many rows in scope, every cosine is computed (no prefilter).
EXACT_ROWS = 20_000
#: Rows the arrays grow by at least (then by a quarter): appends are amortised, not a copy per batch.
_MIN_CAPACITY = 1_024
#: Rows whose sign bits the prefilter compares in one step (the buffers of a step stay in the CPU cache).
_HAMMING_BLOCK = 32_768
#: The prefilter's cutoff is read from a histogram of every this-many-th row's distance...
_SAMPLE_STEP = 16
#: ...aimed at this many times `rescore` rows (the sample's error at 1M rows is a few percent).
_SAMPLE_MARGIN = 1.25


class DenseIndex:
    """Unit vectors of `model_id` by insight id, with each insight's podcast (-1: none)."""

    def __init__(self, model_id: str, clock: Callable[[], float] = time.monotonic,
                 refresh_seconds: float = REFRESH_SECONDS, rescore: int = RESCORE,
                 exact_rows: int = EXACT_ROWS) -> None:
        import numpy as np

        self.model_id = model_id
        self.rescore = rescore
        self.exact_rows = exact_rows
        self._np = np
        self._clock = clock
        self._refresh_seconds = refresh_seconds
        self._lock = threading.Lock()  # guards the arrays (held briefly)
        self._loading = threading.Lock()  # one load or refresh at a time (held while reading the store)
        self._size = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._podcasts = np.zeros(0, dtype=np.int64)
        self._matrix: Any = None  # int8, (capacity, d)
        self._scales: Any = None  # float32, (capacity,): a row's vector is its int8 row times its scale
        self._bits: Any = None  # uint64, (words, capacity): one row of words per 64 dimensions
        self._center: Any = None  # float32 (d,)
        self._row: dict[int, int] = {}
        self._newest: datetime | None = None
        self._checked_at = float("-inf")
        self._version = 0  # bumped whenever rows change: the scope masks below are then stale
        self._masks: dict[tuple[frozenset[int], int], Any] = {}
        self._warming: threading.Thread | None = None

    def __len__(self) -> int:
        return self._size

    @property
    def loading(self) -> bool:
        """Whether a background load started by `warm()` is still running."""
        return self._warming is not None and self._warming.is_alive()

    def warm(self, sessions: sessionmaker[Session]) -> threading.Thread:
        """Load every stored vector in a background thread (call at start-up); returns the thread.

        Searches while it runs see the rows loaded so far and never wait for the rest."""
        with self._lock:
            if self._warming is not None:
                return self._warming
            self._warming = thread = threading.Thread(target=self._warm, args=(sessions,), name="dense-warm",
                                                      daemon=True)
        thread.start()
        return thread

    def _warm(self, sessions: sessionmaker[Session]) -> None:
        started = time.perf_counter()
        try:
            with sessions() as session:
                self.refresh(session, force=True)
        except Exception:  # a failed warm-up leaves the next search's refresh to try again
            log.exception("Loading the stored vectors failed")
            return
        log.info("Loaded %d stored vectors in %.1f s", len(self), time.perf_counter() - started)

    def refresh(self, session: Session, *, force: bool = False) -> None:
        """Load vectors stored since the last load (everything the first time). While another load
        runs (the background warm-up), return at once: the rows loaded so far are searched."""
        if not self._loading.acquire(blocking=False):
            if threading.current_thread() is not self._warming and not self.loading:
                self._loading.acquire()  # another search's refresh: a short wait
            else:
                return
        try:
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
            if since is None:
                self._fit()  # a full load: no room left over from growing
        finally:
            self._loading.release()

    def _add(self, ids: Any, podcasts: Any, vectors: Any) -> None:
        np = self._np
        vectors = np.asarray(vectors, dtype=np.float32)
        with self._lock:
            self._version += 1
            self._masks.clear()
            if self._center is None and len(vectors):
                self._center = vectors.mean(axis=0).astype(np.float32)
            fresh: list[int] = []
            for i, insight_id in enumerate(ids.tolist()):
                row = self._row.get(insight_id)
                if row is None:
                    fresh.append(i)
                else:
                    quantised, scale = self._quantised(vectors[i : i + 1])
                    self._matrix[row], self._scales[row] = quantised[0], scale[0]
                    self._bits[:, row] = self._sign_bits(vectors[i : i + 1])[:, 0]
                    self._podcasts[row] = podcasts[i]
            if not fresh:
                return
            start, end = self._size, self._size + len(fresh)
            self._reserve(end, vectors.shape[1])
            block = vectors[fresh]
            self._ids[start:end] = ids[fresh]
            self._podcasts[start:end] = podcasts[fresh]
            self._matrix[start:end], self._scales[start:end] = self._quantised(block)
            self._bits[:, start:end] = self._sign_bits(block)
            for offset, insight_id in enumerate(ids[fresh].tolist()):
                self._row[insight_id] = start + offset
            self._size = end

    def _reserve(self, rows: int, width: int) -> None:
        """Room for `rows` rows (capacity grows by a quarter: appending n rows copies O(n) in all)."""
        np = self._np
        capacity = 0 if self._matrix is None else len(self._matrix)
        if rows <= capacity:
            return
        capacity = max(rows, capacity + capacity // 4, _MIN_CAPACITY)
        words = (width + 63) // 64
        matrix = np.zeros((capacity, width), dtype=np.int8)
        scales = np.zeros(capacity, dtype=np.float32)
        bits = np.zeros((words, capacity), dtype=np.uint64)
        ids = np.zeros(capacity, dtype=np.int64)
        podcasts = np.zeros(capacity, dtype=np.int64)
        if self._matrix is not None:
            n = self._size
            matrix[:n] = self._matrix[:n]
            scales[:n] = self._scales[:n]
            bits[:, :n] = self._bits[:, :n]
            ids[:n] = self._ids[:n]
            podcasts[:n] = self._podcasts[:n]
        self._matrix, self._scales, self._bits, self._ids, self._podcasts = matrix, scales, bits, ids, podcasts

    def _fit(self) -> None:
        """Arrays exactly as long as the rows loaded (the next append grows them by a quarter)."""
        with self._lock:
            if self._matrix is None or len(self._matrix) == self._size:
                return
            n = self._size
            self._matrix, self._scales = self._matrix[:n].copy(), self._scales[:n].copy()
            self._bits = self._bits[:, :n].copy()
            self._ids, self._podcasts = self._ids[:n].copy(), self._podcasts[:n].copy()

    def _quantised(self, vectors: Any) -> tuple[Any, Any]:
        """Rows as int8 (the largest component at +-127) and each row's scale back."""
        np = self._np
        scales = np.maximum(np.abs(vectors).max(axis=1), 1e-12) / 127.0
        return np.rint(vectors / scales[:, None]).astype(np.int8), scales.astype(np.float32)

    def _scores(self, matrix: Any, scales: Any, rows: Any, query: Any) -> Any:
        """Cosines of `rows` (a slice or positions) to a unit query vector."""
        np = self._np
        chosen = matrix[rows] if isinstance(rows, slice) else matrix.take(rows, axis=0)
        return np.einsum("ij,j->i", chosen, query) * scales[rows]  # int8 cast on the fly, not a float copy

    def _sign_bits(self, vectors: Any) -> Any:
        """Each row's sign bits (after the center is subtracted), as `(words, rows)` uint64."""
        np = self._np
        width = vectors.shape[1]
        padded = np.zeros((len(vectors), ((width + 63) // 64) * 64), dtype=bool)
        padded[:, :width] = (vectors - self._center) > 0
        return np.ascontiguousarray(np.packbits(padded, axis=1).view(np.uint64).T)

    def nearest(self, query_vector: Any, k: int, scope: Collection[int] | None = None) -> dict[int, float]:
        """The `k` insights closest to `query_vector` (id -> cosine), among `scope`'s podcasts when given.

        Exact when few rows are in scope; else the `rescore` rows nearest by sign bits are ranked
        by cosine (the bits find the true nearest rows nearly always: see bench/meaning_search.py)."""
        np = self._np
        with self._lock:
            n = self._size
            if not n or k <= 0:
                return {}
            matrix, scales, bits, ids = self._matrix, self._scales, self._bits, self._ids
            allowed = None if scope is None else self._mask(frozenset(scope))
            center = self._center
        query = np.asarray(query_vector, dtype=np.float32)
        in_scope = n if allowed is None else int(allowed.count)
        rows: Any
        if in_scope <= max(self.exact_rows, self.rescore):
            rows = slice(0, n) if allowed is None else allowed.rows
        else:
            rows = self._prefilter(bits, n, query - center, allowed)
        scores = self._scores(matrix, scales, rows, query)
        if not len(scores):
            return {}
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        positions = top if isinstance(rows, slice) else rows[top]  # a slice always starts at row 0
        return {int(ids[p]): float(scores[i]) for i, p in zip(top.tolist(), positions.tolist(), strict=True)}

    def _prefilter(self, bits: Any, n: int, centered: Any, allowed: _Scope | None) -> Any:
        """The rows (in scope) nearest the query by Hamming distance of sign bits, about `rescore` of them."""
        np = self._np
        width = len(centered)
        padded = np.zeros(bits.shape[0] * 64, dtype=bool)
        padded[:width] = centered > 0
        query_bits = np.packbits(padded).view(np.uint64)
        distance = _hamming(np, bits, n, query_bits)
        farthest = bits.shape[0] * 64
        if allowed is not None:
            np.maximum(distance, allowed.penalty, out=distance)
        # the distance at which `rescore` rows are reached, from a histogram of every `_SAMPLE_STEP`-th row
        # (a full one costs ~2 ms at 1M): aimed a margin past `rescore`, and the full histogram only when the
        # sample fell short, so never fewer rows are rescored than by the exact cutoff
        rows = None
        if n >= _SAMPLE_STEP * self.rescore:
            sampled = np.cumsum(np.bincount(distance[::_SAMPLE_STEP], minlength=farthest + 2)) * _SAMPLE_STEP
            cutoff = min(int(np.searchsorted(sampled, _SAMPLE_MARGIN * self.rescore)), farthest)
            rows = np.flatnonzero(distance <= cutoff)
            if len(rows) < self.rescore and cutoff < farthest:
                rows = None
        if rows is None:
            counts = np.cumsum(np.bincount(distance, minlength=farthest + 2))
            cutoff = min(int(np.searchsorted(counts, self.rescore)), farthest)
            rows = np.flatnonzero(distance <= cutoff)
        if len(rows) > 4 * self.rescore:  # many ties at the cutoff: the closest `rescore` of them
            rows = rows[np.argpartition(distance[rows], self.rescore - 1)[: self.rescore]]
        return rows

    def _mask(self, scope: frozenset[int]) -> _Scope:
        """Which rows are in `scope` (or of no podcast), kept for the next searches of that scope."""
        key = (scope, self._version)
        mask = self._masks.get(key)
        if mask is None:
            if len(self._masks) >= 64:
                self._masks.clear()
            np = self._np
            wanted = np.fromiter(scope, dtype=np.int64, count=len(scope))
            podcasts = self._podcasts[: self._size]
            inside = (podcasts == -1) | np.isin(podcasts, wanted)
            rows = np.flatnonzero(inside)
            # out-of-scope rows get the largest distance the prefilter can compute
            penalty = np.where(inside, 0, len(self._bits) * 64 + 1).astype(np.uint16)
            mask = self._masks[key] = _Scope(rows, penalty, len(rows))
        return mask

    def cosines(self, insight_ids: Sequence[int], query_vector: Any) -> dict[int, float]:
        """Cosine to the query of each of these insights that has a vector (id -> cosine)."""
        np = self._np
        with self._lock:
            matrix, scales = self._matrix, self._scales
            rows = [(i, self._row[i]) for i in insight_ids if i in self._row]
        if matrix is None or not rows:
            return {}
        positions = np.array([r for _, r in rows], dtype=np.int64)
        scores = self._scores(matrix, scales, positions, np.asarray(query_vector, dtype=np.float32))
        return {insight_id: float(scores[n]) for n, (insight_id, _) in enumerate(rows)}

    def vector(self, insight_id: int) -> Any | None:
        """The loaded vector of one insight (float32, from its int8 copy), or None."""
        with self._lock:
            row = self._row.get(insight_id)
            if row is None or self._matrix is None:
                return None
            return self._matrix[row].astype(self._np.float32) * self._scales[row]

    def memory_bytes(self) -> int:
        """Bytes held by the arrays (the id -> row map not counted)."""
        arrays = (self._matrix, self._scales, self._bits, self._ids, self._podcasts)
        return sum(int(a.nbytes) for a in arrays if a is not None)


def _hamming(np: Any, bits: Any, n: int, query_bits: Any) -> Any:
    """Hamming distance (uint16) of each of the first `n` rows' sign bits to the query's.

    A block of `_HAMMING_BLOCK` rows at a time, into buffers reused across words: the temporaries
    stay in the CPU cache instead of one 8 MB array per word at 1M rows (`nearest()` at 1M random
    rows: 9.8 -> 8.8 ms of CPU a query, old and new interleaved in one process, load ~7.5)."""
    distance = np.empty(n, dtype=np.uint16)
    block = min(n, _HAMMING_BLOCK)
    xored = np.empty(block, dtype=np.uint64)
    counted = np.empty(block, dtype=np.uint8)
    for start in range(0, n, block):
        end = min(n, start + block)
        size = end - start
        out, x, c = distance[start:end], xored[:size], counted[:size]
        for word in range(bits.shape[0]):
            np.bitwise_xor(bits[word, start:end], query_bits[word], out=x)
            np.bitwise_count(x, out=c)
            if word:
                np.add(out, c, out=out)
            else:
                out[:] = c
    return distance


class _Scope:
    """A workspace's rows: their positions, a distance penalty for the others, how many."""

    __slots__ = ("count", "penalty", "rows")

    def __init__(self, rows: Any, penalty: Any, count: int) -> None:
        self.rows, self.penalty, self.count = rows, penalty, count
