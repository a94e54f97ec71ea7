"""The background coalescer that rebuilds Home tabs: one waiting job per key, and a key's jobs spaced out."""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.runtime.background import Coalescer


class Clock:
    """A clock the test moves by hand (the coalescer never sees time pass otherwise)."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _append(ran: list[str], what: str) -> Callable[[], None]:
    return lambda: ran.append(what)


def test_a_keys_next_job_waits_for_the_spacing_and_only_the_last_one_submitted_runs() -> None:
    clock = Clock()
    background = Coalescer(clock=clock)
    ran: list[str] = []
    background.submit("alice", lambda: ran.append("first"), spacing=3.0)
    assert background.wait_idle()
    assert ran == ["first"]  # nothing ran for this key lately: at once
    clock.now += 1.0
    for n in range(50):  # a burst by the same person
        background.submit("alice", _append(ran, f"burst {n}"), spacing=3.0)
    assert not background.wait_idle(timeout=0.05)  # due 3 s after the first run started: not yet, by this clock
    assert background.waiting == 1 and ran == ["first"]
    clock.now += 2.0
    assert background.wait_idle()
    assert ran == ["first", "burst 49"]  # one more run, with the last state


def test_another_keys_job_is_not_held_up_by_a_spaced_key() -> None:
    clock = Clock()
    background = Coalescer(clock=clock)
    ran: list[str] = []
    background.submit("alice", lambda: ran.append("alice 1"), spacing=3.0)
    assert background.wait_idle()
    bob_ran = threading.Event()

    def bob() -> None:
        ran.append("bob 1")
        bob_ran.set()

    background.submit("alice", lambda: ran.append("alice 2"), spacing=3.0)
    background.submit("bob", bob, spacing=3.0)
    assert bob_ran.wait(30)  # bob had nothing running lately: runs at once (however slowly the thread gets to it)
    assert not background.wait_idle(timeout=0.05)  # alice's is due 3 s after her first, by this clock: not yet
    assert ran == ["alice 1", "bob 1"]
    clock.now += 3.0
    assert background.wait_idle()
    assert ran == ["alice 1", "bob 1", "alice 2"]


class HeldJob:
    """A job that runs until the test releases it (and then notes `label` in `ran`)."""

    def __init__(self, ran: list[str], label: str) -> None:
        self.running, self.release = threading.Event(), threading.Event()
        self._ran, self._label = ran, label

    def __call__(self) -> None:
        self.running.set()
        self.release.wait(10)
        self._ran.append(self._label)


def test_a_job_submitted_while_its_keys_job_runs_runs_afterwards() -> None:
    """A change made while the rebuild is already reading must not be lost: it gets a run of its own."""
    clock = Clock()
    background = Coalescer(clock=clock)
    ran: list[str] = []
    slow = HeldJob(ran, "while saving")
    background.submit("alice", slow, spacing=3.0)
    assert slow.running.wait(10)
    background.submit("alice", lambda: ran.append("after the save"), spacing=3.0)
    slow.release.set()
    clock.now += 3.0
    assert background.wait_idle()
    assert ran == ["while saving", "after the save"]


def test_without_spacing_jobs_run_in_order_of_submission_and_replace_waiting_ones() -> None:
    background = Coalescer()
    gate = threading.Event()
    ran: list[str] = []
    background.submit("block", lambda: ran.append(f"gate opened: {gate.wait(10)}"))
    background.submit("a", lambda: ran.append("a 1"))
    background.submit("b", lambda: ran.append("b"))
    background.submit("a", lambda: ran.append("a 2"))  # replaces "a 1", keeps a's turn
    gate.set()
    assert background.wait_idle()
    assert ran == ["gate opened: True", "a 2", "b"]


def test_closing_drops_waiting_jobs_lets_the_running_one_finish_and_ignores_later_ones() -> None:
    clock = Clock()
    background = Coalescer(clock=clock)
    ran: list[str] = []
    slow = HeldJob(ran, "running")
    background.submit("alice", slow, spacing=3.0)
    assert slow.running.wait(10)
    background.submit("alice", lambda: ran.append("waiting"), spacing=3.0)
    closer = threading.Thread(target=background.close)
    closer.start()
    slow.release.set()
    closer.join(10)
    background.submit("bob", lambda: ran.append("after close"))
    clock.now += 10.0
    assert background.wait_idle(1)
    assert ran == ["running"]
