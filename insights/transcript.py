"""Transcript values shared by the parsers (ingest) and the extractor (insights)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of speech (or of show notes): its text and, when known, when it starts."""

    text: str
    start: float | None = None
    end: float | None = None
    speaker: str | None = None


@dataclass(frozen=True, slots=True)
class Extracted:
    """A standalone insight found in a transcript, with its start time when known.

    `quote` is the transcript's own words when `text` was written in other words (by a
    language model); None when `text` is itself the transcript's wording.
    """

    text: str
    start_seconds: float | None
    score: float
    topics: tuple[str, ...] = ()
    quote: str | None = None
