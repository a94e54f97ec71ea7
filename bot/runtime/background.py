"""Work that need not hold up a reply, done on one background thread, coalesced by key.

A job submitted while another job with the same key is still waiting replaces it, so a
burst of saves by one person rebuilds their Home tab once, not once per save.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

log = logging.getLogger("podbrief.background")


class Coalescer:
    """Runs keyed jobs in order of first submission; at most one waiting job per key."""

    def __init__(self, name: str = "podbrief-background") -> None:
        self._name = name
        self._pending: OrderedDict[Hashable, Callable[[], None]] = OrderedDict()
        self._changed = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None
        self.done = 0  # jobs run (for benchmarks and tests)

    def submit(self, key: Hashable, job: Callable[[], None]) -> None:
        """Run `job` soon; if a job with this key is still waiting, this one takes its place."""
        with self._changed:
            self._pending[key] = job
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is waiting or running; False if `timeout` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._busy, timeout)

    @property
    def waiting(self) -> int:
        with self._changed:
            return len(self._pending)

    def _work(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: bool(self._pending))
                _, job = self._pending.popitem(last=False)
                self._busy = True
            try:
                job()
            except Exception:
                log.exception("background job failed")
            finally:
                with self._changed:
                    self._busy = False
                    self.done += 1
                    self._changed.notify_all()
