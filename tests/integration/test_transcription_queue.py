"""The transcription queue on SQLite and PostgreSQL: newest first, leases, claims that cannot collide."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from insights.transcript import Segment
from storage import transcription_queue as queue
from storage.episodes_store import EpisodeFields, upsert_episodes
from storage.feeds_store import add_feed, ensure_podcast
from storage.models import Transcription
from storage.transcription_queue import LostClaim, Wanted

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(minutes=15)


def _queue(sessions: sessionmaker[Session], count: int) -> tuple[int, list[int]]:
    """`count` episodes queued, episode n published n days before NOW; (feed id, episode ids)."""
    with sessions.begin() as session:
        feed, _ = add_feed(session, "https://example.com/feed.xml", now=NOW)
        podcast_id, _ = ensure_podcast(session, "Queue Show", feed.url, None)
        states = upsert_episodes(session, podcast_id, [EpisodeFields(f"g{n}", f"Episode {n}") for n in range(count)])
        wanted = [Wanted(s.id, f"https://example.com/{s.guid}.mp3", NOW - timedelta(days=n), feed.id)
                  for n, s in enumerate(states)]
        assert queue.enqueue(session, list(reversed(wanted)), now=NOW) == count
        assert queue.enqueue(session, wanted, now=NOW) == 0  # queued once, however often a scan sees it
    return feed.id, [s.id for s in states]


def test_the_newest_episodes_are_claimed_first(sessions: sessionmaker[Session]) -> None:
    _queue(sessions, 4)
    with sessions.begin() as session:
        jobs = queue.claim(session, worker="w", now=NOW, lease=LEASE, limit=3)
    assert [j.episode for j in jobs] == ["Episode 0", "Episode 1", "Episode 2"]
    assert all(j.podcast == "Queue Show" and j.attempts == 1 for j in jobs)


def test_a_claimed_job_is_nobody_elses_until_its_lease_runs_out(sessions: sessionmaker[Session]) -> None:
    _queue(sessions, 1)
    with sessions.begin() as session:
        (first,) = queue.claim(session, worker="a", now=NOW, lease=LEASE, limit=5)
    with sessions.begin() as session:
        assert queue.claim(session, worker="b", now=NOW + LEASE / 2, lease=LEASE, limit=5) == []
    with sessions.begin() as session:
        (second,) = queue.claim(session, worker="b", now=NOW + LEASE * 2, lease=LEASE, limit=5)
    assert second.id == first.id and second.attempts == 2
    with pytest.raises(LostClaim), sessions.begin() as session:  # the stalled first worker stores nothing
        queue.complete(session, first, [Segment("late", 0.0, 1.0)], model="m", audio_seconds=1, cpu_seconds=1,
                       now=NOW + LEASE * 2)
    with sessions.begin() as session:
        queue.complete(session, second, [Segment("Said at one minute.", 60.0, 62.5)], model="m", audio_seconds=90,
                       cpu_seconds=9, now=NOW + LEASE * 2)
    with sessions() as session:
        assert queue.stored_segments(session, second.episode_id) == [Segment("Said at one minute.", 60.0, 62.5)]


def test_concurrent_claims_never_hand_out_the_same_job(sessions: sessionmaker[Session]) -> None:
    _queue(sessions, 12)
    claimed: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker(name: str) -> None:
        start.wait()
        while True:
            with sessions.begin() as session:
                jobs = queue.claim(session, worker=name, now=NOW, lease=LEASE, limit=2)
            if not jobs:
                return
            with lock:
                claimed.extend(j.id for j in jobs)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(claimed) == 12 and len(set(claimed)) == 12


def test_failures_are_retried_after_a_delay_then_given_up(sessions: sessionmaker[Session]) -> None:
    feed_id, _ = _queue(sessions, 1)
    moment = NOW
    for attempt in (1, 2, 3):
        with sessions.begin() as session:
            (job,) = queue.claim(session, worker="w", now=moment, lease=LEASE, limit=1, max_attempts=3)
            assert job.attempts == attempt
        with sessions.begin() as session:
            queue.fail(session, job, "the audio could not be downloaded: the server answered 404 Not Found",
                       now=moment, retry=True, max_attempts=3)
        with sessions.begin() as session:
            assert queue.claim(session, worker="w", now=moment, lease=LEASE, limit=1) == []  # waits first
        moment += timedelta(hours=1)
    with sessions() as session:
        (row,) = session.scalars(select(Transcription))
        assert (row.status, row.attempts) == ("failed", 3)
        assert row.last_error == "the audio could not be downloaded: the server answered 404 Not Found"
        status = queue.queue_status(session, now=moment)
        assert (status.queued, status.failed, status.last_errors) == (0, 1, (row.last_error,))
        assert queue.feeds_transcribing(session, {feed_id}) == set()


def test_a_worker_that_keeps_dying_on_an_episode_leaves_it_failed_with_the_reason(
    sessions: sessionmaker[Session],
) -> None:
    _queue(sessions, 1)
    moment = NOW
    for _ in range(3):
        with sessions.begin() as session:
            assert len(queue.claim(session, worker="w", now=moment, lease=LEASE, limit=1, max_attempts=3)) == 1
        moment += LEASE * 2  # the worker died: its lease runs out
    with sessions.begin() as session:
        assert queue.claim(session, worker="w", now=moment, lease=LEASE, limit=1, max_attempts=3) == []
    with sessions() as session:
        (row,) = session.scalars(select(Transcription))
        assert row.status == "failed" and row.last_error == "the worker stopped while transcribing it, 3 times"
