"""Work acknowledged at once and done in arrival order on one thread, in batches, through a bounded queue.

The reaction path uses it: Slack gets its 200 as soon as a reaction is queued; one writer
thread applies the queued reactions in the order they came, many per transaction. The
queue is bounded: when it is full, `submit` waits up to `put_timeout` seconds for room,
then does the work itself on the caller's thread, so a burst slows acks down rather than
losing anything.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, ClassVar, Generic, TypeVar

log = logging.getLogger("podbrief.ordered_work")

T = TypeVar("T")
#: Items waiting at most; past this, `submit` waits for room (then works inline).
DEFAULT_MAXSIZE = 5_000
#: Items handed to one call of the work function.
DEFAULT_BATCH = 100


class OrderedWork(Generic[T]):
    """A bounded FIFO of items, worked off by one daemon thread in batches of up to `batch`."""

    _every: ClassVar[weakref.WeakSet[OrderedWork[Any]]] = weakref.WeakSet()

    def __init__(self, work: Callable[[list[T]], None], *, name: str = "podbrief-ordered", maxsize: int = DEFAULT_MAXSIZE,
                 batch: int = DEFAULT_BATCH, put_timeout: float = 1.0) -> None:
        self._work = work
        self._name = name
        self._queue: queue.Queue[T] = queue.Queue(maxsize=maxsize)
        self._batch = batch
        self._put_timeout = put_timeout
        self._idle = threading.Condition()
        self._unfinished = 0
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.inline = 0  # items worked on the caller's thread because the queue stayed full
        self.done = 0  # items worked (for benchmarks and tests)
        OrderedWork._every.add(self)

    def submit(self, item: T) -> None:
        """Queue `item`; if the queue stays full for `put_timeout` s, work it now on this thread."""
        self._ensure_thread()
        with self._idle:
            self._unfinished += 1
        try:
            self._queue.put(item, timeout=self._put_timeout)
        except queue.Full:
            self.inline += 1
            try:
                self._run([item])
            finally:
                self._finished(1)

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every submitted item has been worked; False if `timeout` passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._unfinished == 0, timeout)

    @classmethod
    def wait_all_idle(cls, timeout: float = 10.0) -> bool:
        """Block until every queue of this process is idle (tests and benchmarks); False on timeout."""
        deadline = time.monotonic() + timeout
        while True:
            queues = list(cls._every)
            idle = all(q.wait_idle(max(deadline - time.monotonic(), 0.0)) for q in queues)
            if idle and all(q._unfinished == 0 for q in list(cls._every)):  # none refilled another meanwhile
                return True
            if time.monotonic() >= deadline:
                return False

    @property
    def waiting(self) -> int:
        return self._queue.qsize()

    def _ensure_thread(self) -> None:
        if self._thread is not None:
            return
        with self._start_lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while True:
            items = [self._queue.get()]
            while len(items) < self._batch:
                try:
                    items.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            try:
                self._run(items)
            finally:
                self._finished(len(items))

    def _run(self, items: list[T]) -> None:
        started = time.perf_counter()
        try:
            self._work(items)
        except Exception:
            log.exception("%s: work on %d item(s) failed", self._name, len(items))
        log.debug("%s: %d item(s) in %.1f ms", self._name, len(items), (time.perf_counter() - started) * 1000)

    def _finished(self, count: int) -> None:
        with self._idle:
            self._unfinished -= count
            self.done += count
            if self._unfinished == 0:
                self._idle.notify_all()
