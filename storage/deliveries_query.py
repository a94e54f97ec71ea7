"""Read-only questions about digest deliveries."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Delivery

DELIVERED = "delivered"


def delivered_on(session: Session, team_id: str, channel_id: str, local_date: str) -> bool:
    """Whether the target's digest for `local_date` (YYYY-MM-DD in its zone) has been delivered."""
    found = session.scalar(
        select(Delivery.id)
        .where(
            Delivery.team_id == team_id,
            Delivery.channel_id == channel_id,
            Delivery.local_date == local_date,
            Delivery.status == DELIVERED,
        )
        .limit(1)
    )
    return found is not None
