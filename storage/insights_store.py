"""Writing and reading insights, their podcasts and episodes, as domain objects."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Row, Select, func, select, text, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from insights.model import Insight, NewInsight
from insights.text import (
    clean_display_text,
    normalise_content,
    search_text,
    without_stopwords,
    words,
    words_hash,
)
from storage.models import Episode, InsightRow, Podcast, SearchTerm

#: Rows per INSERT round-trip (SQLAlchemy pages them under SQLite's variable limit).
BATCH_SIZE = 2000
#: SQLite page cache (KiB) while adding insights; restored afterwards.
BULK_CACHE_KIB = 65536


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


@contextmanager
def _bulk_write_cache(session: Session) -> Iterator[None]:
    """On SQLite, a larger page cache while writing: the content-hash and full-text
    b-trees take random inserts, which thrash the default 2 MB cache past ~100k rows."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    previous = session.execute(text("PRAGMA cache_size")).scalar()
    session.execute(text(f"PRAGMA cache_size=-{BULK_CACHE_KIB}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size={int(previous)}"))


class InsightWriter:
    """Adds insights in batches, resolving podcasts and episodes once per name.

    Vocabulary document counts are gathered in memory and written once per `add`
    call (one upsert per distinct term, not one per term per batch).
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._podcasts: dict[str, int] = {}
        self._episodes: dict[tuple[int, str], int] = {}
        self._podcast_by_title: dict[str, int] = {}
        self._episode_by_title: dict[tuple[int, str], int] = {}
        self._extra_terms: dict[tuple[str | None, str | None, tuple[str, ...]], list[str]] = {}

    def add(self, items: Iterable[NewInsight]) -> AddResult:
        """Store new insights; ones whose normalised content already exists are skipped."""
        result = AddResult()
        counts: Counter[str] = Counter()
        batch: list[NewInsight] = []
        with _bulk_write_cache(self._session):
            for item in items:
                batch.append(item)
                if len(batch) >= BATCH_SIZE:
                    self._add_batch(batch, result, counts)
                    batch = []
            if batch:
                self._add_batch(batch, result, counts)
            self._count_terms(counts)
        return result

    def _add_batch(self, batch: Sequence[NewInsight], result: AddResult, counts: Counter[str]) -> None:
        unique: dict[str, tuple[NewInsight, list[str]]] = {}
        for item in batch:
            folded = words(item.text)
            digest = words_hash(folded)
            if digest in unique:
                result.duplicates += 1
                continue
            unique[digest] = (item, folded)
        if not unique:
            return
        self._resolve_podcasts(item for item, _ in unique.values())
        self._resolve_episodes(item for item, _ in unique.values())
        rows = {digest: self._row(item, digest, folded) for digest, (item, folded) in unique.items()}
        table = InsightRow.__table__
        statement = (
            upsert_insert(self._session, table)
            .on_conflict_do_nothing(index_elements=["content_hash"])
            .returning(table.c.id, table.c.content_hash)
        )
        inserted = self._session.execute(statement, list(rows.values())).all()
        result.added += len(inserted)
        result.duplicates += len(rows) - len(inserted)
        result.added_ids.extend(row.id for row in inserted)
        for row in inserted:
            counts.update(set(rows[row.content_hash]["search_text"].split()))

    def _row(self, item: NewInsight, digest: str, folded: list[str]) -> dict[str, Any]:
        podcast_id = self._podcast_by_title[item.podcast] if item.podcast else None
        episode_id = self._episode_by_title[(podcast_id, item.episode)] if podcast_id and item.episode else None
        searchable = without_stopwords(folded) + self._terms_of_extras(item)
        return {
            "content_hash": digest,
            "text": clean_display_text(item.text),
            "search_text": " ".join(searchable),
            "podcast_id": podcast_id,
            "episode_id": episode_id,
            "url": item.url,
            "audio_url": item.audio_url,
            "start_seconds": item.start_seconds,
            "published_at": item.published_at,
            "topics": list(item.topics),
            "quality": 0.5,
            "created_at": datetime.now(timezone.utc),
        }

    def _terms_of_extras(self, item: NewInsight) -> list[str]:
        """The podcast, episode and topic terms indexed with the text (same for a whole episode)."""
        key = (item.podcast, item.episode, item.topics)
        if key not in self._extra_terms:
            self._extra_terms[key] = search_text("", item.podcast, item.episode, *item.topics).split()
        return self._extra_terms[key]

    def _resolve_podcasts(self, items: Iterable[NewInsight]) -> None:
        """Ids for every podcast title in `items`, creating missing podcasts in one statement."""
        wanted: dict[str, str] = {}
        for item in items:
            if item.podcast and item.podcast not in self._podcast_by_title:
                wanted.setdefault(item.podcast, normalise_content(item.podcast)[:300] or item.podcast[:300])
        missing = {key: title for title, key in wanted.items() if key not in self._podcasts}
        if missing:
            now = datetime.now(timezone.utc)
            self._session.execute(
                upsert_insert(self._session, Podcast.__table__).on_conflict_do_nothing(index_elements=["title_key"]),
                [{"title": clean_display_text(t)[:300], "title_key": k, "created_at": now} for k, t in missing.items()],
            )
            found = self._session.execute(select(Podcast.title_key, Podcast.id).where(Podcast.title_key.in_(missing)))
            self._podcasts.update({row.title_key: row.id for row in found})
        for title, key in wanted.items():
            self._podcast_by_title[title] = self._podcasts[key]

    def _resolve_episodes(self, items: Iterable[NewInsight]) -> None:
        """Ids for every (podcast, episode) in `items`, creating missing episodes in one statement."""
        wanted: dict[tuple[int, str], tuple[tuple[int, str], NewInsight]] = {}
        for item in items:
            if not (item.podcast and item.episode):
                continue
            podcast_id = self._podcast_by_title[item.podcast]
            if (podcast_id, item.episode) in self._episode_by_title or (podcast_id, item.episode) in wanted:
                continue
            key = normalise_content(item.episode)[:500] or item.episode[:500]
            wanted[(podcast_id, item.episode)] = ((podcast_id, key), item)
        missing = {pair: item for pair, item in wanted.values() if pair not in self._episodes}
        if missing:
            now = datetime.now(timezone.utc)
            self._session.execute(
                upsert_insert(self._session, Episode.__table__).on_conflict_do_nothing(
                    index_elements=["podcast_id", "episode_key"]
                ),
                [
                    {
                        "podcast_id": podcast_id,
                        "episode_key": key,
                        "title": clean_display_text(item.episode or "")[:500],
                        "url": item.url,
                        "audio_url": item.audio_url,
                        "published_at": item.published_at,
                        "created_at": now,
                    }
                    for (podcast_id, key), item in missing.items()
                ],
            )
            found = self._session.execute(
                select(Episode.podcast_id, Episode.episode_key, Episode.id).where(
                    tuple_(Episode.podcast_id, Episode.episode_key).in_(list(missing))
                )
            )
            self._episodes.update({(row.podcast_id, row.episode_key): row.id for row in found})
        for title_pair, (pair, _) in wanted.items():
            self._episode_by_title[title_pair] = self._episodes[pair]

    def _count_terms(self, counts: Counter[str]) -> None:
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
