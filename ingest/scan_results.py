"""What the scan service answers: per-feed outcomes, scan summaries, `feeds add` results, options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

from ingest.scan_episodes import EpisodeOptions


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """How often and how hard to scan."""

    interval: timedelta = timedelta(minutes=30)
    max_backoff: timedelta = timedelta(hours=24)
    max_workers: int = 8
    max_episodes_per_feed: int = 20  # newest first; the rest follow on later scans
    transcribe_newest: int = 0  # TRANSCRIBE=missing: queue this many newest untranscribed episodes per check
    episode: EpisodeOptions = field(default_factory=EpisodeOptions)

    def retry_delay(self, failures: int) -> timedelta:
        """Backoff after `failures` consecutive failures: twice the interval, doubling, capped."""
        return min(self.interval * (1 << max(0, min(failures, 16))), self.max_backoff)


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What checking one feed did."""

    feed_id: int
    url: str
    status: Literal["updated", "unchanged", "failed"]
    title: str | None = None
    new_episodes: int = 0
    episode_count: int = 0
    transcripts_found: int = 0
    insights_added: int = 0
    moved_to: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class FeedProblem:
    """A feed that failed during a scan, and why (plain words)."""

    feed_id: int
    url: str
    error: str


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """What a scan did, for the CLI, the logs and Slack."""

    feeds_checked: int = 0
    unchanged: int = 0
    new_episodes: int = 0
    insights_added: int = 0
    errors: int = 0
    feed_errors: tuple[FeedProblem, ...] = ()
    elapsed_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class AddFeedResult:
    """The answer to `feeds add URL`: the podcast and its episodes, or why it cannot be used."""

    url: str
    ok: bool
    feed_id: int | None = None
    title: str | None = None
    episode_count: int = 0
    transcripts_found: int = 0
    insights_added: int = 0
    already_followed: bool = False
    reason: str | None = None  # why it cannot be used; or, with ok, why its episodes wait for the next scan


#: Called after each feed: (feeds done, feeds in this scan, what the feed's check did).
Progress = Callable[[int, int, FeedOutcome], None]
