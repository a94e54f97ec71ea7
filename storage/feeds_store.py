"""Feeds Podbrief follows: who follows each, adding, listing, removing, and what each check found.

A feed is stored (and fetched) once however many follow it; each workspace's following is a
`FeedSubscription`, and the operator's (CLI `feeds add`, team `OPERATOR_TEAM`) is shown to
every workspace. A feed nobody follows any more is deleted, so scans stop fetching it.
Query functions take a `Session` and never commit; callers own the transaction.
Episodes and their insights are in `storage.episodes_store`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from hashlib import sha256

from sqlalchemy import Select, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session

from insights.text import clean_display_text, normalise_content
from storage.clock import as_utc, utc_now
from storage.models import OPERATOR_TEAM, Feed, FeedSubscription, InsightRow, Podcast
from storage.sql_helpers import upsert_insert

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


#: Feed ids are database integers: a longer "number" is not an id (and never reaches the database).
_MAX_ID_DIGITS = 18


def find_feed(session: Session, url_or_id: str | int, *, team_id: str | None = None) -> FeedInfo | None:
    """A feed by its id (a number) or by its URL (current or original); with `team_id`, only one it follows."""
    target = str(url_or_id).strip()
    if target.isascii() and target.isdigit():
        row = session.get(Feed, int(target)) if len(target) <= _MAX_ID_DIGITS else None
        found = to_feed_info(row) if row else None
    else:
        found = feed_by_url(session, target)
    if found is not None and team_id is not None and not is_followed_by(session, team_id, found.id):
        return None
    return found


def add_feed(
    session: Session, url: str, *, now: datetime, added_by: str | None = None, team_id: str = OPERATOR_TEAM
) -> tuple[FeedInfo, bool]:
    """Follow `url` for `team_id` (due at once); (feed, True) when the feed is new to Podbrief,
    (existing feed, False) when it was stored already (then only `team_id`'s subscription is added)."""
    existing = _by_url(session, url)
    if existing:
        subscribe(session, team_id, existing.id, now=now, added_by=added_by)
        return to_feed_info(existing), False
    table = Feed.__table__
    inserted = session.execute(
        upsert_insert(session, table).on_conflict_do_nothing(index_elements=["url"]).returning(table.c.id),
        {"url": url, "original_url": url, "added_by": added_by, "created_at": now, "next_check_at": None,
         "consecutive_failures": 0, "insights_extracted": 0, "episode_count": 0},
    ).first()
    row = _by_url(session, url)
    assert row is not None
    subscribe(session, team_id, row.id, now=now, added_by=added_by)
    return to_feed_info(row), inserted is not None


def subscribe(session: Session, team_id: str, feed_id: int, *, now: datetime, added_by: str | None = None) -> bool:
    """`team_id` follows the feed; False when it already did."""
    inserted = session.execute(
        upsert_insert(session, FeedSubscription.__table__)
        .on_conflict_do_nothing(index_elements=["team_id", "feed_id"])
        .returning(FeedSubscription.__table__.c.id),
        {"team_id": team_id, "feed_id": feed_id, "added_by": added_by, "added_at": now},
    ).first()
    return inserted is not None


def is_followed_by(session: Session, team_id: str, feed_id: int) -> bool:
    """Whether `team_id` (a workspace, or `OPERATOR_TEAM`) follows the feed."""
    return session.scalar(
        select(exists().where(FeedSubscription.team_id == team_id, FeedSubscription.feed_id == feed_id))
    ) or False


def followers(session: Session, feed_id: int) -> list[str]:
    """The teams following a feed (`OPERATOR_TEAM` for the operator's library), sorted."""
    statement = select(FeedSubscription.team_id).where(FeedSubscription.feed_id == feed_id)
    return sorted(session.scalars(statement))


def list_feeds(session: Session, team_id: str | None = None) -> list[FeedInfo]:
    """The feeds `team_id` follows (every stored feed when None: the operator's view), oldest first."""
    statement = select(Feed).order_by(Feed.id)
    if team_id is not None:
        statement = statement.join(FeedSubscription, FeedSubscription.feed_id == Feed.id).where(
            FeedSubscription.team_id == team_id
        )
    return [to_feed_info(row) for row in session.scalars(statement)]


def remove_feed(session: Session, url_or_id: str | int, *, team_id: str = OPERATOR_TEAM) -> FeedInfo | None:
    """`team_id` stops following a feed (the removed feed, or None when it followed no such feed).

    The feed is deleted when nobody follows it any more, so scans stop fetching it; its podcast,
    episodes and insights stay stored (insights are shared by content), shown to nobody until
    someone follows the feed again.
    """
    found = find_feed(session, url_or_id, team_id=team_id)
    if found:
        session.execute(
            delete(FeedSubscription).where(FeedSubscription.team_id == team_id, FeedSubscription.feed_id == found.id)
        )
        _drop_unfollowed(session, [found.id])
    return found


def drop_subscriptions(session: Session, team_id: str) -> int:
    """Everything `team_id` follows is unfollowed (a purged workspace); the number of subscriptions removed."""
    feed_ids = list(session.scalars(select(FeedSubscription.feed_id).where(FeedSubscription.team_id == team_id)))
    session.execute(delete(FeedSubscription).where(FeedSubscription.team_id == team_id))
    _drop_unfollowed(session, feed_ids)
    return len(feed_ids)


def _drop_unfollowed(session: Session, feed_ids: list[int]) -> None:
    if feed_ids:
        followed = select(FeedSubscription.feed_id).where(FeedSubscription.feed_id.in_(feed_ids))
        session.execute(delete(Feed).where(Feed.id.in_(feed_ids), Feed.id.not_in(followed)))


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


def _due(now: datetime) -> Select[Feed]:
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
    feed_url = feed_url[:2000]
    if (own := session.scalars(select(Podcast).where(Podcast.feed_url == feed_url)).first()) is not None:
        return own.id, own.title  # followed before (its insights come back with it)
    row = _podcast_with_key(session, title, key)
    if row.feed_url is None and not session.scalar(select(exists().where(InsightRow.podcast_id == row.id))):
        row.feed_url = feed_url
        session.flush()
        return row.id, row.title
    # The title is the operator's library's, or another feed's: this feed gets a podcast of its own
    # (same title shown, its own key), so following one never shows the other's insights.
    row = _podcast_with_key(session, title, f"{key[:283]} ~{sha256(feed_url.encode()).hexdigest()[:12]}")
    row.feed_url = feed_url
    session.flush()
    return row.id, row.title


def _podcast_with_key(session: Session, title: str, key: str) -> Podcast:
    session.execute(
        upsert_insert(session, Podcast.__table__).on_conflict_do_nothing(index_elements=["title_key"]),
        [{"title": title, "title_key": key, "created_at": utc_now()}],
    )
    return session.scalars(select(Podcast).where(Podcast.title_key == key)).one()
