"""Typo-tolerant expansion of query words against the indexed vocabulary."""

from __future__ import annotations

import bisect
import math
import threading
from collections import OrderedDict, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

MAX_PREFIX_COMPLETIONS = 4
MAX_FUZZY_VARIANTS = 4
#: Query words whose expansion is remembered (per loaded vocabulary, least recently used
#: first out): people repeat words, and a fuzzy scan of the vocabulary costs milliseconds.
EXPANSION_CACHE_SIZE = 4096


@dataclass(frozen=True, slots=True)
class Variant:
    """A vocabulary term that stands for a query word, with its similarity (0-1]."""

    term: str
    similarity: float


def allowed_edits(word: str) -> int:
    """Typos tolerated for a word of this length (short words must be exact)."""
    n = len(word)
    if n <= 3:
        return 0
    if n <= 5:
        return 1
    return 2


class Vocabulary:
    """The set of indexed terms with their document frequencies."""

    def __init__(self, doc_counts: Iterable[tuple[str, int]], total_documents: int) -> None:
        self._counts: dict[str, int] = {t: c for t, c in doc_counts if c > 0}
        self._sorted: list[str] = sorted(self._counts)
        by_length: dict[int, list[str]] = defaultdict(list)
        numbers_by_length: dict[int, list[str]] = defaultdict(list)
        for term in self._sorted:
            (numbers_by_length if term.isdigit() else by_length)[len(term)].append(term)
        self._by_length = dict(by_length)
        # Numbers (episode numbers, years...) are kept apart: a word with more letters
        # than allowed edits can never be within reach of one, so they are skipped.
        self._numbers_by_length = dict(numbers_by_length)
        self.total_documents = max(total_documents, 0)
        # The terms within reach of a word, by (length, edits, numbers too?): built once.
        self._pools: dict[tuple[int, int, bool], list[str]] = {}
        self._expanded: OrderedDict[str, tuple[Variant, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._counts)

    def __contains__(self, term: object) -> bool:
        return term in self._counts

    def document_frequency(self, term: str) -> int:
        return self._counts.get(term, 0)

    def idf(self, term: str) -> float:
        """Inverse document frequency: rare words weigh more."""
        df = self._counts.get(term, 0)
        return math.log((self.total_documents + 1) / (df + 1)) + 1.0

    def expand(self, word: str) -> tuple[Variant, ...]:
        """Terms the user may have meant by `word`: itself, completions and near spellings."""
        with self._lock:
            cached = self._expanded.get(word)
            if cached is not None:
                self._expanded.move_to_end(word)
                return cached
        variants = self._expand(word)
        with self._lock:
            self._expanded[word] = variants
            if len(self._expanded) > EXPANSION_CACHE_SIZE:
                self._expanded.popitem(last=False)
        return variants

    def clear_cache(self) -> None:
        """Forget remembered expansions (the benchmark uses it to time first-seen words)."""
        with self._lock:
            self._expanded.clear()

    def _expand(self, word: str) -> tuple[Variant, ...]:
        found: dict[str, float] = {}
        if word in self._counts:
            found[word] = 1.0
        for term in self._completions(word):
            found.setdefault(term, 0.9)
        for term, similarity in self._near_spellings(word):
            if similarity > found.get(term, 0.0):
                found[term] = similarity
        ranked = sorted(found.items(), key=lambda kv: (-kv[1], -self._counts[kv[0]], kv[0]))
        return tuple(Variant(t, s) for t, s in ranked)

    def _completions(self, prefix: str) -> list[str]:
        if len(prefix) < 4:
            return []
        start = bisect.bisect_left(self._sorted, prefix)
        end = bisect.bisect_left(self._sorted, prefix + "\uffff")
        candidates = [t for t in self._sorted[start:end] if t != prefix and len(t) <= len(prefix) + 6]
        candidates.sort(key=lambda t: (-self._counts[t], t))
        return candidates[:MAX_PREFIX_COMPLETIONS]

    def _near_spellings(self, word: str) -> list[tuple[str, float]]:
        edits = allowed_edits(word)
        if edits == 0:
            return []
        numbers_too = sum(1 for ch in word if not ch.isdigit()) <= edits  # each non-digit costs an edit
        pool = self._pool(len(word), edits, numbers_too)
        if not pool:
            return []
        hits = _within(word, pool, edits)
        hits.sort(key=lambda hit: (hit[1], -self._counts[hit[0]], hit[0]))
        out: list[tuple[str, float]] = []
        for term, distance in hits[:MAX_FUZZY_VARIANTS]:
            if distance == 0:
                continue
            out.append((term, 1.0 - 0.5 * distance / max(len(word), len(term))))
        return out

    def _pool(self, length: int, edits: int, numbers_too: bool) -> list[str]:
        """Every term whose length is within `edits` of `length` (numbers only if asked)."""
        key = (length, edits, numbers_too)
        pool = self._pools.get(key)
        if pool is None:
            sources = [self._by_length, self._numbers_by_length] if numbers_too else [self._by_length]
            pool = [t for n in range(length - edits, length + edits + 1) for s in sources for t in s.get(n, ())]
            self._pools[key] = pool
        return pool


def _within(word: str, pool: list[str], edits: int) -> list[tuple[str, int]]:
    """The terms of `pool` at most `edits` OSA edits from `word`, with their distance.

    With numpy (the meaning extra), `cdist` computes the distances with the GIL released, so a
    search's other threads (the query's embedding, another search) run meanwhile; `extract` holds
    it for the whole scan (~2 ms at 1M insights)."""
    np = _numpy()
    if np is None:
        return [(term, int(distance)) for term, distance, _ in
                process.extract(word, pool, scorer=OSA.distance, score_cutoff=edits, limit=None)]
    distances = process.cdist([word], pool, scorer=OSA.distance, score_cutoff=edits, dtype=np.uint8, workers=1)[0]
    return [(pool[i], int(distances[i])) for i in np.flatnonzero(distances <= edits).tolist()]


@cache
def _numpy() -> Any:
    """numpy if installed (imported on first use: the command line starts without it), else None."""
    try:
        import numpy
    except ImportError:
        return None
    return numpy
