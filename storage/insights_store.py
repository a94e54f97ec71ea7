"""Writing and reading insights, their podcasts and episodes, as domain objects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from insights.model import Insight, NewInsight
from insights.text import clean_display_text, content_hash, normalise_content, search_text
from storage.models import Episode, InsightRow, Podcast, SearchTerm

#: Rows per INSERT round-trip; large enough to amortise, small enough for SQLite's variable limit.
BATCH_SIZE = 500


@dataclass
class AddResult:
    """What `add_insights` did: how many rows were new and how many already existed."""

    added: int = 0
    duplicates: int = 0
    added_ids: list[int] = field(default_factory=list)


def upsert_insert(session: Session, model: type) -> Any:
    """The dialect's INSERT that supports ON CONFLICT (SQLite and PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every datetime leaving storage is aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


class InsightWriter:
    """Adds insights in batches, resolving podcasts and episodes once per name."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._podcasts: dict[str, int] = {}
        self._episodes: dict[tuple[int, str], int] = {}

    def add(self, items: Iterable[NewInsight]) -> AddResult:
        """Store new insights; ones whose normalised content already exists are skipped."""
        result = AddResult()
        batch: list[NewInsight] = []
        for item in items:
            batch.append(item)
            if len(batch) >= BATCH_SIZE:
                self._add_batch(batch, result)
                batch = []
        if batch:
            self._add_batch(batch, result)
        return result

    def _add_batch(self, batch: Sequence[NewInsight], result: AddResult) -> None:
        rows: dict[str, dict[str, Any]] = {}
        for item in batch:
            digest = content_hash(item.text)
            if digest in rows:
                result.duplicates += 1
                continue
            rows[digest] = self._row(item, digest)
        if not rows:
            return
        statement = (
            upsert_insert(self._session, InsightRow)
            .on_conflict_do_nothing(index_elements=["content_hash"])
            .returning(InsightRow.id, InsightRow.search_text)
        )
        inserted = self._session.execute(statement, list(rows.values())).all()
        result.added += len(inserted)
        result.duplicates += len(rows) - len(inserted)
        result.added_ids.extend(row.id for row in inserted)
        self._count_terms(row.search_text for row in inserted)

    def _row(self, item: NewInsight, digest: str) -> dict[str, Any]:
        podcast_id = self._podcast_id(item.podcast) if item.podcast else None
        episode_id = self._episode_id(podcast_id, item) if podcast_id and item.episode else None
        text = clean_display_text(item.text)
        return {
            "content_hash": digest,
            "text": text,
            "search_text": search_text(text, item.podcast, item.episode, *item.topics),
            "podcast_id": podcast_id,
            "episode_id": episode_id,
            "url": item.url,
            "audio_url": item.audio_url,
            "start_seconds": item.start_seconds,
            "published_at": item.published_at,
            "topics": list(item.topics),
            "quality": 0.5,
        }

    def _podcast_id(self, title: str) -> int:
        key = normalise_content(title)[:300] or title[:300]
        if key not in self._podcasts:
            self._session.execute(
                upsert_insert(self._session, Podcast)
                .values(title=clean_display_text(title)[:300], title_key=key, created_at=datetime.now(timezone.utc))
                .on_conflict_do_nothing(index_elements=["title_key"])
            )
            self._podcasts[key] = self._session.scalar(select(Podcast.id).where(Podcast.title_key == key))
        return self._podcasts[key]

    def _episode_id(self, podcast_id: int, item: NewInsight) -> int:
        assert item.episode is not None
        key = normalise_content(item.episode)[:500] or item.episode[:500]
        if (podcast_id, key) not in self._episodes:
            self._session.execute(
                upsert_insert(self._session, Episode)
                .values(
                    podcast_id=podcast_id,
                    episode_key=key,
                    title=clean_display_text(item.episode)[:500],
                    url=item.url,
                    audio_url=item.audio_url,
                    published_at=item.published_at,
                    created_at=datetime.now(timezone.utc),
                )
                .on_conflict_do_nothing(index_elements=["podcast_id", "episode_key"])
            )
            self._episodes[(podcast_id, key)] = self._session.scalar(
                select(Episode.id).where(Episode.podcast_id == podcast_id, Episode.episode_key == key)
            )
        return self._episodes[(podcast_id, key)]

    def _count_terms(self, texts: Iterable[str]) -> None:
        counts: Counter[str] = Counter()
        for text in texts:
            counts.update(set(text.split()))
        if not counts:
            return
        insert = upsert_insert(self._session, SearchTerm)
        statement = insert.on_conflict_do_update(
            index_elements=["term"], set_={"doc_count": SearchTerm.doc_count + insert.excluded.doc_count}
        )
        # Sorted so concurrent importers take row locks in the same order (no deadlocks).
        self._session.execute(statement, [{"term": t, "doc_count": c} for t, c in sorted(counts.items())])


def insight_query() -> Select[Any]:
    """The columns a domain `Insight` is built from."""
    return (
        select(
            InsightRow.id,
            InsightRow.text,
            Podcast.title.label("podcast"),
            Episode.title.label("episode"),
            InsightRow.url,
            InsightRow.audio_url,
            InsightRow.start_seconds,
            InsightRow.published_at,
            InsightRow.topics,
        )
        .outerjoin(Podcast, Podcast.id == InsightRow.podcast_id)
        .outerjoin(Episode, Episode.id == InsightRow.episode_id)
    )


def to_insight(row: Row[Any]) -> Insight:
    return Insight(
        id=row.id,
        text=row.text,
        podcast=row.podcast,
        episode=row.episode,
        url=row.url,
        audio_url=row.audio_url,
        start_seconds=row.start_seconds,
        published_at=as_utc(row.published_at),
        topics=tuple(row.topics or ()),
    )


def get_insight(session: Session, insight_id: int) -> Insight | None:
    row = session.execute(insight_query().where(InsightRow.id == insight_id)).first()
    return to_insight(row) if row else None


def count_insights(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(InsightRow)) or 0
