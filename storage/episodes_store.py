"""Episodes found by feed scans, and their insights (show notes first, transcripts when they appear).

An episode is identified by (podcast, guid). Its `transcript_kind` says where its insights
came from: None (not processed yet), `SHOW_NOTES`, or a transcript kind such as "vtt".
When a transcript appears for an episode processed from show notes, its show-notes insights
are replaced by transcript insights (except any someone saved or received in a digest).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm import Session

from insights.model import NewInsight
from insights.text import clean_display_text, content_hash, normalise_content
from storage.clock import as_utc, utc_now
from storage.insights_store import InsightWriter
from storage.models import DeliveredInsight, Episode, InsightRow, SavedInsight, SearchTerm
from storage.sql_helpers import upsert_insert

#: `Episode.transcript_kind` of an episode whose insights came from its show notes.
SHOW_NOTES = "show_notes"
#: `Episode.transcript_kind` of an episode whose insights came from our own (machine) transcript;
#: like show-notes insights, they give way to the publisher's transcript when it appears.
AUTO_TRANSCRIPT = "auto"
#: Kinds whose insights a published transcript replaces.
REPLACEABLE = (SHOW_NOTES, AUTO_TRANSCRIPT)


@dataclass(frozen=True, slots=True)
class EpisodeFields:
    """An episode as a feed describes it."""

    guid: str
    title: str
    url: str | None = None
    audio_url: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EpisodeState:
    """A stored episode and how far its processing got."""

    id: int
    guid: str
    title: str
    transcript_kind: str | None
    transcript_url: str | None
    transcript_attempts: int
    is_new: bool = False

    @property
    def processed(self) -> bool:
        return self.transcript_kind is not None

    @property
    def has_transcript_insights(self) -> bool:
        return self.transcript_kind not in (None, SHOW_NOTES)


def episode_key(title: str) -> str:
    """The episode's key within its podcast, exactly as `InsightWriter` derives it from a title."""
    return normalise_content(title)[:500] or title[:500]


def upsert_episodes(session: Session, podcast_id: int, episodes: Sequence[EpisodeFields]) -> list[EpisodeState]:
    """Store the feed's episodes by (podcast, guid): new ones inserted, changed details updated.

    An episode imported earlier under the same title but without a guid is adopted.
    Returns the states in the order of `episodes` (repeated guids once).
    """
    unique = list({e.guid: e for e in reversed(episodes)}.values())[::-1]
    existing = _rows(session, podcast_id)
    rows = {r.guid: r for r in existing if r.guid}
    keys = {r.episode_key: r for r in existing}
    taken = set(keys)
    fresh: list[dict[str, object]] = []
    for fields in unique:
        row = rows.get(fields.guid)
        key = episode_key(clean_display_text(fields.title))
        if row is None and (adoptable := keys.get(key)) is not None and adoptable.guid is None:
            row = adoptable
            row.guid = fields.guid
        if row is not None:
            _refresh(row, fields)
            continue
        if key in taken:
            key = f"{key[:480]} #{hashlib.sha1(fields.guid.encode()).hexdigest()[:12]}"
        taken.add(key)
        fresh.append(_new_row(podcast_id, key, fields))
    session.flush()
    if fresh:
        session.execute(upsert_insert(session, Episode.__table__).on_conflict_do_nothing(), fresh)
    return _states(session, podcast_id, unique, {str(row["guid"]) for row in fresh})


def _rows(session: Session, podcast_id: int) -> list[Episode]:
    return list(session.scalars(select(Episode).where(Episode.podcast_id == podcast_id)))


def _refresh(row: Episode, fields: EpisodeFields) -> None:
    """Update what a feed may correct later (links, date); titles stay, they key the episode."""
    if fields.url and row.url != fields.url:
        row.url = fields.url
    if fields.audio_url and row.audio_url != fields.audio_url:
        row.audio_url = fields.audio_url
    if fields.published_at and as_utc(row.published_at) != fields.published_at:
        row.published_at = fields.published_at


def _new_row(podcast_id: int, key: str, fields: EpisodeFields) -> dict[str, object]:
    return {
        "podcast_id": podcast_id,
        "episode_key": key,
        "guid": fields.guid,
        "title": clean_display_text(fields.title)[:500] or "Untitled episode",
        "url": fields.url,
        "audio_url": fields.audio_url,
        "published_at": fields.published_at,
        "created_at": utc_now(),
        "transcript_attempts": 0,
        "notes_insight_ids": [],
    }


def _states(
    session: Session, podcast_id: int, episodes: Sequence[EpisodeFields], new_guids: set[str]
) -> list[EpisodeState]:
    by_guid = {row.guid: row for row in _rows(session, podcast_id) if row.guid}
    return [
        EpisodeState(
            id=row.id,
            guid=e.guid,
            title=row.title,
            transcript_kind=row.transcript_kind,
            transcript_url=row.transcript_url,
            transcript_attempts=row.transcript_attempts or 0,
            is_new=e.guid in new_guids,
        )
        for e in episodes
        if (row := by_guid.get(e.guid)) is not None
    ]


def record_transcript_failure(session: Session, episode_id: int, transcript_url: str) -> None:
    """One more failed attempt at the episode's transcript (retries stop after a few)."""
    session.execute(
        update(Episode)
        .where(Episode.id == episode_id)
        .values(transcript_attempts=Episode.transcript_attempts + 1, transcript_url=transcript_url[:2000])
    )


