"""Remembering signatures until their requests go stale."""

from __future__ import annotations

from bot.runtime.replay_guard import SIGNATURE_WINDOW_SECONDS, SignatureCache


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_a_signature_is_accepted_once() -> None:
    cache = SignatureCache(clock=Clock(1000))
    assert cache.first_time("v0=aa", "1000")
    assert not cache.first_time("v0=aa", "1000")
    assert cache.first_time("v0=bb", "1000")


def test_a_signature_is_forgotten_once_its_timestamp_is_stale() -> None:
    clock = Clock(1000)
    cache = SignatureCache(clock=clock)
    cache.first_time("v0=aa", "1000")
    clock.now = 1000 + SIGNATURE_WINDOW_SECONDS + 2  # Bolt refuses this timestamp by now anyway
    assert cache.first_time("v0=bb", str(int(clock.now)))
    assert len(cache) == 1


def test_memory_is_bounded() -> None:
    cache = SignatureCache(max_entries=3, clock=Clock(1000))
    for n in range(10):
        cache.first_time(f"v0={n}", "1000")
    assert len(cache) == 3


def test_an_unreadable_timestamp_still_counts() -> None:
    cache = SignatureCache(clock=Clock(1000))
    assert cache.first_time("v0=aa", "soon")
    assert not cache.first_time("v0=aa", "soon")
