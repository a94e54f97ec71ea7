"""Search over the database's full-text index, with typo-tolerant expansion and rerank."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session

from insights.model import Match
from insights.search import Candidate, QueryWord, SearchPlan, plan_search, rank
from insights.vocabulary import Vocabulary
from storage.insights_store import insight_query, to_insight
from storage.models import InsightRow, SearchTerm

#: Candidates taken from the full-text index before the final rerank.
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
        candidates = self.candidates(session, plan)
        return SearchResult(plan, tuple(rank(plan, candidates, limit)))

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
        """Insights the full-text index proposes: all words first, then any word."""
        words = plan.searchable
        ids = self._matching_ids(session, words, require_all=True)
        if len(words) > 1 and len(ids) < CANDIDATE_POOL:
            seen = set(ids)
            ids += [i for i in self._matching_ids(session, words, require_all=False) if i not in seen]
        return _load_candidates(session, ids[:CANDIDATE_POOL])

    def _matching_ids(self, session: Session, words: Sequence[QueryWord], require_all: bool) -> list[int]:
        if self._dialect == "sqlite":
            expression = _fts5_expression(words, require_all)
            sql = "SELECT rowid FROM insights_fts WHERE insights_fts MATCH :q ORDER BY rank LIMIT :n"
        else:
            expression = _tsquery_expression(words, require_all)
            sql = (
                "SELECT id FROM insights WHERE search_vector @@ to_tsquery('simple', :q) "
                "ORDER BY ts_rank(search_vector, to_tsquery('simple', :q)) DESC, id LIMIT :n"
            )
        return list(session.scalars(text(sql), {"q": expression, "n": CANDIDATE_POOL}))


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


def _load_candidates(session: Session, ids: list[int]) -> list[Candidate]:
    if not ids:
        return []
    query = insight_query().add_columns(InsightRow.search_text).where(InsightRow.id.in_(ids))
    return [Candidate(to_insight(row), tuple(row.search_text.split())) for row in session.execute(query)]
