"""`/insights <query>` answered in the acknowledgement when the answer is ready in time.

Slack shows a slash command's HTTP answer as the reply, if it comes within 3 seconds. A
search is usually ready in tens of milliseconds, so the answer goes out in the ack: no
second HTTP request, no wait for a response_url post. The search runs on the answer threads;
the request thread waits for it at most `INLINE_DEADLINE_SECONDS`, then acks empty, and the
answer follows at the response_url as before (posted over a kept connection). At most
`INLINE_WAITERS` requests wait at a time, so a burst of slow searches cannot hold every
HTTP thread (other requests' acks must never queue behind them).
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

from slack_bolt import Ack
from slack_bolt import Respond as BoltRespond

from bot.runtime.request_log import log_stages
from bot.shared.replies import friendly_failures
from bot.shared.slack_http import post_to_response_url
from insights.timing import recording, stage

log = logging.getLogger("podbrief.lookup")

#: How long the ack waits for the answer (Slack allows 3 s for the whole round trip).
INLINE_DEADLINE_SECONDS = 1.5
#: Requests waiting for their answer at once, at most (waitress has 8 threads).
INLINE_WAITERS = 4
#: Threads computing answers. Searches are CPU-bound and hold the GIL about half the time, so two let one
#: run Python while the other is in numpy, the model or SQLite; four only add GIL hand-offs (4 clients at
#: 1M: 28.0 ms of server CPU a command with four, 22.8-25.1 with two; p95 a little lower; bench/README.md).
ANSWER_THREADS = 2
#: What an ack may carry (`respond` also takes replace_original and friends).
_ACK_FIELDS = ("text", "blocks", "attachments", "unfurl_links", "unfurl_media", "response_type")

Respond = Callable[..., None]
Work = Callable[[Respond], None]


class _Reply:
    """A `respond` that keeps the first message for the ack while the request waits, and posts any other."""

    def __init__(self, response_url: str) -> None:
        self._url = response_url
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self._waiting = True
        self.message: dict[str, Any] | None = None

    def __call__(self, **message: Any) -> None:
        with self._lock:
            if self._waiting and self.message is None:
                self.message = message
                self._ready.set()
                return
        with stage("post"):
            status = post_to_response_url(self._url, {k: v for k, v in message.items() if v is not None})
        if status >= 400:
            log.warning("response_url answered HTTP %d", status)

    def wait(self, seconds: float) -> dict[str, Any] | None:
        """The message, if it came within `seconds`; after this, any message goes to the response_url."""
        self._ready.wait(seconds)
        with self._lock:
            self._waiting = False
            return self.message


class InlineAnswers:
    """Runs answers on its own threads; the ack carries the answer when it is ready in time."""

    def __init__(self, threads: int = ANSWER_THREADS, deadline: float = INLINE_DEADLINE_SECONDS,
                 waiters: int = INLINE_WAITERS) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="podbrief-answer")
        self._deadline = deadline
        self._waiters = threading.BoundedSemaphore(waiters)

    def answer(self, ack: Ack, response_url: str, work: Work, *, name: str = "/insights",
               stages: dict[str, float] | None = None) -> None:
        """Ack with `work`'s answer if it is ready within the deadline, else ack now and post it when done.

        The stages timed while answering (plus `stages` measured before, e.g. the parse) go to the request log.
        """
        started = time.perf_counter()
        reply = _Reply(response_url)

        def run() -> None:
            with recording() as timed:
                timed.update(stages or {})
                try:
                    work(reply)
                finally:
                    log_stages("command", name, timed, (time.perf_counter() - started) * 1000,
                               inline="post" not in timed)

        self._executor.submit(contextvars.copy_context().run, run)
        message = None
        if self._waiters.acquire(blocking=False):
            try:
                message = reply.wait(self._deadline)
            finally:
                self._waiters.release()
        else:
            # every waiting place taken: ack now, with the answer if it is ready already (it would
            # otherwise be kept for this ack and never sent), else it goes to the response_url
            message = reply.wait(0)
        if message is None:
            ack()
        else:
            ack(**{k: v for k, v in message.items() if k in _ACK_FIELDS and v is not None})


def lookup_work(message: Callable[[], Any], logger: logging.Logger) -> Work:
    """The work answering a lookup: `message()` (the search and its message), rendered, said once;
    a failure becomes the usual apology (`bot.shared.replies`)."""

    def work(respond: Respond) -> None:
        with friendly_failures(cast(BoltRespond, respond), logger, "/insights"):
            answer = message()
            with stage("render"):
                kwargs = answer.as_kwargs()
            respond(response_type="ephemeral", **kwargs)

    return work
