"""Saved insights: one row per (team, user, insight)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import delete
from sqlalchemy.orm import Session

from storage.insights_store import upsert_insert
from storage.models import SavedInsight


def save_insight(session: Session, team_id: str, user_id: str, insight_id: int) -> bool:
    """Save an insight for a person; True when it was not saved before (retries are harmless)."""
    statement = (
        upsert_insert(session, SavedInsight)
        .values(team_id=team_id, user_id=user_id, insight_id=insight_id, saved_at=datetime.now(timezone.utc))
        .on_conflict_do_nothing(index_elements=["team_id", "user_id", "insight_id"])
        .returning(SavedInsight.id)
    )
    return session.execute(statement).scalar() is not None


def unsave_insight(session: Session, team_id: str, user_id: str, insight_id: int) -> bool:
    """Remove a saved insight; True when there was one."""
    statement = delete(SavedInsight).where(
        SavedInsight.team_id == team_id, SavedInsight.user_id == user_id, SavedInsight.insight_id == insight_id
    )
    return session.execute(statement).rowcount == 1
