"""The transcription queue: a row per episode to transcribe, claimed by workers, newest first.

A worker claims jobs with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers claiming at
once each get different rows; SQLite has one writer, and the claim is one UPDATE). Each claim has
its own token: only the holder may finish the job, so a worker that lost its lease (it stalled
and another took the job over) cannot store the transcript a second time. A worker that dies
mid-job leaves it to be claimed again when the lease runs out, up to `max_attempts` claims.
The transcript is stored with the job, as compressed JSON, so re-extraction never re-transcribes.
"""

from __future__ import annotations

import json
import uuid
import zlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from insights.transcript import Segment
from storage.clock import as_utc
from storage.models import Episode, Podcast, Transcription
from storage.sql_helpers import changed_rows, upsert_insert

QUEUED, RUNNING, DONE, FAILED, SKIPPED = "queued", "running", "done", "failed", "skipped"
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class Wanted:
    """An episode the scan found worth transcribing."""

    episode_id: int
    audio_url: str
    published_at: datetime | None = None
    feed_id: int | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """A claimed job and what the worker needs to turn its transcript into insights."""

    id: int
    token: str
    episode_id: int
    audio_url: str
    attempts: int
    podcast_id: int
    podcast: str
    episode: str
    episode_url: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class QueueStatus:
    """What `podbrief transcribe status` shows."""

    queued: int
    in_progress: int
    done_today: int
    failed: int
    audio_hours: float
    cpu_hours: float
    last_errors: tuple[str, ...] = ()


def enqueue(session: Session, wanted: Sequence[Wanted], *, now: datetime) -> int:
    """Queue these episodes (an episode already queued or transcribed is left as it is); how many were new."""
    if not wanted:
        return 0
    rows = [
        {"episode_id": w.episode_id, "feed_id": w.feed_id, "audio_url": w.audio_url[:2000],
         "published_at": w.published_at, "status": QUEUED, "attempts": 0, "created_at": now}
        for w in {w.episode_id: w for w in wanted}.values()
    ]
    statement = upsert_insert(session, Transcription.__table__).on_conflict_do_nothing(index_elements=["episode_id"])
    result = session.execute(statement.returning(Transcription.__table__.c.id), rows)
    return len(result.all())


def claim(session: Session, *, worker: str, now: datetime, lease: timedelta, limit: int,
          max_attempts: int = 3) -> list[Job]:
    """Take up to `limit` jobs for this worker: queued ones and those whose lease ran out, newest episode first."""
    _give_up_abandoned(session, now, max_attempts)
    if limit < 1:
        return []
    token = f"{worker[:60]}:{uuid.uuid4().hex}"
    table = Transcription.__table__
    waited = or_(table.c.lease_until.is_(None), table.c.lease_until <= now)  # a retry waits out its delay
    free = or_(and_(table.c.status == QUEUED, waited), and_(table.c.status == RUNNING, table.c.lease_until < now))
    chosen = (
        select(table.c.id).where(free, table.c.attempts < max_attempts)
        .order_by(table.c.published_at.desc().nulls_last(), table.c.id)
        .limit(limit).with_for_update(skip_locked=True)
    )
    statement = (
        update(table).where(table.c.id.in_(chosen))
        .values(status=RUNNING, claimed_by=token, lease_until=now + lease, attempts=table.c.attempts + 1)
        .returning(table.c.id)
    )
    ids = [row.id for row in session.execute(statement)]
    return _jobs(session, ids)


def _give_up_abandoned(session: Session, now: datetime, max_attempts: int) -> None:
    """Jobs whose worker stopped `max_attempts` times fail, with a reason someone can read."""
    table = Transcription.__table__
    session.execute(
        update(table)
        .where(table.c.status == RUNNING, table.c.lease_until < now, table.c.attempts >= max_attempts)
        .values(status=FAILED, finished_at=now, lease_until=None,
                last_error=f"the worker stopped while transcribing it, {max_attempts} times")
    )


def _jobs(session: Session, ids: list[int]) -> list[Job]:
    if not ids:
        return []
    rows = session.execute(
        select(Transcription, Episode, Podcast)
        .join(Episode, Episode.id == Transcription.episode_id)
        .join(Podcast, Podcast.id == Episode.podcast_id)
        .where(Transcription.id.in_(ids))
        .order_by(Transcription.published_at.desc().nulls_last(), Transcription.id)  # the claim's order
    )
    jobs = [
        Job(id=t.id, token=t.claimed_by or "", episode_id=e.id, audio_url=t.audio_url, attempts=t.attempts,
            podcast_id=p.id, podcast=p.title, episode=e.title, episode_url=e.url,
            published_at=as_utc(e.published_at))
        for t, e, p in rows
    ]
    return jobs


def renew(session: Session, job: Job, *, until: datetime) -> bool:
    """Extend the lease while the work goes on; False when the job is no longer this worker's."""
    table = Transcription.__table__
    result = session.execute(
        update(table).where(table.c.id == job.id, table.c.claimed_by == job.token, table.c.status == RUNNING)
        .values(lease_until=until)
    )
    return changed_rows(result) == 1


