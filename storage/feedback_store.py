"""Feedback on insights posted in a channel: thumbs up/down and saves, one row per kind."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from insights.feedback import FeedbackEvent
from storage.clock import as_utc
from storage.models import Delivery, Feedback, InsightRow, Podcast

#: Older feedback has faded to almost nothing (a 14-day half-life: 1/64 after 84 days).
FEEDBACK_WINDOW = timedelta(days=84)
_KEY_COLUMNS = ("team_id", "channel_id", "user_id", "insight_id", "kind")


def feedback_channel(session: Session, team_id: str, posted_channel: str) -> str:
    """The digest target a message's channel belongs to: a personal brief's DM maps to its owner."""
    if not posted_channel.startswith("D"):
        return posted_channel
    owner = session.scalar(
        select(Delivery.channel_id).where(Delivery.team_id == team_id, Delivery.post_channel == posted_channel).limit(1)
    )
    return owner or posted_channel


FeedbackKey = tuple[str, str, str, int, str]  # (team_id, channel_id, user_id, insight_id, kind)


def record_feedback_many(session: Session, keys: Collection[FeedbackKey], at: datetime) -> None:
    """Record reactions in one executemany (a retried one, already recorded, stays as it is)."""
    if keys:
        params = [{**dict(zip(_KEY_COLUMNS, key, strict=True)), "created_at": at} for key in keys]
        session.connection().execute(_insert_statement(session.get_bind().dialect.name), params)


def remove_feedback_many(session: Session, keys: Collection[FeedbackKey]) -> None:
    """Forget reactions in one executemany (absent ones are no error)."""
    if keys:
        params = [dict(zip(_KEY_COLUMNS, key, strict=True)) for key in keys]
        session.connection().execute(_DELETE, params)


@cache
def _insert_statement(dialect: str) -> Any:
    """Insert-if-absent, built once per dialect; a list of parameters runs as one DB-API executemany."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Feedback)
    record = insert.values({c: bindparam(c) for c in (*_KEY_COLUMNS, "created_at")})
    return record.on_conflict_do_nothing(index_elements=list(_KEY_COLUMNS))


_DELETE = delete(Feedback).where(*(getattr(Feedback, c) == bindparam(c) for c in _KEY_COLUMNS))


def channel_feedback(session: Session, team_id: str, channel_id: str, now: datetime) -> list[FeedbackEvent]:
    """A channel's recent feedback with each insight's podcast and topics, for `insights.feedback`."""
    rows = session.execute(
        select(Feedback.user_id, Feedback.kind, Feedback.created_at, Podcast.title, InsightRow.topics)
        .join(InsightRow, InsightRow.id == Feedback.insight_id)
        .outerjoin(Podcast, Podcast.id == InsightRow.podcast_id)
        .where(
            Feedback.team_id == team_id,
            Feedback.channel_id == channel_id,
            Feedback.created_at >= now - FEEDBACK_WINDOW,
        )
    )
    return [
        FeedbackEvent(
            user_id=r.user_id,
            kind=r.kind,
            at=as_utc(r.created_at) or now,
            podcast=r.title,
            topics=tuple(r.topics or ()),
        )
        for r in rows
    ]
