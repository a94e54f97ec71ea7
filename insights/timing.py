"""Stage timers for the request log: how long each stage of answering took (parse, plan, rank, …).

    with recording() as stages:          # the request path starts a record
        with stage("plan"):              # code at any layer times its part; a no-op with no record
            ...
    stages  # {"plan": 0.42, ...} milliseconds per stage (a stage entered twice adds up)

The record lives in a context variable, so code in the same thread (or a context copied
into a worker with `contextvars.copy_context()`) adds to it, and nothing is shared between
requests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_record: ContextVar[dict[str, float] | None] = ContextVar("podbrief_stages", default=None)


@contextmanager
def recording() -> Iterator[dict[str, float]]:
    """Collect the stages timed inside the block into the yielded dict (milliseconds per stage)."""
    stages: dict[str, float] = {}
    token = _record.set(stages)
    try:
        yield stages
    finally:
        _record.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as stage `name` of the current record (nothing when no record is open)."""
    stages = _record.get()
    if stages is None:
        yield
        return
    started = time.perf_counter()
    try:
        yield
    finally:
        stages[name] = stages.get(name, 0.0) + (time.perf_counter() - started) * 1000


def current() -> dict[str, float] | None:
    """The open record, if any (to add a stage measured elsewhere)."""
    return _record.get()
