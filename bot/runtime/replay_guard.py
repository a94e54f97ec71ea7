"""Refusing a signed request that is sent a second time (a replay).

Slack signs `v0:<timestamp>:<body>` and Bolt refuses timestamps more than five minutes
off, so a captured request can only be replayed within those minutes. Slack never sends
the same (timestamp, signature) pair twice on purpose: an Events API retry is a new request
with a new `X-Slack-Request-Timestamp`, hence a new signature, and slash commands and
button clicks are never retried at all. So this middleware remembers the exact pair of every
verified request until its timestamp goes stale and answers 401 to a repeat, whatever
other headers (`X-Slack-Retry-Num` included) the copy adds.

The memory is per process: with several HTTP replicas a replay sent to another replica
is not caught here (listeners are idempotent where it matters: saves, deliveries).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable

from slack_bolt.middleware import Middleware
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.runtime.rate_limit import WindowLimit
from bot.runtime.request_log import REFUSAL_WINDOW_SECONDS, REFUSALS_PER_WINDOW

#: Bolt's (and Slack's) allowed clock difference for a request timestamp.
SIGNATURE_WINDOW_SECONDS = 5 * 60


class SignatureCache:
    """Signatures seen recently, each kept until its request could no longer pass verification."""

    def __init__(self, max_entries: int = 200_000, clock: Callable[[], float] = time.time) -> None:
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._max_entries = max_entries
        self._clock = clock
        self._lock = threading.Lock()

    def first_time(self, signature: str, timestamp: str | None) -> bool:
        """Remember `signature`; False when it was already seen and has not expired."""
        now = self._clock()
        try:
            expires = int(timestamp or "") + SIGNATURE_WINDOW_SECONDS + 1
        except ValueError:
            expires = int(now) + SIGNATURE_WINDOW_SECONDS * 2
        expires = max(expires, int(now) + 1)
        with self._lock:
            self._forget_expired(now)
            if signature in self._seen and self._seen[signature] > now:
                return False
            self._seen[signature] = expires
            self._seen.move_to_end(signature)
            while len(self._seen) > self._max_entries:
                self._seen.popitem(last=False)
            return True

    def __len__(self) -> int:
        return len(self._seen)

    def _forget_expired(self, now: float) -> None:
        while self._seen:
            oldest, expires = next(iter(self._seen.items()))
            if expires > now:
                return
            del self._seen[oldest]


class RejectReplays(Middleware):
    """Answer 401 to a request whose (timestamp, signature) was already seen (runs after Bolt's signature check)."""

    def __init__(self, cache: SignatureCache | None = None) -> None:
        self.cache = cache or SignatureCache()
        self._warnings = WindowLimit(REFUSALS_PER_WINDOW, REFUSAL_WINDOW_SECONDS)  # a replay flood stays a few lines

    def process(  # `next` is Bolt's name for the continuation
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse:
        signature = _header(req, "x-slack-signature")
        if signature is None:
            return next()
        timestamp = _header(req, "x-slack-request-timestamp")
        if self.cache.first_time(f"{timestamp}:{signature}", timestamp):
            return next()
        if (left_out := self._warnings.admit()) is not None:
            req.context.logger.warning("Refused a replayed request (signature already seen)"
                                       + (f"; {left_out} more not logged" if left_out else ""))
        return BoltResponse(status=401, body="")


def _header(req: BoltRequest, name: str) -> str | None:
    values = req.headers.get(name)
    return values[0] if values else None
