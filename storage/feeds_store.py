"""Feeds Podbrief follows: adding, listing, removing, and what each check found.

Query functions take a `Session` and never commit; callers own the transaction.
Episodes and their insights are in `storage.episodes_store`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import Session

from insights.text import clean_display_text, normalise_content
from storage.insights_store import as_utc, upsert_insert
from storage.models import Feed, Podcast, utcnow

#: Errors are stored as plain words, cut to fit their column.
MAX_ERROR_LENGTH = 500


@dataclass(frozen=True, slots=True)
class FeedInfo:
    """A followed feed and what its last check found."""

    id: int
    url: str
    original_url: str
    title: str | None
    podcast_id: int | None
    etag: str | None
    last_modified: str | None
    last_checked_at: datetime | None
    last_new_episode_at: datetime | None
    next_check_at: datetime | None
    consecutive_failures: int
    last_error: str | None
    insights_extracted: int
    episode_count: int
    added_by: str | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class FeedCheck:
    """A successful check of a feed (200 or 304), to be recorded."""

    checked_at: datetime
    next_check_at: datetime
    etag: str | None = None
    last_modified: str | None = None
    new_url: str | None = None  # after a permanent redirect
    title: str | None = None
    podcast_id: int | None = None
    episode_count: int | None = None
    new_episodes: int = 0


def to_feed_info(row: Feed) -> FeedInfo:
    return FeedInfo(
        id=row.id,
        url=row.url,
        original_url=row.original_url,
        title=row.title,
        podcast_id=row.podcast_id,
        etag=row.etag,
        last_modified=row.last_modified,
        last_checked_at=as_utc(row.last_checked_at),
        last_new_episode_at=as_utc(row.last_new_episode_at),
        next_check_at=as_utc(row.next_check_at),
        consecutive_failures=row.consecutive_failures or 0,
        last_error=row.last_error,
        insights_extracted=row.insights_extracted or 0,
        episode_count=row.episode_count or 0,
        added_by=row.added_by,
        created_at=as_utc(row.created_at) or row.created_at,
    )


def _by_url(session: Session, url: str) -> Feed | None:
    statement = select(Feed).where(or_(Feed.url == url, Feed.original_url == url)).order_by(Feed.id).limit(1)
    return session.scalars(statement).first()


def feed_by_url(session: Session, url: str) -> FeedInfo | None:
    """The feed fetched from `url`, or first added with it (before a permanent redirect)."""
    row = _by_url(session, url.strip())
    return to_feed_info(row) if row else None


def find_feed(session: Session, url_or_id: str | int) -> FeedInfo | None:
    """A feed by its id (a number) or by its URL (current or original)."""
    target = str(url_or_id).strip()
    if target.isdigit():
        row = session.get(Feed, int(target))
        return to_feed_info(row) if row else None
    return feed_by_url(session, target)


def add_feed(session: Session, url: str, *, now: datetime, added_by: str | None = None) -> tuple[FeedInfo, bool]:
    """Follow `url` (due at once); (feed, True) when added, (existing feed, False) when already followed."""
    existing = _by_url(session, url)
    if existing:
        return to_feed_info(existing), False
    table = Feed.__table__
    inserted = session.execute(
        upsert_insert(session, table).on_conflict_do_nothing(index_elements=["url"]).returning(table.c.id),
        {"url": url, "original_url": url, "added_by": added_by, "created_at": now, "next_check_at": None,
         "consecutive_failures": 0, "insights_extracted": 0, "episode_count": 0},
    ).first()
    row = _by_url(session, url)
    assert row is not None
    return to_feed_info(row), inserted is not None


def list_feeds(session: Session) -> list[FeedInfo]:
    """Every followed feed, oldest first."""
    return [to_feed_info(row) for row in session.scalars(select(Feed).order_by(Feed.id))]


def remove_feed(session: Session, url_or_id: str | int) -> FeedInfo | None:
    """Stop following a feed (its podcast, episodes and insights stay); the removed feed, or None."""
    found = find_feed(session, url_or_id)
    if found:
        session.execute(Feed.__table__.delete().where(Feed.id == found.id))
    return found


def due_feeds(session: Session, now: datetime, limit: int | None = None) -> list[FeedInfo]:
    """Feeds whose next check is due (never checked ones first)."""
    return [to_feed_info(row) for row in session.scalars(_due(now).limit(limit))]


def count_due_feeds(session: Session, now: datetime) -> int:
    return session.scalar(select(func.count()).select_from(_due(now).order_by(None).subquery())) or 0


def claim_due_feeds(session: Session, now: datetime, until: datetime, limit: int) -> list[FeedInfo]:
    """Take up to `limit` due feeds (never checked ones first) for this worker alone, by moving their
    next check to `until`: recording the check moves it again, and a worker that dies leaves them due
    at `until`. PostgreSQL skips rows another transaction holds (FOR UPDATE SKIP LOCKED), so workers
    claiming at the same time each get different feeds; SQLite has one writer anyway."""
    if limit < 1:
        return []
    chosen = _due(now).with_only_columns(Feed.id).limit(limit).with_for_update(skip_locked=True)
    statement = update(Feed).where(Feed.id.in_(chosen)).values(next_check_at=until).returning(Feed)
    rows = session.scalars(statement, execution_options={"synchronize_session": False})
    return sorted((to_feed_info(row) for row in rows), key=lambda feed: feed.id)


def _due(now: datetime) -> Select[tuple[Feed]]:
    return (
        select(Feed)
        .where(or_(Feed.next_check_at.is_(None), Feed.next_check_at <= now))
        .order_by(Feed.next_check_at.is_not(None), Feed.next_check_at, Feed.id)
    )


def record_failure(
    session: Session, feed_id: int, *, error: str, checked_at: datetime, next_check_at: datetime
) -> None:
    """A failed check: the reason in plain words, one more consecutive failure, a later retry."""
    session.execute(
        update(Feed)
        .where(Feed.id == feed_id)
        .values(
            last_error=error[:MAX_ERROR_LENGTH],
            last_checked_at=checked_at,
            next_check_at=next_check_at,
            consecutive_failures=Feed.consecutive_failures + 1,
        )
    )


def record_check(session: Session, feed_id: int, check: FeedCheck) -> None:
    """A successful check: validators for the next conditional GET, a redirect, title, counts."""
    values: dict[str, object] = {
        "last_checked_at": check.checked_at,
        "next_check_at": check.next_check_at,
        "consecutive_failures": 0,
        "last_error": None,
        "etag": (check.etag or None) and check.etag[:500],
        "last_modified": (check.last_modified or None) and check.last_modified[:100],
    }
    if check.new_url and not _by_url(session, check.new_url):
        values["url"] = check.new_url[:2000]
    if check.title:
        values["title"] = clean_display_text(check.title)[:300]
    if check.podcast_id is not None:
        values["podcast_id"] = check.podcast_id
    if check.episode_count is not None:
        values["episode_count"] = check.episode_count
    if check.new_episodes:
        values["last_new_episode_at"] = check.checked_at
    session.execute(update(Feed).where(Feed.id == feed_id).values(**values))


def count_extracted(session: Session, feed_id: int, added: int) -> None:
    """Add `added` to the feed's count of insights extracted."""
    if added:
        session.execute(
            update(Feed).where(Feed.id == feed_id).values(insights_extracted=Feed.insights_extracted + added)
        )


def podcast_key(title: str) -> str:
    """The podcast's `title_key`, exactly as `InsightWriter` derives it (so both find the same row)."""
    return normalise_content(title)[:300] or title[:300]


def ensure_podcast(session: Session, title: str, feed_url: str, podcast_id: int | None = None) -> tuple[int, str]:
    """(id, stored title) of the feed's podcast: the known one (renamed when free), else by title, else new."""
    title = clean_display_text(title)[:300] or feed_url[:300]
    key = podcast_key(title)
    if podcast_id is not None and (row := session.get(Podcast, podcast_id)) is not None:
        if row.title_key != key and not session.scalar(select(Podcast.id).where(Podcast.title_key == key)):
            row.title, row.title_key = title, key
            session.flush()
        return row.id, row.title
    session.execute(
        upsert_insert(session, Podcast.__table__).on_conflict_do_nothing(index_elements=["title_key"]),
        [{"title": title, "title_key": key, "created_at": utcnow()}],
    )
    row = session.scalars(select(Podcast).where(Podcast.title_key == key)).one()
    if row.feed_url is None and not session.scalar(select(Podcast.id).where(Podcast.feed_url == feed_url)):
        row.feed_url = feed_url[:2000]
        session.flush()
    return row.id, row.title
