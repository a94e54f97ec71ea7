"""Read-only questions the App Home asks: which digests a person can see."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import and_, bindparam, or_, select
from sqlalchemy.orm import Session

from insights.targets import CHANNEL, PERSON, DigestTarget
from storage.channels_store import to_target
from storage.models import Channel

MAX_HOME_DIGESTS = 20

#: Built once (a Home rebuild follows a person's first save; building the statement cost more than running it).
_VISIBLE = (
    select(Channel)
    .where(
        Channel.team_id == bindparam("team_id"),
        Channel.digest_time.is_not(None),
        or_(
            and_(Channel.kind == PERSON, Channel.channel_id == bindparam("user_id")),
            and_(Channel.kind == CHANNEL, Channel.channel_id.in_(bindparam("channel_ids", expanding=True))),
        ),
    )
    .order_by(Channel.kind.desc(), Channel.channel_id)  # "user" (the brief) first
    .limit(bindparam("limit"))
)


def visible_digests(
    session: Session, team_id: str, user_id: str, channel_ids: Collection[str], limit: int = MAX_HOME_DIGESTS
) -> list[DigestTarget]:
    """The person's own brief and the set-up digests of `channel_ids` (channels they belong to)."""
    params = {"team_id": team_id, "user_id": user_id, "channel_ids": list(channel_ids), "limit": limit}
    return [to_target(row) for row in session.scalars(_VISIBLE, params)]
