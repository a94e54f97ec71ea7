"""Search over the database's full-text index, with typo-tolerant expansion and rerank."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager
from contextvars import copy_context
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import DateTime, Engine, Integer, Row, Text, bindparam, func, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect
from sqlalchemy.types import TypeEngine

from insights.fusion import fuse
from insights.model import Insight, Match
from insights.search import (
    Candidate,
    QueryWord,
    SearchPlan,
    partial_matches,
    plan_search,
    query_text,
    query_words,
    rank,
)
from insights.timing import stage
from insights.vocabulary import Vocabulary
from storage.clock import as_utc
from storage.dense_index import DenseIndex
from storage.insights_store import insight_query, to_insight
from storage.models import InsightRow, Podcast, SearchTerm
from storage.tenancy import IN_BOUND_SCOPE, Scope, workspace_scope

#: Candidates taken from the full-text index before the final rerank: the newest
#: insights holding the query's words. The database does not score them: FTS5's bm25
#: counts every document holding each term (~40 ms for a common word at 1M rows), and
#: leaving the order to the shared rerank gives the same answers on both databases.
CANDIDATE_POOL = 200
#: Nearest vectors proposed by the meaning side of a hybrid search (united with the lexical candidates).
DENSE_TOP_K = 50
#: How long a loaded vocabulary is trusted before checking whether insights were added.
VOCABULARY_RECHECK_SECONDS = 2.0
#: PostgreSQL: fetching one match through the GIN index (a random heap page, then the
#: sort) costs about this many rows of the primary-key walk newest-first (measured on the
#: 1M-insight load database; see `_postgres_path`).
BITMAP_FETCH_COST_IN_ROWS_WALKED = 4.0
#: PostgreSQL, in the same rows walked (fitted on the 1M-insight request-path database, 2026-12-03):
#: the GIN index reads every posting of every query term (an AND of common words reads
#: hundreds of thousands), puts each match in its bitmap, and an id window adds each id of
#: its primary-key range to a second bitmap ANDed with the first.
GIN_POSTING_COST_IN_ROWS_WALKED = 0.025
GIN_MATCH_COST_IN_ROWS_WALKED = 0.1
WINDOW_ID_COST_IN_ROWS_WALKED = 0.075
#: An id window is sized to hold this many pools of expected matches (the vocabulary's guess
#: was within 0.6-1.6x of the real count for the benchmark's queries); one that holds fewer than
#: a pool is widened this many times over and asked again.
WINDOW_SLACK = 2.0
WINDOW_WIDENING = 4


#: A candidate as the full-text statements return it: id, search_text, published_at.
_CandidateRow = Row[int, str, Any]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found, and the plan it followed (for "did you mean" style notes)."""

    plan: SearchPlan
    matches: tuple[Match, ...]


