"""Audio for transcription is streamed to a file by the same safe fetcher, under its own size cap."""

from __future__ import annotations

import io

from ingest.fetch import Fetcher, download
from tests.integration.feed_server import FeedServer, endless, static


def test_an_episodes_audio_is_streamed_into_the_file_whole() -> None:
    audio = bytes(range(256)) * 4000
    with FeedServer() as server, Fetcher(allow_private_addresses=True) as fetcher:
        url = server.route("/ep.mp3", static(audio, content_type="audio/mpeg"))
        sink = io.BytesIO()
        result = download(fetcher, url, sink, max_bytes=2_000_000, deadline_seconds=30)
    assert result.ok and result.body == b""
    assert sink.getvalue() == audio


def test_audio_over_the_cap_stops_while_streaming_with_a_plain_reason() -> None:
    with FeedServer() as server, Fetcher(allow_private_addresses=True) as fetcher:
        url = server.route("/huge.mp3", endless())
        sink = io.BytesIO()
        result = download(fetcher, url, sink, max_bytes=1_000_000, deadline_seconds=30)
    assert result.error == "it is larger than the 1 MB limit"
    assert len(sink.getvalue()) <= 1_000_000


def test_audio_declared_over_the_cap_is_refused_before_reading() -> None:
    with FeedServer() as server, Fetcher(allow_private_addresses=True) as fetcher:
        url = server.route("/big.mp3", endless(content_length=900_000_000))
        sink = io.BytesIO()
        result = download(fetcher, url, sink, max_bytes=1_000_000, deadline_seconds=30)
    assert result.error is not None and "larger than" in result.error
    assert sink.getvalue() == b""


def test_audio_on_a_private_address_is_refused_like_any_fetch() -> None:
    with Fetcher() as strict:
        result = download(strict, "http://127.0.0.1:9/ep.mp3", io.BytesIO(), max_bytes=1000, deadline_seconds=5)
    assert result.error is not None and not result.ok


def test_audio_a_killed_worker_left_behind_is_swept_and_a_live_workers_file_is_kept(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import os
    import time

    from ingest.transcribe.worker import AUDIO_PREFIX, sweep_stale_audio

    stale, live, other = (tmp_path / f"{AUDIO_PREFIX}old", tmp_path / f"{AUDIO_PREFIX}new", tmp_path / "notes.txt")
    for path in (stale, live, other):
        path.write_bytes(b"x")
    day_ago = time.time() - 25 * 3600
    os.utime(stale, (day_ago, day_ago))
    os.utime(other, (day_ago, day_ago))
    assert sweep_stale_audio(tmp_path) == 1
    assert not stale.exists() and live.exists() and other.exists()
