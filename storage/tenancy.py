"""Which insights a workspace may see: its own feeds' and the operator's library.

A workspace sees the podcasts of the feeds it follows, of the feeds the operator follows for
everyone (CLI `feeds add`, team `OPERATOR_TEAM`), and of the operator's imported library
(podcasts no feed ever created: `feed_url` is NULL; insights with no podcast at all too).
A scope is the set of those podcast ids, or None for "everything" (the operator's own view,
or a workspace that happens to see every podcast: then no filter is needed at all).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, exists, func, or_, select, union
from sqlalchemy.orm import Session

from storage.models import (
    OPERATOR_TEAM,
    DeliveredInsight,
    Feed,
    FeedSubscription,
    InsightRow,
    Podcast,
    PostedMessage,
    SavedInsight,
)

#: The podcast ids a workspace may see, or None: every insight.
Scope = frozenset[int] | None


def workspace_scope(session: Session, team_id: str | None) -> Scope:
    """The podcasts `team_id` may see (None when it sees them all, or for the operator's `team_id=None`)."""
    if team_id is None:
        return None
    followed = (
        select(Feed.podcast_id)
        .join(FeedSubscription, FeedSubscription.feed_id == Feed.id)
        .where(FeedSubscription.team_id.in_([team_id, OPERATOR_TEAM]), Feed.podcast_id.is_not(None))
    )
    library = select(Podcast.id).where(Podcast.feed_url.is_(None))
    ids = frozenset(session.scalars(union(followed, library)))
    every = session.scalar(select(func.count()).select_from(Podcast)) or 0
    return None if len(ids) >= every else ids


def in_scope(scope: Scope) -> ColumnElement[bool] | None:
    """A WHERE clause keeping the insights of `scope` (None: nothing to filter)."""
    if scope is None:
        return None
    return or_(InsightRow.podcast_id.is_(None), InsightRow.podcast_id.in_(sorted(scope)))


def may_see(session: Session, team_id: str, insight_id: int) -> bool:
    """Whether `team_id` may see an insight: in its scope, or already its own (posted, delivered or saved there)."""
    podcast_id = session.scalar(select(InsightRow.podcast_id).where(InsightRow.id == insight_id))
    if podcast_id is None:
        return session.get(InsightRow, insight_id) is not None
    scope = workspace_scope(session, team_id)
    if scope is None or podcast_id in scope:
        return True
    received = [
        exists().where(model.team_id == team_id, model.insight_id == insight_id)
        for model in (PostedMessage, DeliveredInsight, SavedInsight)
    ]
    return session.scalar(select(or_(*received))) or False