class SearchIndex:
    """Typo-tolerant search: plan in `insights`, candidates from the database, rerank in `insights`."""

    def __init__(
        self, engine: Engine, clock: Callable[[], float] = time.monotonic, *, sort_few_matches: bool = True,
        dense: DenseIndex | None = None, embed_query: Callable[[str], Any] | None = None,
    ) -> None:
        """`sort_few_matches=False` always leaves PostgreSQL's plan to PostgreSQL (for benchmarks).
        With `dense` and `embed_query` (the meaning extra: query text -> unit vector), search is hybrid."""
        self._dialect = engine.dialect.name
        self._dense = dense if embed_query is not None else None
        self._embed_query = embed_query
        self._sort_few_matches = sort_few_matches
        self._clock = clock
        self._lock = threading.Lock()
        self._vocabulary: Vocabulary | None = None
        self._stamp: int | None = None
        self._checked_at = float("-inf")

    def search(self, session: Session, query: str, limit: int = 5, *, team_id: str | None = None) -> SearchResult:
        """The best `limit` insights for `query`, best first; with `team_id`, only among what that
        workspace may see (its feeds, the operator's, the library: `storage.tenancy`)."""
        if self._dense is not None and self._embed_query is not None and query_words(query)[0]:
            return self._hybrid(self._dense, self._embed_query, session, query, limit, team_id)
        with stage("plan"):  # stage timers for the request log (insights.timing; no-ops outside a request)
            plan = plan_search(query, self.vocabulary(session))
        if plan.is_empty:
            return SearchResult(plan, ())
        with stage("candidates"):
            scope = workspace_scope(session, team_id)
            candidates = self.candidates(session, plan, scope)
        return self._lexical(session, plan, candidates, limit)

    def _lexical(self, session: Session, plan: SearchPlan, candidates: list[Candidate], limit: int) -> SearchResult:
        with stage("rank"):
            ranked = rank(plan, candidates, limit)
        with stage("load"):
            return SearchResult(plan, tuple(_with_full_insights(session, ranked)))

    def _hybrid(self, dense: DenseIndex, embed_query: Callable[[str], Any], session: Session, query: str,
                limit: int, team_id: str | None) -> SearchResult:
        """Lexical candidates (ranked as today) united with the nearest vectors in the same scope, fused.

        When no other search is running in this process, the query is embedded and its nearest
        vectors found in a worker thread while this one plans the words (typo variants) and asks the
        database for the lexical candidates: the model, numpy and the typo scan release the GIL, and
        so does the driver while the database works, so the two halves overlap instead of adding up.
        With searches side by side the cores are busy already, and the extra thread only made each
        answer slower (4 clients at 1M).
        """
        with stage("candidates"):
            scope = workspace_scope(session, team_id)
        with stage("dense"):
            dense.refresh(session)  # the session stays on this thread
        text = query_text(query)
        with _searching() as alone:
            meaning = _meaning_workers().submit(copy_context().run, _nearest, dense, embed_query, text,
                                                scope) if alone else None
            try:
                with stage("plan"):
                    plan = plan_search(query, self.vocabulary(session))
                with stage("candidates"):
                    candidates = [] if plan.is_empty else self.candidates(session, plan, scope)
                with stage("rank"):
                    lexical = rank(plan, candidates, CANDIDATE_POOL) if candidates else []
            except BaseException:
                if meaning is not None:  # let it finish (it counts as this search), without hiding the error
                    wait([meaning])
                raise
            if meaning is None:
                vector, cosines = _nearest(dense, embed_query, text, scope)
            else:
                with stage("meaning_wait"):
                    vector, cosines = meaning.result()
        if vector is None:  # the model cannot run here: lexical, as without the extra
            return self._lexical(session, plan, candidates, limit)
        with stage("dense"):
            cosines.update(dense.cosines([m.insight.id for m in lexical], vector))
        with stage("rank"):
            fused = fuse(lexical, cosines, limit)
        with stage("load"):
            lexical_ids = {m.insight.id for m in lexical}
            allowed = _in_scope(session, [m.insight.id for m in fused if m.insight.id not in lexical_ids], scope)
            kept = [m for m in fused if m.insight.id in lexical_ids or m.insight.id in allowed]
            return SearchResult(plan, tuple(_with_full_insights(session, kept)))

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

    @property
    def dense(self) -> DenseIndex | None:
        """The in-memory insight vectors of hybrid search (None: lexical only)."""
        return self._dense

    def invalidate(self) -> None:
        """Forget the loaded vocabulary (after an import in this process)."""
        with self._lock:
            self._vocabulary = None

    def candidates(self, session: Session, plan: SearchPlan, scope: Scope = None) -> list[Candidate]:
        """Insights the full-text index proposes: all words first, then enough of them.

        Candidates carry only what ranking reads (id, indexed terms, date); the
        few that make the final list are loaded in full afterwards.
        """
        words = plan.searchable
        # PostgreSQL's choice of path guesses the scope's share of insights: counted once a search
        share = 1.0 if scope is None or self._dialect == "sqlite" else _podcast_share(session, scope)
        rows = self._newest_matching(session, [tuple(words)], scope, share)
        if len(words) > 1 and len(rows) < CANDIDATE_POOL:
            seen = {row.id for row in rows}
            more = self._newest_matching(session, partial_matches(words), scope, share)
            rows += [row for row in more if row.id not in seen]
        return [  # rows unpacked, not read by name: 1.1 -> 0.9 ms for a pool of 200
            Candidate(Insight(insight_id, "", published_at=as_utc(published_at)), tuple(search_text.split()))
            for insight_id, search_text, published_at in rows[:CANDIDATE_POOL]
        ]

    def _newest_matching(
        self, session: Session, groups: Sequence[Sequence[QueryWord]], scope: Scope = None, share: float = 1.0
    ) -> list[_CandidateRow]:
        """The newest insights holding every word of at least one group (each word: any variant),
        among the podcasts of `scope` (and insights of no podcast) when one is given; `share` is
        the scope's guessed share of all insights (`_podcast_share`)."""
        if not groups:
            return []
        if self._dialect == "sqlite":
            expression = " OR ".join("(" + _fts5_expression(g, require_all=True) + ")" for g in groups)
            return _execute(session, _SQLITE_CANDIDATES, expression, scope)
        expression = " | ".join("(" + _tsquery_expression(g, require_all=True) + ")" for g in groups)
        vocabulary, top = self._vocabulary, self._stamp
        if not self._sort_few_matches or vocabulary is None or top is None:
            return _execute(session, _POSTGRES_CANDIDATES, expression, scope)
        path = _postgres_path(vocabulary, groups, share, top)
        if path.window is not None:
            return _newest_in_windows(session, expression, scope, top, path.window)
        return _execute(session, _POSTGRES_FEW_CANDIDATES if path.gin else _POSTGRES_CANDIDATES, expression, scope)


