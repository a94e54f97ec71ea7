"""The extractor the scan service uses: the built-in one by default, an LLM-backed one if configured."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

from insights.extraction import extract_insights
from insights.transcript import Extracted, Segment


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
