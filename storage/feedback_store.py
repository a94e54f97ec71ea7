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


def record_feedback(
    session: Session, team_id: str, channel_id: str, user_id: str, insight_id: int, kind: str, at: datetime
) -> bool:
    """Record one reaction; True when it is new (retried events are harmless)."""
    params = {**_key(team_id, channel_id, user_id, insight_id, kind), "created_at": at}
    return session.connection().execute(_statements(session.get_bind().dialect.name)[0], params).first() is not None


def remove_feedback(session: Session, team_id: str, channel_id: str, user_id: str, insight_id: int, kind: str) -> bool:
    """Forget one reaction; True when there was one."""
    params = _key(team_id, channel_id, user_id, insight_id, kind)
    return session.connection().execute(_statements(session.get_bind().dialect.name)[1], params).rowcount == 1


def _key(team_id: str, channel_id: str, user_id: str, insight_id: int, kind: str) -> dict[str, Any]:
    return {"team_id": team_id, "channel_id": channel_id, "user_id": user_id, "insight_id": insight_id, "kind": kind}


FeedbackKey = tuple[str, str, str, int, str]  # (team_id, channel_id, user_id, insight_id, kind)


def record_feedback_many(session: Session, keys: Collection[FeedbackKey], at: datetime) -> None:
    """`record_feedback` for many keys in one executemany (recorded ones stay as they are)."""
    if keys:
        params = [{**dict(zip(_KEY_COLUMNS, key, strict=True)), "created_at": at} for key in keys]
        session.connection().execute(_many_statements(session.get_bind().dialect.name), params)


def remove_feedback_many(session: Session, keys: Collection[FeedbackKey]) -> None:
    """`remove_feedback` for many keys in one executemany."""
    if keys:
        params = [dict(zip(_KEY_COLUMNS, key, strict=True)) for key in keys]
        session.connection().execute(_statements(session.get_bind().dialect.name)[1], params)


@cache
def _many_statements(dialect: str) -> Any:
    """The insert-if-absent of `_statements` without RETURNING, so a list of parameters is one DB-API executemany."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Feedback)
    record = insert.values({c: bindparam(c) for c in (*_KEY_COLUMNS, "created_at")})
    return record.on_conflict_do_nothing(index_elements=list(_KEY_COLUMNS))


@cache
def _statements(dialect: str) -> tuple[Any, Any]:
    """(insert-if-absent, delete), built once per dialect and run on the session's connection (no ORM work): reactions come in bursts."""
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Feedback)
    record = (
        insert.values({c: bindparam(c) for c in (*_KEY_COLUMNS, "created_at")})
        .on_conflict_do_nothing(index_elements=list(_KEY_COLUMNS))
        .returning(Feedback.id)
    )
    remove = delete(Feedback).where(*(getattr(Feedback, c) == bindparam(c) for c in _KEY_COLUMNS))
    return record, remove


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
