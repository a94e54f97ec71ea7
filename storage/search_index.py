"""Search over the database's full-text index, with typo-tolerant expansion and rerank."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, Row, Text, func, select, text
from sqlalchemy.orm import Session

from insights.model import Insight, Match
from insights.search import Candidate, QueryWord, SearchPlan, partial_matches, plan_search, rank
from insights.vocabulary import Vocabulary
from storage.insights_store import as_utc, insight_query, to_insight
from storage.models import InsightRow, SearchTerm

#: Candidates taken from the full-text index before the final rerank: the newest
#: insights holding the query's words. The database does not score them: FTS5's bm25
#: counts every document holding each term (~40 ms for a common word at 1M rows), and
#: leaving the order to the shared rerank gives the same answers on both databases.
CANDIDATE_POOL = 200
#: How long a loaded vocabulary is trusted before checking whether insights were added.
VOCABULARY_RECHECK_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found, and the plan it followed (for "did you mean" style notes)."""

    plan: SearchPlan
    matches: tuple[Match, ...]


class SearchIndex:
    """Typo-tolerant search: plan in `insights`, candidates from the database, rerank in `insights`."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
        self._dialect = engine.dialect.name
        self._clock = clock
        self._lock = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._stamp: int | None = None
        self._checked_at = float("-inf")

    def search(self, session: Session, query: str, limit: int = 5) -> SearchResult:
        """The best `limit` insights for `query`, best first."""
        plan = plan_search(query, self.vocabulary(session))
        if plan.is_empty:
            return SearchResult(plan, ())
        ranked = rank(plan, self.candidates(session, plan), limit)
        return SearchResult(plan, tuple(_with_full_insights(session, ranked)))

    def vocabulary(self, session: Session) -> Vocabulary:
        """The indexed terms, reloaded when insights were added since the last load."""
        with self._lock:
            now = self._clock()
            if self._vocabulary is not None and now - self._checked_at < VOCABULARY_RECHECK_SECONDS:
                return self._vocabulary
            stamp = session.scalar(select(func.max(InsightRow.id))) or 0
            self._checked_at = now
            if self._vocabulary is None or stamp != self._stamp:
                self._vocabulary = _load_vocabulary(session)
                self._stamp = stamp
            return self._vocabulary

    def invalidate(self) -> None:
        """Forget the loaded vocabulary (after an import in this process)."""
        with self._lock:
            self._vocabulary = None

    def candidates(self, session: Session, plan: SearchPlan) -> list[Candidate]:
        """Insights the full-text index proposes: all words first, then enough of them.

        Candidates carry only what ranking reads (id, indexed terms, date); the
        few that make the final list are loaded in full afterwards.
        """
        words = plan.searchable
        rows = self._newest_matching(session, [tuple(words)])
        if len(words) > 1 and len(rows) < CANDIDATE_POOL:
            seen = {row.id for row in rows}
            more = self._newest_matching(session, partial_matches(words))
            rows += [row for row in more if row.id not in seen]
        return [
            Candidate(Insight(id=row.id, text="", published_at=as_utc(row.published_at)), tuple(row.search_text.split()))
            for row in rows[:CANDIDATE_POOL]
        ]

    def _newest_matching(self, session: Session, groups: Sequence[Sequence[QueryWord]]) -> list[Row[Any]]:
        """The newest insights holding every word of at least one group (each word: any variant)."""
        if not groups:
            return []
        if self._dialect == "sqlite":
            expression = " OR ".join("(" + _fts5_expression(g, require_all=True) + ")" for g in groups)
            sql = _SQLITE_CANDIDATES
        else:
            expression = " | ".join("(" + _tsquery_expression(g, require_all=True) + ")" for g in groups)
            sql = _POSTGRES_CANDIDATES
        return list(session.execute(sql, {"q": expression, "n": CANDIDATE_POOL}))


_COLUMNS = {"id": Integer(), "search_text": Text(), "published_at": DateTime(timezone=True)}
# Both walk the index newest-first and stop after :n matches (FTS5 iterates doclists in
# rowid order; PostgreSQL walks the primary key backwards or sorts a bitmap scan).
_SQLITE_CANDIDATES = text(
    """SELECT i.id, i.search_text, i.published_at FROM (
        SELECT rowid FROM insights_fts WHERE insights_fts MATCH :q ORDER BY rowid DESC LIMIT :n
    ) AS hit JOIN insights AS i ON i.id = hit.rowid
    ORDER BY i.id DESC"""
).columns(**_COLUMNS)
_POSTGRES_CANDIDATES = text(
    """SELECT id, search_text, published_at FROM insights
    WHERE search_vector @@ to_tsquery('simple', :q) ORDER BY id DESC LIMIT :n"""
).columns(**_COLUMNS)


def _with_full_insights(session: Session, matches: list[Match]) -> list[Match]:
    """The matches with their insights loaded in full (podcast, episode, links, topics)."""
    if not matches:
        return []
    query = insight_query().where(InsightRow.id.in_([m.insight.id for m in matches]))
    full = {row.id: to_insight(row) for row in session.execute(query)}
    return [replace(m, insight=full[m.insight.id]) for m in matches if m.insight.id in full]


def _fts5_expression(words: Sequence[QueryWord], require_all: bool) -> str:
    groups = ["(" + " OR ".join(f'"{v.term}"' for v in w.variants) + ")" for w in words]
    return (" AND " if require_all else " OR ").join(groups)


def _tsquery_expression(words: Sequence[QueryWord], require_all: bool) -> str:
    groups = ["(" + " | ".join(f"'{v.term}'" for v in w.variants) + ")" for w in words]
    return (" & " if require_all else " | ").join(groups)


def _load_vocabulary(session: Session) -> Vocabulary:
    total = session.scalar(select(func.count()).select_from(InsightRow)) or 0
    rows = session.execute(select(SearchTerm.term, SearchTerm.doc_count))
    return Vocabulary(((r.term, r.doc_count) for r in rows), total)
