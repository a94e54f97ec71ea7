"""The extractor the scan service uses: the built-in one by default, an LLM-backed one if configured."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol

from insights.extraction import extract_insights
from insights.transcript import Extracted, Segment

#: "Podcast / Episode" being extracted, for extractors' log lines (set by the scan).
current_episode: ContextVar[str | None] = ContextVar("current_episode", default=None)


@contextmanager
def extracting(label: str) -> Iterator[None]:
    """Name the episode an extractor works on in this thread, for its log lines."""
    token = current_episode.set(label)
    try:
        yield
    finally:
        current_episode.reset(token)


class Extractor(Protocol):
    """Turns a transcript into a handful of standalone insights, best first."""

    def extract(
        self,
        segments: Sequence[Segment],
        *,
        limit: int = 6,
        soundbites: Sequence[tuple[float, float]] = (),
        topic_vocabulary: Collection[str] = (),
    ) -> list[Extracted]:
        """Up to `limit` insights; `soundbites` are (start, duration) hints in seconds."""
        ...


class BuiltinExtractor:
    """The offline extractor: `insights.extraction.extract_insights`."""

    def extract(
        self,
        segments: Sequence[Segment],
        *,
        limit: int = 6,
        soundbites: Sequence[tuple[float, float]] = (),
        topic_vocabulary: Collection[str] = (),
    ) -> list[Extracted]:
        """Up to `limit` insights found by TextRank and the standalone heuristics."""
        return extract_insights(segments, limit=limit, soundbites=soundbites, topic_vocabulary=topic_vocabulary)
