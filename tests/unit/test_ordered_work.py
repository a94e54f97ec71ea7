"""OrderedWork: everything submitted is worked once, in order, even when the queue is full."""

from __future__ import annotations

import threading

from bot.runtime.ordered_work import OrderedWork


def test_items_are_worked_in_submission_order_in_batches() -> None:
    seen: list[int] = []
    batches: list[int] = []
    gate = threading.Event()

    def work(items: list[int]) -> None:
        gate.wait(60)  # held until everything is submitted, however slowly this machine runs
        batches.append(len(items))
        seen.extend(items)

    queue = OrderedWork(work, batch=50)
    for n in range(120):
        queue.submit(n)
    gate.set()
    assert queue.wait_idle(60)
    assert seen == list(range(120))
    assert max(batches) > 1  # the waiting items went in batches, not one by one
    assert queue.done == 120


def test_a_full_queue_works_on_the_callers_thread_and_loses_nothing() -> None:
    seen: list[int] = []
    lock = threading.Lock()
    release = threading.Event()

    def work(items: list[int]) -> None:
        if threading.current_thread().name == "podbrief-ordered":
            release.wait(60)  # the worker is stuck until the test releases it: the queue fills
        with lock:
            seen.extend(items)

    queue = OrderedWork(work, maxsize=5, put_timeout=0.01)

    def submit_20(k: int) -> None:
        for n in range(20):
            queue.submit(k * 100 + n)

    threads = [threading.Thread(target=submit_20, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert queue.inline > 0
    release.set()
    assert queue.wait_idle(60)
    assert sorted(seen) == sorted(k * 100 + n for k in range(4) for n in range(20))


def test_a_failing_batch_is_logged_and_the_queue_goes_on() -> None:
    seen: list[int] = []

    def work(items: list[int]) -> None:
        if 3 in items:
            raise RuntimeError("boom")
        seen.extend(items)

    queue = OrderedWork(work, batch=1)
    for n in range(6):
        queue.submit(n)
    assert queue.wait_idle(60)
    assert seen == [0, 1, 2, 4, 5]


def test_wait_idle_says_false_while_work_is_still_running() -> None:
    release = threading.Event()

    def work(items: list[int]) -> None:
        release.wait(60)  # running until the test releases it

    queue: OrderedWork[int] = OrderedWork(work)
    queue.submit(1)
    assert queue.wait_idle(0.05) is False
    release.set()
    assert queue.wait_idle(60) is True
