"""The search index on SQLite and PostgreSQL: same answers, typo tolerance, identity by content."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from storage.insights_store import BATCH_SIZE, InsightWriter, count_insights
from storage.models import InsightRow, SearchTerm
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


def test_large_imports_count_each_new_insight_and_term_once(sessions: sessionmaker[Session]) -> None:
    """More than one batch (normalised ahead in a worker thread), with repeats within and across batches."""
    distinct = 2 * BATCH_SIZE + 7
    items = [
        NewInsight(f"Insight number {n} about widget{n % 13} and gadget{n % 7}", "Pod", f"Ep {n % 3}")
        for n in range(distinct)
    ]
    items += [NewInsight(f"insight NUMBER {n}, about widget{n % 13} and gadget{n % 7}!") for n in range(0, distinct, 5)]
    with sessions.begin() as session:
        first = InsightWriter(session).add(items[: BATCH_SIZE + 3])
    with sessions.begin() as session:
        second = InsightWriter(session).add(items)
    with sessions() as session:
        texts = session.scalars(select(InsightRow.search_text)).all()
        stored = {row.term: row.doc_count for row in session.execute(select(SearchTerm.term, SearchTerm.doc_count))}
    assert (first.added, first.duplicates) == (BATCH_SIZE + 3, 0)
    assert (second.added, second.duplicates) == (distinct - BATCH_SIZE - 3, len(items) - (distinct - BATCH_SIZE - 3))
    assert second.added_ids == sorted(second.added_ids) and len(set(second.added_ids)) == second.added
    assert len(texts) == distinct
    assert stored == Counter(term for text in texts for term in set(text.split()))
