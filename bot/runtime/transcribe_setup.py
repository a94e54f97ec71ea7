"""Transcription as the deployment configures it (TRANSCRIBE=missing): the engine, the queue job.

    transcription = transcription_for(settings)   # None when TRANSCRIBE=off; StartupError without the extra
    transcribe_tick(deps, transcription)          # drain the queue once (the scheduler's job)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import BinaryIO

from bot.config import Settings
from bot.deps import Deps
from bot.startup import StartupError
from ingest.fetch import Fetcher, FetchResult, download
from ingest.transcribe.engine import Transcriber, WhisperTranscriber, missing_extra
from ingest.transcribe.worker import JobOutcome, TranscribeOptions, transcribe_queue, worker_name

log = logging.getLogger("podbrief.transcribe")

TRANSCRIBE_JOB_ID = "transcribe-queue"
#: How often a process looks for queued episodes when its last pass found none.
TRANSCRIBE_TICK_SECONDS = 60
#: An episode's audio may take this long to download (its own deadline, not the feed fetch's).
DOWNLOAD_SECONDS = 30 * 60
#: Each feed check queues at most this many of its newest episodes without a transcript.
NEWEST_PER_CHECK = 3


@dataclass(frozen=True)
class Transcription:
    """The configured engine and limits; one per process (the model loads once, on first use)."""

    transcriber: Transcriber
    options: TranscribeOptions
    max_audio_bytes: int
    newest_per_check: int = NEWEST_PER_CHECK


def transcription_for(settings: Settings) -> Transcription | None:
    """None with TRANSCRIBE=off; raises `StartupError` (saying what to install) when the extra is missing."""
    if settings.transcribe == "off":
        return None
    hint = missing_extra()
    if hint is not None:
        raise StartupError(hint)
    transcriber = WhisperTranscriber(settings.transcribe_model, models_dir=settings.data_dir / "models",
                                     threads=settings.transcribe_threads)
    return Transcription(transcriber, TranscribeOptions(max_minutes=settings.transcribe_max_minutes),
                         max_audio_bytes=settings.transcribe_max_audio_mb * 1_000_000)


def transcribe_tick(deps: Deps, transcription: Transcription) -> list[JobOutcome]:
    """Transcribe queued episodes until none is left to claim; new insights become searchable at once."""
    with deps.fetchers() as fetcher:
        outcomes = transcribe_queue(deps.sessions, _downloader(fetcher, transcription.max_audio_bytes),
                                    transcription.transcriber, deps.extractor, worker=worker_name(),
                                    clock=deps.clock, options=transcription.options, on_result=_log)
    if any(o.insights_added for o in outcomes):
        deps.search_index.invalidate()
    return outcomes


def _downloader(fetcher: Fetcher, max_bytes: int):  # type: ignore[no-untyped-def]
    def fetch_audio(url: str, sink: BinaryIO) -> FetchResult:
        return download(fetcher, url, sink, max_bytes=max_bytes, deadline_seconds=DOWNLOAD_SECONDS)

    return fetch_audio


def _log(outcome: JobOutcome) -> None:
    if outcome.status == "done":
        log.info("transcribed episode %s: %.0f min of audio, %d insights added", outcome.episode_id,
                 outcome.audio_seconds / 60, outcome.insights_added)
    elif outcome.error:
        log.warning("transcribing episode %s: %s (%s)", outcome.episode_id, outcome.error,
                    "will retry" if outcome.status == "retry" else "given up")
