"""Decode an audio file (MP3, M4A, OGG…) with PyAV into 16 kHz mono chunks of a few minutes.

Whole-file decoding is what makes long episodes expensive (features for an hour of audio take
gigabytes), so the file is streamed: at most one chunk (plus a little carry-over) is in memory.
Each chunk ends in the quietest moment of its last seconds, so a cut rarely splits a word.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

RATE = 16_000
#: Where a chunk may end: the quietest 0.1 s window within its last this-many seconds.
CUT_WINDOW_SECONDS = 10.0


class AudioError(Exception):
    """The file holds no audio PyAV can decode; `str(error)` says so in plain words."""


@dataclass(frozen=True)
class Chunk:
    """`samples` (float32, 16 kHz mono) starting `offset` seconds into the episode."""

    offset: float
    samples: np.ndarray

    @property
    def seconds(self) -> float:
        return len(self.samples) / RATE


def chunks(path: Path, *, chunk_seconds: float = 240.0, max_seconds: float | None = None) -> Iterator[Chunk]:
    """The audio of `path` in order, about `chunk_seconds` at a time, stopping at `max_seconds`."""
    import numpy as np

    size = int(chunk_seconds * RATE)
    limit = None if max_seconds is None else int(max_seconds * RATE)
    pending: list[np.ndarray] = []
    buffered = 0
    offset = 0
    for block in _decoded(path):
        if limit is not None and offset + buffered + len(block) > limit:
            block = block[: max(0, limit - offset - buffered)]
        pending.append(block)
        buffered += len(block)
        while buffered >= size:
            audio = np.concatenate(pending)
            cut = _quiet_cut(audio, size)
            yield Chunk(offset / RATE, audio[:cut])
            offset += cut
            pending, buffered = [audio[cut:]], len(audio) - cut
        if limit is not None and offset + buffered >= limit:
            break
    if buffered:
        yield Chunk(offset / RATE, np.concatenate(pending))


def _quiet_cut(audio: np.ndarray, size: int) -> int:
    """An index near `size` where the audio is quietest (never after `size`, never before the window)."""
    import numpy as np

    window = int(0.1 * RATE)
    start = max(window, size - int(CUT_WINDOW_SECONDS * RATE))
    tail = audio[start:size]
    frames = len(tail) // window
    if frames < 2:
        return size
    energy = np.square(tail[: frames * window].reshape(frames, window)).mean(axis=1)
    return start + int(np.argmin(energy)) * window + window // 2


def _decoded(path: Path) -> Iterator[np.ndarray]:
    """Float32 16 kHz mono blocks of the first audio stream, resampled by PyAV as they are read."""
    import av
    import numpy as np

    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, OSError, UnicodeDecodeError) as error:
        raise AudioError(f"the audio could not be opened ({_first_line(error)})") from error
    with container:
        if not container.streams.audio:
            raise AudioError("the file holds no audio")
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        try:
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
            for out in resampler.resample(None):
                yield out.to_ndarray().reshape(-1).astype(np.float32) / 32768.0
        except av.FFmpegError as error:
            raise AudioError(f"the audio could not be decoded ({_first_line(error)})") from error


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]
