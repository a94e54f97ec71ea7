"""Which insights a workspace may see: its own feeds' and the operator's library.

A workspace sees the podcasts of the feeds it follows, of the feeds the operator follows for
everyone (CLI `feeds add`, team `OPERATOR_TEAM`), and of the operator's imported library
(podcasts no feed ever created: `feed_url` is NULL; insights with no podcast at all too).
A scope is the set of those podcast ids, or None for "everything" (the operator's own view,
or a workspace that happens to see every podcast: then no filter is needed at all).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, bindparam, exists, func, or_, select, union
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

# Built once: building these constructs cost more than running them (0.48 -> 0.22 ms a search).
_FOLLOWED_PODCASTS = (
    select(Feed.podcast_id)
    .join(FeedSubscription, FeedSubscription.feed_id == Feed.id)
    .where(FeedSubscription.team_id.in_([bindparam("team"), OPERATOR_TEAM]), Feed.podcast_id.is_not(None))
)
#: The workspace's feeds' podcasts, the operator's, and the library (podcasts no feed created).
_VISIBLE_PODCASTS: CompoundSelect[Any] = union(_FOLLOWED_PODCASTS, select(Podcast.id).where(Podcast.feed_url.is_(None)))
#: How many podcasts the workspace may not see: a feed's podcast that neither it nor the operator follows.
_HIDDEN_PODCASTS = (
    select(func.count()).select_from(Podcast)
    .where(Podcast.feed_url.is_not(None), Podcast.id.not_in(_FOLLOWED_PODCASTS))
)


def workspace_scope(session: Session, team_id: str | None) -> Scope:
    """The podcasts `team_id` may see (None when it sees them all, or for the operator's `team_id=None`)."""
    if team_id is None:
        return None
    parameters = {"team": team_id}
    # Asked first because a workspace that sees everything is the common case (one workspace, or an
    # operator's library only): one count, instead of every visible id and then a count of all podcasts.
    if not session.scalar(_HIDDEN_PODCASTS, parameters):
        return None
    return frozenset(session.scalars(_VISIBLE_PODCASTS, parameters).all())


def _of_podcasts(podcasts: Any) -> ColumnElement[bool]:
    """The insights of these podcasts (a list of ids, or an expanding parameter), and of no podcast."""
    return or_(InsightRow.podcast_id.is_(None), InsightRow.podcast_id.in_(podcasts))


#: The insights of the podcasts bound to `podcasts` (a sorted list of a scope's ids), and of no podcast.
IN_BOUND_SCOPE = _of_podcasts(bindparam("podcasts", expanding=True))


def in_scope(scope: Scope) -> ColumnElement[bool] | None:
    """A WHERE clause keeping the insights of `scope` (None: nothing to filter)."""
    if scope is None:
        return None
    return _of_podcasts(sorted(scope))


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
