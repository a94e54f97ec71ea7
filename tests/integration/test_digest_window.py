"""The digest window has one definition: what the storage query reads is exactly what the pool keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from insights.digest import build_pool, digest_window
from insights.model import NewInsight
from storage.digest_queries import recent_insights
from storage.insights_store import InsightWriter
from storage.models import InsightRow

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
DAY = timedelta(days=1)

#: text -> (published_at, created_at)
STORED = {
    "Published two days ago, added today.": (NOW - 2 * DAY, NOW - timedelta(hours=1)),
    "No published date, added two days ago.": (None, NOW - 2 * DAY),
    "No published date, added twelve days ago.": (None, NOW - 12 * DAY),
    "Published twelve days ago, added today (an old episode imported late).": (NOW - 12 * DAY, NOW - timedelta(hours=1)),
    "Dated three days ahead by its feed.": (NOW + 3 * DAY, NOW - timedelta(hours=1)),
}


def _store(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(text=t, podcast="Window Pod", published_at=p) for t, (p, _) in STORED.items()])
        for text, (_, created) in STORED.items():
            session.execute(update(InsightRow).where(InsightRow.text == text).values(created_at=created))


def test_an_insight_without_a_published_date_inside_the_window_is_eligible(sessions: sessionmaker[Session]) -> None:
    _store(sessions)
    with sessions() as session:
        read = recent_insights(session, *digest_window(NOW))
    pool = build_pool(read, NOW)
    kept = {pool.insights[p].text for p in range(len(pool))}
    assert kept == {i.text for i in read}  # the pool drops nothing the query read
    assert kept == {"Published two days ago, added today.", "No published date, added two days ago."}
    undated = next(i for i in read if i.published_at is None)
    assert undated.added_at == NOW - 2 * DAY and undated.dated_at == NOW - 2 * DAY