class LostClaim(Exception):
    """The job was taken over by another worker (this one's lease ran out): nothing is stored."""


def complete(session: Session, job: Job, segments: Sequence[Segment], *, model: str, audio_seconds: float,
             cpu_seconds: float, now: datetime) -> None:
    """Store the transcript and mark the job done, in the caller's transaction (with the insights).

    Raises `LostClaim` when the job is no longer this worker's, so the caller's transaction rolls back.
    """
    table = Transcription.__table__
    result = session.execute(
        update(table).where(table.c.id == job.id, table.c.claimed_by == job.token, table.c.status == RUNNING)
        .values(status=DONE, segments=encode_segments(segments), model=model[:200], audio_seconds=audio_seconds,
                cpu_seconds=cpu_seconds, finished_at=now, lease_until=None, last_error=None)
    )
    if changed_rows(result) != 1:
        raise LostClaim(f"transcription {job.id} was taken over by another worker")


def fail(session: Session, job: Job, error: str, *, now: datetime, retry: bool, max_attempts: int = 3,
         retry_delay: timedelta = timedelta(minutes=10)) -> None:
    """Record why the job failed: queued again (after `retry_delay` × attempts) while attempts remain
    and `retry`, else failed for good."""
    table = Transcription.__table__
    again = retry and job.attempts < max_attempts
    session.execute(
        update(table).where(table.c.id == job.id, table.c.claimed_by == job.token)
        .values(status=QUEUED if again else FAILED, last_error=error[:MAX_ERROR_LENGTH],
                lease_until=now + retry_delay * job.attempts if again else None,
                finished_at=None if again else now)
    )


def skip_episodes(session: Session, episode_ids: Collection[int], reason: str, *, now: datetime) -> None:
    """No transcription for these episodes after all (their publisher's transcript appeared, or a block)."""
    if not episode_ids:
        return
    table = Transcription.__table__
    session.execute(
        update(table).where(table.c.episode_id.in_(list(episode_ids)), table.c.status.in_([QUEUED, RUNNING, FAILED]))
        .values(status=SKIPPED, last_error=reason[:MAX_ERROR_LENGTH], lease_until=None, finished_at=now)
    )


def stored_segments(session: Session, episode_id: int) -> list[Segment] | None:
    """The machine transcript of an episode, when one was made (for re-extraction)."""
    blob = session.scalar(
        select(Transcription.segments).where(Transcription.episode_id == episode_id, Transcription.status == DONE)
    )
    return decode_segments(blob) if blob else None


def feeds_transcribing(session: Session, feed_ids: Collection[int]) -> set[int]:
    """The feeds among `feed_ids` with episodes queued or being transcribed."""
    if not feed_ids:
        return set()
    rows = session.scalars(
        select(Transcription.feed_id).where(Transcription.feed_id.in_(list(feed_ids)),
                                            Transcription.status.in_([QUEUED, RUNNING])).distinct()
    )
    return {feed_id for feed_id in rows if feed_id is not None}


def queue_status(session: Session, *, now: datetime) -> QueueStatus:
    """Queue length, in progress, done since midnight UTC, and the audio/CPU hours of everything done."""
    table = Transcription.__table__
    counts: dict[str, int] = dict(session.execute(
        select(table.c.status, func.count()).where(or_(table.c.status != RUNNING, table.c.lease_until >= now))
        .group_by(table.c.status)
    ).all())
    stale = session.scalar(select(func.count()).where(table.c.status == RUNNING, table.c.lease_until < now)) or 0
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    done_today = session.scalar(
        select(func.count()).where(table.c.status == DONE, table.c.finished_at >= midnight)) or 0
    audio, cpu = session.execute(
        select(func.coalesce(func.sum(Transcription.audio_seconds), 0.0),
               func.coalesce(func.sum(Transcription.cpu_seconds), 0.0))
        .where(table.c.status == DONE)
    ).one()
    errors: list[str | None] = list(session.scalars(
        select(table.c.last_error).where(table.c.status == FAILED).order_by(table.c.finished_at.desc()).limit(3)))
    return QueueStatus(
        queued=int(counts.get(QUEUED, 0)) + int(stale), in_progress=int(counts.get(RUNNING, 0)),
        done_today=int(done_today), failed=int(counts.get(FAILED, 0)),
        audio_hours=float(audio or 0.0) / 3600, cpu_hours=float(cpu or 0.0) / 3600, last_errors=tuple(e for e in errors if e),
    )


def encode_segments(segments: Sequence[Segment]) -> bytes:
    data = [[s.start, s.end, s.text] for s in segments]
    return zlib.compress(json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8"), 6)


def decode_segments(blob: bytes) -> list[Segment]:
    return [Segment(text=text, start=start, end=end) for start, end, text in json.loads(zlib.decompress(blob))]