def _execute(session: Session, sql: TextualSelect, expression: str, scope: Scope, **extra: int) -> list[_CandidateRow]:
    """The statement's rows for this full-text expression, within `scope` when one is given."""
    parameters: dict[str, Any] = {"q": expression, "n": CANDIDATE_POOL, **extra}
    if scope is not None:
        sql, parameters = _SCOPED[id(sql)], {**parameters, "podcasts": sorted(scope)}
    return list(session.execute(sql, parameters).all())  # one fetch, not a row at a time


def _newest_in_windows(session: Session, expression: str, scope: Scope, top: int, window: int) -> list[_CandidateRow]:
    """The newest matches, looked for among the ids above `top - window` first.

    A window holding a full pool holds the newest pool: every match below it is older. One
    holding fewer is widened until it does, or reaches the first id (then every match is asked
    for). `top` may lag behind the newest id: the windows have no upper bound.
    """
    while top - window > 0:
        rows = _execute(session, _POSTGRES_WINDOW_CANDIDATES, expression, scope, floor=top - window)
        if len(rows) >= CANDIDATE_POOL:
            return rows
        window *= WINDOW_WIDENING
    return _execute(session, _POSTGRES_FEW_CANDIDATES, expression, scope)


_COLUMNS: dict[str, TypeEngine[Any]] = {"id": Integer(), "search_text": Text(), "published_at": DateTime(timezone=True)}
# Both walk the index newest-first and stop after :n matches (FTS5 iterates doclists in
# rowid order; PostgreSQL walks the primary key backwards or sorts a bitmap scan).
# FTS5 serves `ORDER BY rowid DESC` from its doclists alone (EXPLAIN QUERY PLAN: "INDEX
# 192"), never reading the table, so rare words need no steering there; `rowid + 0`
# would only add a sort of every match.
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
# The same rows in the same order, for queries expected to match few insights. `id + 0`
# is deliberate: the primary key cannot serve that order, so PostgreSQL cannot walk it
# backwards and takes the GIN index (bitmap scan), then sorts the few matches. Its own
# estimate cannot tell rare terms apart (any term outside its most-common statistics
# gets the same guess, about 2,000 rows in 1M), so an OR of three rare typo variants
# looked like 6,700 matches and the walk read 350,000 rows to find 200 of 480.
_POSTGRES_FEW_CANDIDATES = text(
    """SELECT id, search_text, published_at FROM insights
    WHERE search_vector @@ to_tsquery('simple', :q) ORDER BY id + 0 DESC LIMIT :n"""
).columns(**_COLUMNS)
# The same again within an id window (`_newest_in_windows`): the primary key's range ANDed
# with the GIN index's matches (BitmapAnd), so only the matches in the window are fetched and
# sorted, however many there are below it.
_POSTGRES_WINDOW_CANDIDATES = text(
    """SELECT id, search_text, published_at FROM insights
    WHERE search_vector @@ to_tsquery('simple', :q) AND id > :floor ORDER BY id + 0 DESC LIMIT :n"""
).columns(**_COLUMNS)

