"""Episodes by the links people paste: page URL, audio URL or feed guid, among what a workspace may see."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from insights.model import Insight
from storage.clock import as_utc
from storage.insights_store import insight_query, to_insight
from storage.models import Episode, InsightRow, Podcast
from storage.tenancy import workspace_scope


@dataclass(frozen=True, slots=True)
class LinkedEpisode:
    """An episode a pasted link points at, with its best insights (best first)."""

    episode_id: int
    title: str
    podcast: str | None
    url: str | None
    published_at: datetime | None
    insights: tuple[Insight, ...]


def find_linked_episode(
    session: Session, team_id: str, urls: Collection[str], guids: Collection[str] = (), limit: int = 3,
) -> LinkedEpisode | None:
    """The episode whose page or audio URL is one of `urls` (or whose guid is one of `guids`) that `team_id`
    may see and that has insights; None when there is none."""
    matches = [clause for clause in (
        Episode.url.in_(sorted(urls)) if urls else None,
        Episode.audio_url.in_(sorted(urls)) if urls else None,
        Episode.guid.in_(sorted(guids)) if guids else None,
    ) if clause is not None]
    if not matches:
        return None
    query = (select(Episode.id, Episode.title, Episode.url, Episode.published_at, Podcast.title.label("podcast"))
             .join(Podcast, Podcast.id == Episode.podcast_id).where(or_(*matches)).order_by(Episode.id))
    scope = workspace_scope(session, team_id)
    if scope is not None:
        query = query.where(Episode.podcast_id.in_(sorted(scope)))
    for row in session.execute(query.limit(20)):
        best = session.execute(insight_query().where(InsightRow.episode_id == row.id)
                               .order_by(InsightRow.quality.desc(), InsightRow.start_seconds, InsightRow.id)
                               .limit(limit)).all()
        if best:
            return LinkedEpisode(row.id, row.title, row.podcast, row.url, as_utc(row.published_at),
                                 tuple(to_insight(r) for r in best))
    return None
