"""faster-whisper over memory-bounded chunks: an episode's audio file → timed `Segment`s.

    transcriber = WhisperTranscriber("base.en", models_dir=data_dir / "models", threads=2)
    transcript = transcriber.transcribe(Path("episode.mp3"), max_seconds=180 * 60)

A model name ("tiny.en", "base.en", "small.en"…) is downloaded once into `models_dir` on first
use; a path to a CTranslate2 model folder is loaded from there, nothing downloaded.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ingest.transcribe.audio import Chunk, chunks
from insights.transcript import Segment

if TYPE_CHECKING:
    from collections.abc import Callable

logger = logging.getLogger(__name__)

INSTALL_HINT = "TRANSCRIBE=missing needs the transcription extra: pip install 'podbrief[transcribe]'"
CHUNK_SECONDS = 240.0


def missing_extra() -> str | None:
    """What to install for transcription, or None when faster-whisper is importable."""
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return INSTALL_HINT
    return None


@dataclass(frozen=True)
class Transcript:
    """Timed segments of one episode, and what they cost."""

    segments: list[Segment]
    audio_seconds: float
    cpu_seconds: float
    model: str


class Transcriber(Protocol):
    """Turns an audio file into timed segments (tests may pass another implementation)."""

    model_name: str

    def transcribe(self, path: Path, *, max_seconds: float,
                   on_chunk: Callable[[float], None] | None = None) -> Transcript:
        """Segments of the first `max_seconds` of `path`; `on_chunk(seconds done)` after each chunk."""
        ...


class WhisperTranscriber:
    """faster-whisper (CTranslate2, int8 on CPU), loaded once on first use and shared by threads."""

    def __init__(self, model: str, *, models_dir: Path, threads: int = 0, local_files_only: bool = False,
                 chunk_seconds: float = CHUNK_SECONDS) -> None:
        self.model_name = model
        self.models_dir = models_dir
        self.threads = threads
        self.local_files_only = local_files_only
        self.chunk_seconds = chunk_seconds
        self._loaded: Any = None
        self._lock = threading.Lock()

    def rechunked(self, chunk_seconds: float) -> WhisperTranscriber:
        """The same loaded model, cutting audio into chunks of `chunk_seconds`."""
        other = WhisperTranscriber(self.model_name, models_dir=self.models_dir, threads=self.threads,
                                   local_files_only=self.local_files_only, chunk_seconds=chunk_seconds)
        other._loaded = self.load()
        return other

    def model_path(self) -> str:
        """The model's folder: the setting itself when it is one, else the download (made once)."""
        if Path(self.model_name).expanduser().is_dir():
            return str(Path(self.model_name).expanduser())
        target = self.models_dir / self.model_name.replace("/", "--")
        if (target / "model.bin").is_file():
            return str(target)
        from faster_whisper.utils import download_model

        logger.info("downloading the transcription model %s into %s (once)", self.model_name, target)
        target.mkdir(parents=True, exist_ok=True)
        return str(download_model(self.model_name, output_dir=str(target), local_files_only=self.local_files_only))

    def load(self) -> Any:
        """The loaded WhisperModel (loading it the first time)."""
        with self._lock:
            if self._loaded is None:
                from faster_whisper import WhisperModel

                self._loaded = WhisperModel(self.model_path(), device="cpu", compute_type="int8",
                                            cpu_threads=self.threads or min(4, os.cpu_count() or 1),
                                            local_files_only=True)
            return self._loaded

    def transcribe(self, path: Path, *, max_seconds: float,
                   on_chunk: Callable[[float], None] | None = None) -> Transcript:
        model = self.load()
        cpu_started = time.process_time()
        segments: list[Segment] = []
        heard = 0.0
        for chunk in chunks(path, chunk_seconds=self.chunk_seconds, max_seconds=max_seconds):
            segments += _chunk_segments(model, chunk)
            heard = chunk.offset + chunk.seconds
            if on_chunk is not None:
                on_chunk(heard)
        return Transcript(segments, heard, time.process_time() - cpu_started, self.model_name)


def _chunk_segments(model: Any, chunk: Chunk) -> list[Segment]:
    """One chunk's segments, their times moved to the episode's clock."""
    found, _info = model.transcribe(chunk.samples, language="en", beam_size=1, condition_on_previous_text=False,
                                    vad_filter=False)
    out = []
    for piece in found:
        text = " ".join(piece.text.split())
        if text:
            out.append(Segment(text=text, start=round(chunk.offset + piece.start, 2),
                               end=round(chunk.offset + piece.end, 2)))
    return out
