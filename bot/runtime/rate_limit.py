"""A fixed-window rate limit, for things a stranger can make us do over and over."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class WindowLimit:
    """At most `per_window` admissions per `window` seconds; what is refused meanwhile is counted."""

    def __init__(self, per_window: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_window, self._window, self._clock = per_window, window, clock
        self._window_start = clock()
        self._admitted = 0
        self._refused = 0
        self._lock = threading.Lock()

    def admit(self) -> int | None:
        """None: refused; otherwise how many were refused since the last admission."""
        with self._lock:
            now = self._clock()
            if now - self._window_start >= self._window:
                self._window_start, self._admitted = now, 0
            if self._admitted >= self._per_window:
                self._refused += 1
                return None
            self._admitted += 1
            refused, self._refused = self._refused, 0
            return refused
