"""Messages the bot posted and the insight each carries: (team, channel, ts) -> insight."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.insights_store import upsert_insert
from storage.models import PostedMessage


def record_posted_message(
    session: Session, team_id: str, channel_id: str, ts: str, insight_id: int | None, kind: str = "insight"
) -> None:
    """Remember which insight a posted message carries (for saving by reaction)."""
    statement = (
        upsert_insert(session, PostedMessage)
        .values(
            team_id=team_id,
            channel_id=channel_id,
            ts=ts,
            insight_id=insight_id,
            kind=kind,
            posted_at=datetime.now(timezone.utc),
        )
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "ts"])
    )
    session.execute(statement)


def posted_message(session: Session, team_id: str, channel_id: str, ts: str) -> PostedMessage | None:
    """The record of a message the bot posted, or None for anybody else's message."""
    return session.scalar(
        select(PostedMessage).where(
            PostedMessage.team_id == team_id, PostedMessage.channel_id == channel_id, PostedMessage.ts == ts
        )
    )
