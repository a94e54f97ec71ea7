"""Read-only questions the App Home asks: which digests a person can see."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from insights.targets import CHANNEL, PERSON, DigestTarget
from storage.channels_store import to_target
from storage.models import Channel

MAX_HOME_DIGESTS = 20


def visible_digests(
    session: Session, team_id: str, user_id: str, channel_ids: Collection[str], limit: int = MAX_HOME_DIGESTS
) -> list[DigestTarget]:
    """The person's own brief and the set-up digests of `channel_ids` (channels they belong to)."""
    wanted = [and_(Channel.kind == PERSON, Channel.channel_id == user_id)]
    if channel_ids:
        wanted.append(and_(Channel.kind == CHANNEL, Channel.channel_id.in_(list(channel_ids))))
    rows = session.scalars(
        select(Channel)
        .where(Channel.team_id == team_id, Channel.digest_time.is_not(None), or_(*wanted))
        .order_by(Channel.kind.desc(), Channel.channel_id)  # "user" (the brief) first
        .limit(limit)
    )
    return [to_target(row) for row in rows]
