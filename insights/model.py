"""Value objects shared by every layer."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Insight:
    """A short standalone statement from a podcast episode."""

    id: int
    text: str
    podcast: str | None = None
    episode: str | None = None
    url: str | None = None
    audio_url: str | None = None
    start_seconds: float | None = None
    published_at: datetime | None = None
    topics: tuple[str, ...] = ()
    #: The transcript's own words when `text` was written in other words (a language model's); else None.
    quote: str | None = None
    #: Found in Podbrief's own transcript of the audio (the episode published none): said as "auto-transcribed".
    machine_transcribed: bool = False
    #: When Podbrief stored it, where a reader needs it (the digest window, for an insight without a
    #: published date); None otherwise. Not part of the insight's identity.
    added_at: datetime | None = field(default=None, compare=False)

    @property
    def dated_at(self) -> datetime | None:
        """When the insight counts from: its episode's publication date or, without one, when it was added."""
        return self.published_at or self.added_at

    @property
    def moment_url(self) -> str | None:
        """Link to the moment in the audio (`audio#t=SECONDS`), when both are known."""
        if not self.audio_url or self.start_seconds is None:
            return None
        base = self.audio_url.split("#", 1)[0]
        return f"{base}#t={int(self.start_seconds)}"


@dataclass(frozen=True, slots=True)
class Match:
    """A search hit: the insight and how well it answers the query (0-100)."""

    insight: Insight
    score: float
    matched_terms: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class NewInsight:
    """An insight as read from an import file or an extractor, before it has an id."""

    text: str
    podcast: str | None = None
    episode: str | None = None
    url: str | None = None
    audio_url: str | None = None
    start_seconds: float | None = None
    published_at: datetime | None = None
    topics: tuple[str, ...] = ()
    quote: str | None = None
