"""Drain the transcription queue: claim an episode, download its audio, transcribe, extract, store.

    outcomes = transcribe_queue(sessions, download, transcriber, extractor, worker="host:pid")

Each job runs outside any transaction (download and transcription take minutes) and is stored in
one short transaction: the transcript, the insights and the job marked done together, so a crash
leaves either nothing or everything. The lease is renewed after each chunk; a worker that loses
its claim stores nothing. The audio is streamed to a temporary file, deleted afterwards.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO, Literal, cast

from sqlalchemy.orm import Session, sessionmaker

from ingest.claimed_work import drain
from ingest.extractors import Extractor, extracting
from ingest.fetch import FetchResult
from ingest.transcribe.audio import AudioError
from ingest.transcribe.engine import Transcriber, Transcript
from insights.model import NewInsight
from storage import episodes_store, transcription_queue
from storage.clock import Clock, utc_now
from storage.episodes_store import AUTO_TRANSCRIPT, REPLACEABLE
from storage.models import Episode
from storage.transcription_queue import Job, LostClaim

logger = logging.getLogger(__name__)

#: `download(url, sink)`: stream the audio at `url` into `sink` (e.g. `ingest.fetch.download` bound to a fetcher).
Download = Callable[[str, BinaryIO], FetchResult]


@dataclass(frozen=True, slots=True)
class TranscribeOptions:
    """How much one episode may cost, and how the queue is shared."""

    max_minutes: float = 180.0
    lease: timedelta = timedelta(minutes=15)
    max_attempts: int = 3
    concurrency: int = 1
    insights_per_episode: int = 6
    topic_vocabulary: Collection[str] = ()
    temp_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class JobOutcome:
    """What one job came to: done (with insights), retried later, failed for good, skipped, or lost."""

    job_id: int
    episode_id: int
    status: Literal["done", "retry", "failed", "skipped", "lost"]
    insights_added: int = 0
    audio_seconds: float = 0.0
    error: str | None = None


def transcribe_queue(
    sessions: sessionmaker[Session], download: Download, transcriber: Transcriber, extractor: Extractor, *,
    worker: str, clock: Clock = utc_now, options: TranscribeOptions = TranscribeOptions(),
    on_result: Callable[[JobOutcome], None] | None = None,
) -> list[JobOutcome]:
    """Work through the queue, `options.concurrency` jobs at a time, until nothing is left to claim."""

    def claim(limit: int) -> tuple[list[Job], bool]:
        with sessions.begin() as session:
            jobs = transcription_queue.claim(session, worker=worker, now=clock(), lease=options.lease, limit=limit,
                                             max_attempts=options.max_attempts)
        return jobs, len(jobs) == limit

    def work(job: Job) -> JobOutcome:
        return run_job(job, sessions, download, transcriber, extractor, clock=clock, options=options)

    sweep_stale_audio(options.temp_dir)
    return drain(claim, work, options.concurrency, thread_name_prefix="transcribe", on_result=on_result)


def run_job(
    job: Job, sessions: sessionmaker[Session], download: Download, transcriber: Transcriber, extractor: Extractor,
    *, clock: Clock, options: TranscribeOptions,
) -> JobOutcome:
    """One claimed job, start to end; every failure is recorded on the job (never raised)."""
    try:
        with tempfile.NamedTemporaryFile(prefix=AUDIO_PREFIX, dir=options.temp_dir) as audio:
            # typeshed types the temporary file as IO[bytes]; it is a BufferedRandom, a BinaryIO
            fetched = download(job.audio_url, cast(BinaryIO, audio))
            if fetched.error or not fetched.ok:
                return _failed(job, f"the audio could not be downloaded: {fetched.error or 'no content'}",
                               sessions, clock, options, retry=True)
            audio.flush()
            transcript = transcriber.transcribe(Path(audio.name), max_seconds=options.max_minutes * 60,
                                                on_chunk=lambda _: _renew(job, sessions, clock, options))
        items = _insights(job, transcript, extractor, options)
        return _store(job, transcript, items, sessions, clock)
    except AudioError as error:
        return _failed(job, str(error), sessions, clock, options, retry=False)
    except LostClaim:
        logger.warning("transcription %s was taken over by another worker; its result is dropped", job.id)
        return JobOutcome(job.id, job.episode_id, "lost")
    except Exception as error:
        logger.exception("transcribing episode %s (%s) failed", job.episode_id, job.audio_url)
        return _failed(job, f"unexpected error while transcribing: {type(error).__name__}: {error}",
                       sessions, clock, options, retry=True)


def _renew(job: Job, sessions: sessionmaker[Session], clock: Clock, options: TranscribeOptions) -> None:
    with sessions.begin() as session:
        if not transcription_queue.renew(session, job, until=clock() + options.lease):
            raise LostClaim(f"transcription {job.id} was taken over by another worker")


def _insights(job: Job, transcript: Transcript, extractor: Extractor, options: TranscribeOptions) -> list[NewInsight]:
    """The same extraction as a published transcript's, on the machine transcript's timed segments."""
    if not transcript.segments:
        return []
    with extracting(f"{job.podcast} / {job.episode} (auto-transcribed)"):
        found = extractor.extract(transcript.segments, limit=options.insights_per_episode,
                                  topic_vocabulary=options.topic_vocabulary)
    return [
        NewInsight(text=item.text, podcast=job.podcast, episode=job.episode, url=job.episode_url,
                   audio_url=job.audio_url, start_seconds=item.start_seconds, published_at=job.published_at,
                   topics=tuple(item.topics), quote=item.quote)
        for item in found if item.text and item.text.strip()
    ]


def _store(job: Job, transcript: Transcript, items: list[NewInsight], sessions: sessionmaker[Session],
           clock: Clock) -> JobOutcome:
    """Transcript, insights and the job's end in one transaction; the publisher's transcript wins a race."""
    now = clock()
    with sessions.begin() as session:
        kind = session.get(Episode, job.episode_id).transcript_kind  # type: ignore[union-attr]
        if kind is not None and kind not in REPLACEABLE:
            transcription_queue.skip_episodes(session, [job.episode_id], "the publisher's transcript is used instead",
                                              now=now)
            return JobOutcome(job.id, job.episode_id, "skipped")
        transcription_queue.complete(session, job, transcript.segments, model=transcript.model,
                                     audio_seconds=transcript.audio_seconds, cpu_seconds=transcript.cpu_seconds,
                                     now=now)
        added = episodes_store.store_episode_insights(session, job.episode_id, items, kind=AUTO_TRANSCRIPT,
                                                      podcast_id=job.podcast_id) if items else 0
    return JobOutcome(job.id, job.episode_id, "done", insights_added=added, audio_seconds=transcript.audio_seconds)


def _failed(job: Job, error: str, sessions: sessionmaker[Session], clock: Clock, options: TranscribeOptions,
            *, retry: bool) -> JobOutcome:
    try:
        with sessions.begin() as session:
            transcription_queue.fail(session, job, error, now=clock(), retry=retry, max_attempts=options.max_attempts)
    except Exception:
        logger.exception("could not record the failure of transcription %s", job.id)
    again = retry and job.attempts < options.max_attempts
    return JobOutcome(job.id, job.episode_id, "retry" if again else "failed", error=error)


AUDIO_PREFIX = "podbrief-audio-"


def sweep_stale_audio(folder: Path | None = None, *, older_than: timedelta = timedelta(hours=24)) -> int:
    """Delete audio files a killed worker left behind (a live one's file is younger); how many."""
    import time

    folder = folder or Path(tempfile.gettempdir())
    removed = 0
    for path in folder.glob(f"{AUDIO_PREFIX}*"):
        try:
            if time.time() - path.stat().st_mtime > older_than.total_seconds():
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def worker_name() -> str:
    """host:pid, for `claimed_by` (each claim adds its own token)."""
    import os
    import socket

    return f"{socket.gethostname()[:40]}:{os.getpid()}"


__all__ = ["Download", "JobOutcome", "TranscribeOptions", "run_job", "sweep_stale_audio", "transcribe_queue",
           "worker_name"]
