"""Workers made to overlap by construction, not by hoping the scheduler interleaves their threads.

    meeting = Meeting(workers=3, rounds=5)
    arrive = meeting.arrival()      # one per worker
    arrive()                        # its k-th call (k < rounds) waits until every worker has made its k-th

So each worker does at least `rounds` steps while the others do theirs. A worker left with nothing to do
(another took too much, or one step waited on another worker's) never arrives, and the others' wait
breaks (`threading.BrokenBarrierError` after `timeout`) instead of passing.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable


class Meeting:
    """Barriers for each of the first `rounds` steps of `workers` workers."""

    def __init__(self, workers: int, rounds: int, timeout: float = 60.0) -> None:
        self._barriers = [threading.Barrier(workers, timeout=timeout) for _ in range(rounds)]

    def arrival(self) -> Callable[[], None]:
        """One worker's arrival: its k-th call waits at the k-th barrier (later calls go straight on)."""
        made = itertools.count()
        lock = threading.Lock()

        def arrive() -> None:
            with lock:
                k = next(made)
            if k < len(self._barriers):
                self._barriers[k].wait()

        return arrive