# Scoped to a workspace's podcasts (`storage.tenancy`): the same walks, each match checked
# against the podcast list on the way (one primary-key lookup per match on SQLite, a filter
# on the heap rows PostgreSQL reads anyway), stopping as soon as :n in scope are found.
_IN_SCOPE = "(i.podcast_id IS NULL OR i.podcast_id IN :podcasts)"


def _scoped(sql: str) -> TextualSelect:
    return text(sql).bindparams(bindparam("podcasts", expanding=True)).columns(**_COLUMNS)


_SCOPED: dict[int, TextualSelect] = {  # by id() of the unscoped statement
    id(_SQLITE_CANDIDATES): _scoped(
        f"""SELECT i.id, i.search_text, i.published_at FROM insights_fts JOIN insights AS i ON i.id = insights_fts.rowid
        WHERE insights_fts MATCH :q AND {_IN_SCOPE} ORDER BY insights_fts.rowid DESC LIMIT :n"""
    ),
    id(_POSTGRES_CANDIDATES): _scoped(
        f"""SELECT i.id, i.search_text, i.published_at FROM insights AS i
        WHERE i.search_vector @@ to_tsquery('simple', :q) AND {_IN_SCOPE} ORDER BY i.id DESC LIMIT :n"""
    ),
    id(_POSTGRES_FEW_CANDIDATES): _scoped(
        f"""SELECT i.id, i.search_text, i.published_at FROM insights AS i
        WHERE i.search_vector @@ to_tsquery('simple', :q) AND {_IN_SCOPE} ORDER BY i.id + 0 DESC LIMIT :n"""
    ),
    id(_POSTGRES_WINDOW_CANDIDATES): _scoped(
        f"""SELECT i.id, i.search_text, i.published_at FROM insights AS i
        WHERE i.search_vector @@ to_tsquery('simple', :q) AND i.id > :floor AND {_IN_SCOPE}
        ORDER BY i.id + 0 DESC LIMIT :n"""
    ),
}


def _expected_matches(vocabulary: Vocabulary, groups: Sequence[Sequence[QueryWord]]) -> float:
    """How many insights hold every word of at least one group, from the vocabulary's counts.

    A word's share is the sum of its variants' document frequencies (an upper bound of
    their OR); the words of a group are taken as independent (the product of their
    shares), and the groups' matches are added up (an upper bound of their OR).
    """
    total = vocabulary.total_documents
    if total <= 0:
        return 0.0
    expected = 0.0
    for group in groups:
        share = 1.0
        for word in group:
            share *= min(1.0, sum(vocabulary.document_frequency(v.term) for v in word.variants) / total)
        expected += share * total
    return min(expected, float(total))


def _podcast_share(session: Session, scope: frozenset[int]) -> float:
    """The share of podcasts a scope holds: the guess of its share of insights (podcasts are few)."""
    return min(1.0, len(scope) / max(1, session.scalar(select(func.count()).select_from(Podcast)) or 0))


@dataclass(frozen=True, slots=True)
class _Path:
    """How PostgreSQL is asked for the newest matches: walking the primary key newest-first, or
    through the GIN index (`gin`), then only among the newest `window` ids first when set."""

    gin: bool
    window: int | None = None