@dataclass(frozen=True, slots=True)
class EpisodeInsights:
    """Insights extracted from one episode, and where they came from."""

    episode_id: int
    kind: str  # a transcript kind, or SHOW_NOTES
    items: Sequence[NewInsight]
    transcript_url: str | None = None


def store_insights(session: Session, podcast_id: int, batches: Sequence[EpisodeInsights]) -> int:
    """Store several episodes' insights in one pass; how many were added.

    Transcript insights replace an episode's show-notes insights (when the transcript gave
    any); content already stored is never added twice.
    """
    ids = [b.episode_id for b in batches]
    episodes = {e.id: e for e in session.scalars(select(Episode).where(Episode.id.in_(ids)))}
    batches = [b for b in batches if b.episode_id in episodes]
    upgrades = [b for b in batches if b.kind != SHOW_NOTES and b.items
                and episodes[b.episode_id].transcript_kind in REPLACEABLE
                and b.kind != episodes[b.episode_id].transcript_kind]
    _delete_unshared(session, [i for b in upgrades for i in episodes[b.episode_id].notes_insight_ids or []])
    for batch in upgrades:
        episodes[batch.episode_id].notes_insight_ids = []
    result = InsightWriter(session).add(item for b in batches for item in b.items)
    placed = _place(session, result.added_ids, _owners(batches), podcast_id)
    for batch in batches:
        episode = episodes[batch.episode_id]
        if batch.kind in REPLACEABLE:
            episode.notes_insight_ids = list(episode.notes_insight_ids or []) + placed.get(episode.id, [])
        else:
            episode.transcript_url = batch.transcript_url[:2000] if batch.transcript_url else None
        episode.transcript_kind = batch.kind
    session.flush()
    return result.added


def store_episode_insights(
    session: Session, episode_id: int, items: Sequence[NewInsight], *, kind: str, podcast_id: int,
    transcript_url: str | None = None,
) -> int:
    """`store_insights` for a single episode."""
    return store_insights(session, podcast_id, [EpisodeInsights(episode_id, kind, items, transcript_url)])


def _hash_key(value: object) -> object:
    return bytes(value) if isinstance(value, bytes | bytearray | memoryview) else value


def _owners(batches: Sequence[EpisodeInsights]) -> dict[object, int]:
    """Content hash -> the episode whose insight it is (the first, when two episodes say the same)."""
    owners: dict[object, int] = {}
    for batch in batches:
        for item in batch.items:
            owners.setdefault(_hash_key(content_hash(item.text)), batch.episode_id)
    return owners


def _place(session: Session, added_ids: list[int], owners: dict[object, int], podcast_id: int) -> dict[int, list[int]]:
    """Point each added insight at its own episode and podcast (the writer resolves them by title,
    which two episodes may share); the added ids per episode."""
    if not added_ids:
        return {}
    rows = session.execute(select(InsightRow.id, InsightRow.content_hash).where(InsightRow.id.in_(added_ids)))
    placed: dict[int, list[int]] = {}
    for row in rows:
        episode_id = owners.get(_hash_key(row.content_hash))
        if episode_id is not None:
            placed.setdefault(episode_id, []).append(row.id)
    table = InsightRow.__table__
    session.execute(
        update(table).where(table.c.id == bindparam("row_id"))
        .values(episode_id=bindparam("row_episode"), podcast_id=podcast_id),
        [{"row_id": i, "row_episode": e} for e, ids in placed.items() for i in ids],
    )
    return placed


def _delete_unshared(session: Session, insight_ids: list[int]) -> None:
    """Delete these insights, except any someone saved or received; keep search term counts right."""
    if not insight_ids:
        return
    shared = set(session.scalars(select(SavedInsight.insight_id).where(SavedInsight.insight_id.in_(insight_ids))))
    shared |= set(
        session.scalars(select(DeliveredInsight.insight_id).where(DeliveredInsight.insight_id.in_(insight_ids)))
    )
    doomed = [i for i in insight_ids if i not in shared]
    if not doomed:
        return
    texts = session.scalars(select(InsightRow.search_text).where(InsightRow.id.in_(doomed))).all()
    session.execute(delete(InsightRow).where(InsightRow.id.in_(doomed)))
    counts = Counter(term for text in texts for term in set(text.split()))
    terms = SearchTerm.__table__
    session.execute(
        update(terms).where(terms.c.term == bindparam("t")).values(doc_count=terms.c.doc_count - bindparam("n")),
        [{"t": term, "n": count} for term, count in sorted(counts.items())],
    )
    session.execute(delete(SearchTerm).where(SearchTerm.term.in_(list(counts)), SearchTerm.doc_count <= 0))


def show_notes_only(session: Session, podcast_ids: Collection[int]) -> set[int]:
    """The podcasts among `podcast_ids` with processed episodes, all of them from show notes (no transcript)."""
    if not podcast_ids:
        return set()
    kinds = session.execute(
        select(Episode.podcast_id, Episode.transcript_kind)
        .where(Episode.podcast_id.in_(list(podcast_ids)), Episode.transcript_kind.is_not(None))
        .distinct()
    )
    found: dict[int, set[str]] = {}
    for podcast_id, kind in kinds:
        if kind is not None:  # excluded by the query; the column is nullable
            found.setdefault(podcast_id, set()).add(kind)
    return {podcast_id for podcast_id, seen in found.items() if seen == {SHOW_NOTES}}
