"""Audio is decoded in chunks that end at quiet moments, and no sample is lost or repeated between them."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.speech import RATE, REQUIRE

if TYPE_CHECKING:
    from numpy.typing import NDArray

if REQUIRE:
    import av  # noqa: F401 - in CI the transcribe extra must be there
np = pytest.importorskip("numpy")
pytest.importorskip("av", reason="the audio tests need the transcribe extra: pip install '.[transcribe]'")

from ingest.transcribe.audio import AudioError, chunks  # noqa: E402
from tests.speech import encode  # noqa: E402


def _bursts(seconds: float) -> NDArray[Any]:
    """A 440 Hz tone, 1.7 s on and 0.5 s off, as 16-bit samples."""
    t = np.arange(int(seconds * RATE)) / RATE
    tone: NDArray[Any] = (np.sin(2 * np.pi * 440 * t) * 12000).astype(np.int16)
    tone[(t % 2.2) >= 1.7] = 0
    return tone


@pytest.mark.parametrize("suffix", [".mp3", ".ogg"])
def test_chunks_follow_each_other_without_gaps_and_end_in_silence(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"tone{suffix}"
    encode(_bursts(30.0), path)
    parts = list(chunks(path, chunk_seconds=6.0))
    assert len(parts) >= 4
    for before, after in pairwise(parts):
        assert after.offset == pytest.approx(before.offset + before.seconds)
        assert before.seconds <= 6.0
        tail = before.samples[-int(0.05 * RATE):]
        assert float(np.abs(tail).mean()) < 0.02  # cut in a pause, not in the tone
    assert parts[-1].offset + parts[-1].seconds == pytest.approx(30.0, abs=0.1)


def test_only_the_first_max_seconds_are_decoded(tmp_path: Path) -> None:
    path = tmp_path / "long.mp3"
    encode(_bursts(40.0), path)
    parts = list(chunks(path, chunk_seconds=8.0, max_seconds=20.0))
    assert parts[-1].offset + parts[-1].seconds == pytest.approx(20.0, abs=0.01)


def test_a_file_that_is_not_audio_is_a_plain_error(tmp_path: Path) -> None:
    path = tmp_path / "page.mp3"
    path.write_bytes(b"<html><body>Not Found</body></html>" * 50)
    with pytest.raises(AudioError, match=r"could not be|no audio"):
        list(chunks(path))
