"""Work shared between processes: claim a few items as threads free up, until none is left.

Each claim takes only as many items as there are idle threads (a short transaction that marks
them taken, e.g. with FOR UPDATE SKIP LOCKED), so several processes draining the same queue
at once split it instead of each grabbing everything. Used by feed scans and digest delivery.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")
#: `claim(n)` → (up to n items now taken by this process, whether more may be left to claim).
Claim = Callable[[int], tuple[Sequence[Item], bool]]


def drain(
    claim: Claim[Item], work: Callable[[Item], Result], threads: int, *, thread_name_prefix: str,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Run `work` on every item `claim` hands out, `threads` at a time; the results in claim order.

    `on_result` sees each result as it completes. `work` should turn its own failures into results:
    an exception it raises ends the run.
    """
    threads = max(1, threads)
    submitted: list[Future[Result]] = []
    running: set[Future[Result]] = set()
    more = True
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix=thread_name_prefix) as pool:
        while True:
            if more and len(running) < threads:
                items, more = claim(threads - len(running))
                for item in items:
                    submitted.append(pool.submit(work, item))
                    running.add(submitted[-1])
            if not running:
                return [future.result() for future in submitted]
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                if on_result is not None:
                    on_result(result)
