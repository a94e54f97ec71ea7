"""Work that need not hold up a reply, done on one background thread, coalesced by key.

A job submitted while another job with the same key is still waiting replaces it, so a
burst of saves by one person rebuilds their Home tab once, not once per save. With a
`spacing`, a key's job also waits until that long after the start of its previous run:
a person saving all the time gets their Home tab rebuilt every few seconds, always with
their latest state (the job waiting is the last one submitted, and it runs after it was).
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

log = logging.getLogger("podbrief.background")

#: The worker re-reads the clock at least this often while a job is due later (a clock that jumps).
LONGEST_NAP_SECONDS = 0.5


class Coalescer:
    """Runs keyed jobs when due (in order of submission among those due); at most one waiting job per key."""

    def __init__(self, name: str = "podbrief-background", clock: Callable[[], float] = time.monotonic) -> None:
        self._name = name
        self._clock = clock
        self._pending: dict[Hashable, Callable[[], None]] = {}
        self._due: list[tuple[float, int, Hashable]] = []  # one entry per pending key
        self._order = itertools.count()
        self._started: OrderedDict[Hashable, float] = OrderedDict()  # a key's last run start, oldest first
        self._longest_spacing = 0.0
        self._changed = threading.Condition()
        self._busy = False
        self._closed = False
        self._thread: threading.Thread | None = None
        self.done = 0  # jobs run (for benchmarks and tests)

    def submit(self, key: Hashable, job: Callable[[], None], *, spacing: float = 0.0) -> None:
        """Run `job` soon, but not sooner than `spacing` s after this key's previous run started;
        if a job with this key is still waiting, this one takes its place (and its turn)."""
        with self._changed:
            if self._closed:
                log.debug("background work closed: %r not run", key)
                return
            if key in self._pending:
                self._pending[key] = job
                return
            now = self._clock()
            last = self._started.get(key)
            due = now if last is None else max(now, last + spacing)
            self._longest_spacing = max(self._longest_spacing, spacing)
            self._pending[key] = job
            heapq.heappush(self._due, (due, next(self._order), key))
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until nothing is waiting (however far off it is due) or running; False if `timeout` passed first."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._pending and not self._busy, timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Drop the waiting jobs (each is a refresh a later event redoes), let the running one finish and
        stop the worker; later submissions are ignored."""
        with self._changed:
            self._closed = True
            self._pending.clear()
            self._due.clear()
            self._changed.notify_all()
            thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    @property
    def waiting(self) -> int:
        with self._changed:
            return len(self._pending)

    def _next(self) -> Callable[[], None] | None:
        """Under the lock: wait for the first due job and take it; None once closed."""
        while True:
            if self._closed:
                return None
            if self._due:
                wait = self._due[0][0] - self._clock()
                if wait <= 0:
                    break
                self._changed.wait(min(wait, LONGEST_NAP_SECONDS))
            else:
                self._changed.wait()
        _, _, key = heapq.heappop(self._due)
        job = self._pending.pop(key)
        now = self._clock()
        self._started[key] = now
        self._started.move_to_end(key)
        while self._started and now - next(iter(self._started.values())) > self._longest_spacing:
            self._started.popitem(last=False)  # long enough ago not to delay anything
        self._busy = True
        return job

    def _work(self) -> None:
        while True:
            with self._changed:
                job = self._next()
            if job is None:
                return
            try:
                job()
            except Exception:
                log.exception("background job failed")
            finally:
                with self._changed:
                    self._busy = False
                    self.done += 1
                    self._changed.notify_all()
