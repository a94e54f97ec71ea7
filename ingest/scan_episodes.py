"""One episode's insights: its best transcript (fetched with the same safe fetcher), else its show notes.

Network and extraction only; nothing here touches the database, so scans can run these
outside any transaction and store the result in a short one.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from ingest.extractors import extracting
from ingest.feeds import ParsedEpisode, TranscriptRef
from ingest.fetch import Fetch
from insights.model import NewInsight
from insights.transcript import Segment
from storage.episodes_store import REPLACEABLE, SHOW_NOTES, EpisodeState

if TYPE_CHECKING:
    from ingest.extractors import Extractor

logger = logging.getLogger(__name__)

_OLDEST = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class EpisodeOptions:
    """How much work one episode may cause."""

    insights_per_episode: int = 6
    max_transcript_bytes: int = 10_000_000
    max_transcript_attempts: int = 3
    topic_vocabulary: Collection[str] = ()


@dataclass(frozen=True, slots=True)
class EpisodeWork:
    """What processing an episode produced: insights of `kind` (None: nothing new to store)."""

    kind: str | None
    items: list[NewInsight] = field(default_factory=list)
    transcript_url: str | None = None
    transcript_error: str | None = None


def needs_work(state: EpisodeState, episode: ParsedEpisode, options: EpisodeOptions) -> bool:
    """Unprocessed, or processed from show notes while a transcript is now worth trying."""
    if not state.processed:
        return True
    return (
        state.transcript_kind in REPLACEABLE
        and bool(episode.transcripts)
        and state.transcript_attempts < options.max_transcript_attempts
    )


def newest_first(pairs: Sequence[tuple[EpisodeState, ParsedEpisode]]) -> list[tuple[EpisodeState, ParsedEpisode]]:
    return sorted(pairs, key=lambda pair: pair[1].published_at or _OLDEST, reverse=True)


def episode_work(
    episode: ParsedEpisode,
    state: EpisodeState,
    *,
    podcast: str,
    fetch: Fetch,
    extractor: Extractor,
    options: EpisodeOptions,
) -> EpisodeWork:
    """Insights from the best readable transcript, else (once) from the show notes."""
    tried_url: str | None = None
    error: str | None = None
    if episode.transcripts and state.transcript_attempts < options.max_transcript_attempts:
        for kind, ref in ranked_transcripts(episode.transcripts):
            segments, error = _transcript_segments(ref, kind, fetch, options)
            tried_url = ref.url
            if segments:
                items = _insights(segments, episode, state, podcast, extractor, options)
                return EpisodeWork(kind=kind, items=items, transcript_url=ref.url)
    if state.transcript_kind in REPLACEABLE:
        return EpisodeWork(kind=None, transcript_url=tried_url, transcript_error=error)
    items = _insights(_show_note_segments(episode), episode, state, podcast, extractor, options)
    return EpisodeWork(kind=SHOW_NOTES, items=items, transcript_url=tried_url, transcript_error=error)


def ranked_transcripts(refs: Sequence[TranscriptRef]) -> list[tuple[str, TranscriptRef]]:
    """(kind, link) of each readable transcript, best kind first (JSON > VTT > SRT > HTML > text)."""
    from ingest.transcripts import rank_transcripts, transcript_kind

    return rank_transcripts(refs, lambda ref: transcript_kind(ref.mime_type, ref.url))


def _transcript_segments(
    ref: TranscriptRef, kind: str, fetch: Fetch, options: EpisodeOptions
) -> tuple[list[Segment], str | None]:
    from ingest.transcripts import TranscriptError, parse_transcript

    result = fetch(ref.url, max_bytes=options.max_transcript_bytes)
    if result.error or not result.ok:
        return [], f"transcript {ref.url}: {result.error or 'no content'}"
    try:
        segments = parse_transcript(result.body, kind)
    except TranscriptError as error:
        return [], f"transcript {ref.url}: {error}"
    except Exception:
        logger.exception("could not parse the %s transcript %s", kind, ref.url)
        return [], f"transcript {ref.url}: it could not be read"
    return segments, None if segments else f"transcript {ref.url}: it holds no readable text"


def _show_note_segments(episode: ParsedEpisode) -> list[Segment]:
    from ingest.transcripts import SHOW_NOTES as NOTES_KIND
    from ingest.transcripts import parse_transcript

    if not episode.show_notes_html.strip():
        return []
    try:
        return parse_transcript(episode.show_notes_html.encode("utf-8"), NOTES_KIND)
    except Exception:
        logger.exception("could not read the show notes of %s", episode.guid)
        return []


def _insights(
    segments: Sequence[Segment],
    episode: ParsedEpisode,
    state: EpisodeState,
    podcast: str,
    extractor: Extractor,
    options: EpisodeOptions,
) -> list[NewInsight]:
    if not segments:
        return []
    try:
        with extracting(f"{podcast} / {state.title}"):
            found = extractor.extract(
                segments,
                limit=options.insights_per_episode,
                soundbites=[(s.start_seconds, s.duration_seconds) for s in episode.soundbites],
                topic_vocabulary=options.topic_vocabulary,
            )
    except Exception:
        logger.exception("extraction failed for episode %s", episode.guid)
        return []
    return [
        NewInsight(
            text=item.text,
            podcast=podcast,
            episode=state.title,
            url=episode.link,
            audio_url=episode.audio_url,
            start_seconds=item.start_seconds,
            published_at=episode.published_at,
            topics=tuple(item.topics),
            quote=item.quote,
        )
        for item in found
        if item.text and item.text.strip()
    ]
