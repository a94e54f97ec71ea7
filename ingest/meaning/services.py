"""What the app builds from the meaning extra: hybrid search, and digest vectors read from the store.

Nothing here loads the model until a search or a digest needs it (so `podbrief import` and the
other commands start as fast as without the extra); without the extra, search is lexical as
before and digests get no `Meaning`.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ingest.meaning import MODEL_ID, VectorCache, digest_meaning, shared_encoder
from ingest.meaning.encoder import MODEL_PACKAGE
from insights.meaning import Confirm, Meaning
from storage.dense_index import DenseIndex
from storage.search_index import SearchIndex


def extra_installed() -> bool:
    """Whether the meaning extra's packages are importable (cheap: nothing is loaded)."""
    return all(importlib.util.find_spec(name) is not None for name in ("numpy", "onnxruntime", MODEL_PACKAGE))


#: Query vectors kept (a repeated or paged search skips the model: ~25 ms a query on this machine).
QUERY_CACHE = 512
_queries: OrderedDict[str, Any] = OrderedDict()
_queries_lock = threading.Lock()


def embed_query(query: str) -> Any | None:
    """The query's unit vector from the shared encoder (the last `QUERY_CACHE` queries' kept),
    or None when the model cannot run."""
    with _queries_lock:
        found = _queries.get(query)
        if found is not None:
            _queries.move_to_end(query)
            return found
    encoder = shared_encoder()
    if encoder is None:
        return None
    vector = encoder([query])[0]
    with _queries_lock:
        _queries[query] = vector
        while len(_queries) > QUERY_CACHE:
            _queries.popitem(last=False)
    return vector


def warm(index: SearchIndex, sessions: sessionmaker[Session]) -> threading.Thread | None:
    """Start loading the stored vectors of a hybrid search index in the background (call once at
    start-up, so the first search does not wait ~30 s at 1M insights for them); None when the
    index is lexical. Searches meanwhile use the vectors loaded so far."""
    return None if index.dense is None else index.dense.warm(sessions)


class StoredFirst(VectorCache):
    """Digest vectors: those computed recently in this process, else the stored ones (the dense index's)."""

    def __init__(self, dense: DenseIndex, limit: int = 20_000) -> None:
        super().__init__(limit)
        self._dense = dense

    def __contains__(self, key: object) -> bool:
        if super().__contains__(key):
            return True
        if not isinstance(key, int):
            return False
        stored = self._dense.vector(key)
        if stored is None:
            return False
        self[key] = stored  # kept with the recent ones, so the pool sees its width
        return True

    def __getitem__(self, key: int) -> Any:
        try:
            return super().__getitem__(key)
        except KeyError:
            stored = self._dense.vector(key)
            if stored is None:
                raise
            return stored


def search_index(engine: Engine, *, by_meaning: bool = True, embed: Callable[[str], Any | None] = embed_query,
                 ) -> SearchIndex:
    """Hybrid search when the extra is installed and `by_meaning`, else today's lexical search."""
    if not (by_meaning and extra_installed()):
        return SearchIndex(engine)
    return SearchIndex(engine, dense=DenseIndex(MODEL_ID), embed_query=embed)


def digest_meaning_for(index: SearchIndex, sessions: sessionmaker[Session], confirm: Confirm | None = None,
                       ) -> Callable[[], Meaning | None]:
    """The digest's `Meaning`: the shared encoder, with the stored vectors (the search's) read first,
    and `confirm` (e.g. a language model) as the second reader of candidate stories."""
    dense = index.dense
    if dense is None:
        return lambda: _confirmed_by(digest_meaning(), confirm)
    cached = StoredFirst(dense)

    def meaning() -> Meaning | None:
        encoder = shared_encoder()
        if encoder is None:
            return None
        with sessions() as session:
            dense.refresh(session)
        return Meaning(encoder, encoder.model_id, cached=cached, confirm=confirm)

    return meaning


def _confirmed_by(meaning: Meaning | None, confirm: Confirm | None) -> Meaning | None:
    return replace(meaning, confirm=confirm) if meaning is not None and confirm is not None else meaning
