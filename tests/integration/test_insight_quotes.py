"""A written insight keeps the transcript words it rests on, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from storage.digest_queries import recent_insights
from storage.insights_store import InsightWriter, get_insight
from storage.models import InsightRow
from storage.search_index import SearchIndex

WRITTEN = NewInsight(
    "Utilities that publish outage maps in real time earn more trust from customers.",
    "Grid Talk",
    "Outages",
    quote="So yeah, utilities that publish their outage maps in real time, they earn way more trust from angry customers.",
)
VERBATIM = NewInsight("Heat pumps lower winter heating bills in cold climates.", "Grid Talk", "Heat")


def _stored(sessions: sessionmaker[Session]) -> list[int]:
    with sessions.begin() as session:
        return InsightWriter(session).add([WRITTEN, VERBATIM]).added_ids


def test_a_written_insight_is_read_back_with_its_quote(sessions: sessionmaker[Session]) -> None:
    written_id, verbatim_id = _stored(sessions)
    with sessions() as session:
        written, verbatim = get_insight(session, written_id), get_insight(session, verbatim_id)
        recent = recent_insights(session, datetime.now(UTC) - timedelta(hours=1))
    assert written is not None and written.quote == WRITTEN.quote and written.text == WRITTEN.text
    assert verbatim is not None and verbatim.quote is None
    assert {i.id: i.quote for i in recent} == {written_id: WRITTEN.quote, verbatim_id: None}


def test_search_finds_a_written_insight_by_its_text_and_shows_its_quote(engine: Engine, sessions: sessionmaker[Session]) -> None:
    written_id, _ = _stored(sessions)
    with sessions() as session:
        (match,) = SearchIndex(engine).search(session, "outage maps trust", limit=5).matches
    assert match.insight.id == written_id and match.insight.quote == WRITTEN.quote


def test_words_only_in_the_quote_are_not_indexed(engine: Engine, sessions: sessionmaker[Session]) -> None:
    written_id, _ = _stored(sessions)
    with sessions() as session:
        search_text = session.scalar(select(InsightRow.search_text).where(InsightRow.id == written_id))
        found = SearchIndex(engine).search(session, "angry", limit=5).matches
    assert search_text is not None and "angry" not in search_text.split() and not found