def _postgres_path(
    vocabulary: Vocabulary, groups: Sequence[Sequence[QueryWord]], share: float, top: int
) -> _Path:
    """The cheapest way to the newest pool of matches, by the expected matches M among N insights.

    The walk reads about N x pool / M rows before it has the pool (all N when M < pool), N / share
    times pool / M for a workspace holding `share` of the insights. Through the GIN index every
    posting of the query's terms is read and every match put in a bitmap; then either all M
    matches are fetched and sorted, or only those among the newest ids: a window holding
    `WINDOW_SLACK` pools of matches in scope, whose ids cost a primary-key range bitmap. Rare
    words take the whole GIN fetch (the window would be most of the table), words of a few
    thousand to ~20,000 matches at 1M the window (the walk's 10,000-70,000 rows cost more),
    common words the walk. An underestimate (correlated words) makes the window hold more than
    needed; an overestimate costs a second, wider window.
    """
    total = vocabulary.total_documents
    expected = max(_expected_matches(vocabulary, groups), 1.0)
    walk = min(float(total), total * CANDIDATE_POOL / (expected * share))
    postings = sum(vocabulary.document_frequency(v.term) for g in groups for w in g for v in w.variants)
    index = GIN_POSTING_COST_IN_ROWS_WALKED * postings + GIN_MATCH_COST_IN_ROWS_WALKED * expected
    fetch_all = index + BITMAP_FETCH_COST_IN_ROWS_WALKED * expected
    window = int(WINDOW_SLACK * CANDIDATE_POOL * top / (expected * share)) + 1
    in_window = (index + WINDOW_ID_COST_IN_ROWS_WALKED * window
                 + BITMAP_FETCH_COST_IN_ROWS_WALKED * WINDOW_SLACK * CANDIDATE_POOL / share)
    if window < top and in_window < min(walk, fetch_all):
        return _Path(gin=True, window=window)
    return _Path(gin=fetch_all < walk)


#: Threads embedding a query and scanning vectors beside its lexical half (`SearchIndex._hybrid`): one,
#: since only a search running alone hands its meaning half over.
_MEANING_WORKERS = 1
_workers: ThreadPoolExecutor | None = None
_workers_lock = threading.Lock()


def _meaning_workers() -> ThreadPoolExecutor:
    global _workers
    with _workers_lock:
        if _workers is None:
            _workers = ThreadPoolExecutor(max_workers=_MEANING_WORKERS, thread_name_prefix="search-meaning")
        return _workers


_running = 0
_running_lock = threading.Lock()


@contextmanager
def _searching() -> Iterator[bool]:
    """Count a hybrid search as running for the block; yields whether it is the only one."""
    global _running
    with _running_lock:
        _running += 1
        alone = _running == 1
    try:
        yield alone
    finally:
        with _running_lock:
            _running -= 1


def _nearest(dense: DenseIndex, embed_query: Callable[[str], Any], query: str,
             scope: Scope) -> tuple[Any | None, dict[int, float]]:
    """The query's vector and its nearest insights in scope (id -> cosine); (None, {}) when the model cannot run."""
    with stage("embed"):
        vector = embed_query(query)
    if vector is None:
        return None, {}
    with stage("dense"):
        return vector, dense.nearest(vector, DENSE_TOP_K, scope)


# Statements of every search, built once: a statement built per search cost more to build and to
# key for SQLAlchemy's cache than to run (loading 5 insights: 0.54 -> 0.21 ms on the 1M database).
_FULL_INSIGHTS = insight_query().where(InsightRow.id.in_(bindparam("ids", expanding=True)))
_EXISTING = select(InsightRow.id).where(InsightRow.id.in_(bindparam("ids", expanding=True)))
_EXISTING_IN_SCOPE = _EXISTING.where(IN_BOUND_SCOPE)


def _in_scope(session: Session, ids: list[int], scope: Scope) -> set[int]:
    """Which of these insights exist and are in scope now (a loaded vector may be of a deleted insight)."""
    if not ids:
        return set()
    if scope is None:
        return set(session.scalars(_EXISTING, {"ids": ids}))
    return set(session.scalars(_EXISTING_IN_SCOPE, {"ids": ids, "podcasts": sorted(scope)}))


def _with_full_insights(session: Session, matches: list[Match]) -> list[Match]:
    """The matches with their insights loaded in full (podcast, episode, links, topics)."""
    if not matches:
        return []
    full = {row.id: to_insight(row) for row in session.execute(_FULL_INSIGHTS, {"ids": [m.insight.id for m in matches]})}
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
