"""The search index on SQLite and PostgreSQL: same answers, typo tolerance, identity by content."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from storage.insights_store import InsightWriter, count_insights
from storage.search_index import SearchIndex

CORPUS = [
    NewInsight("New export controls on advanced chips reshape the semiconductor supply chain.", "Chip War", "Ep 1"),
    NewInsight("Exporters face tighter control of dual-use technology.", "Trade Talk", "Ep 9"),
    NewInsight("Central banks expect rates will rise through next year.", "Macro Weekly", "Rates"),
    NewInsight("Remote teams write more, so their documentation ages better.", "Work Life", "Async"),
]


def _load(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        InsightWriter(session).add(CORPUS)


def _ids(engine: Engine, sessions: sessionmaker[Session], query: str) -> list[int]:
    with sessions() as session:
        return [m.insight.id for m in SearchIndex(engine).search(session, query, limit=5).matches]


def test_exact_words_find_the_insight_first(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    assert _ids(engine, sessions, "export controls")[:2] == [1, 2]


def test_typos_find_the_same_insights(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    assert _ids(engine, sessions, "expor contrls") == _ids(engine, sessions, "export controls")


def test_words_that_match_nothing_find_nothing(engine: Engine, sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    assert _ids(engine, sessions, "zzzzqx") == []


def test_reimporting_the_same_content_adds_nothing(sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    with sessions.begin() as session:
        again = InsightWriter(session).add([NewInsight("  new EXPORT controls on advanced chips, reshape the semiconductor supply-chain ")])
    with sessions() as session:
        assert (again.added, again.duplicates, count_insights(session)) == (0, 1, len(CORPUS))
