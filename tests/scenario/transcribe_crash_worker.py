"""A `podbrief worker` stand-in for the transcription crash test: claims the queue's first job,
transcribes its first chunk, then says so and waits to be killed
(`python -m tests.scenario.transcribe_crash_worker DATABASE_URL MODELS_DIR`)."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path

from ingest.extractors import BuiltinExtractor
from ingest.fetch import Fetcher
from ingest.transcribe.engine import Transcript
from ingest.transcribe.worker import TranscribeOptions, transcribe_queue
from storage.db import create_db_engine, session_factory
from tests.scenario.transcription import downloader, load_transcriber

CHUNK_SECONDS = 12.0


class StallsAfterFirstChunk:
    """The real transcriber; after its first chunk, it reports and hangs until the process is killed."""

    def __init__(self, models_dir: Path) -> None:
        self.inner = load_transcriber(models_dir).rechunked(CHUNK_SECONDS)
        self.model_name = self.inner.model_name

    def transcribe(self, path: Path, *, max_seconds: float,
                   on_chunk: Callable[[float], None] | None = None) -> Transcript:
        def stall(seconds: float) -> None:
            if on_chunk:
                on_chunk(seconds)
            print(f"transcribed {seconds:.1f} s", flush=True)
            time.sleep(120)

        return self.inner.transcribe(path, max_seconds=max_seconds, on_chunk=stall)


def main(url: str, models_dir: str) -> None:
    sessions = session_factory(create_db_engine(url))
    with Fetcher(allow_private_addresses=True, deadline_seconds=30) as fetcher:
        transcribe_queue(sessions, downloader(fetcher), StallsAfterFirstChunk(Path(models_dir)), BuiltinExtractor(),
                         worker="doomed", options=TranscribeOptions(concurrency=1))


if __name__ == "__main__":
    main(*sys.argv[1:3])
