"""PostgreSQL's candidate paths (primary-key walk, GIN fetch, GIN within id windows) propose exactly
what the plain query does: the newest matching insights, newest first, in a workspace's scope."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, bindparam, event, select, text
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from insights.search import QueryWord, SearchPlan, partial_matches, plan_search
from storage.insights_store import InsightWriter
from storage.models import Podcast
from storage.search_index import CANDIDATE_POOL, SearchIndex
from storage.tenancy import Scope

INSIGHTS = 12_000
PODCASTS = 4
#: 40 common words, six per insight (each in about 15% of the insights).
COMMON = [stem + end for stem in ("market", "policy", "energy", "budget", "growth", "vendor", "signal", "format")
          for end in ("s", "ing", "er", "ed", "al")]
#: Query -> why it is here (the path it is expected to take at this size).
QUERIES = {
    "markets": "a common word: the primary-key walk",
    "quokka": "a rare word and its near spellings: the whole GIN fetch",
    "walrus": "one insight in 16: the GIN index within an id window",
    "walros": "a typo: an OR of the variants, within a window",
    "narwhal": "only in the oldest quarter: the window holds too few and is widened",  # (unscoped)
    "walrus markets": "two words: all of them, then enough of them",
    "quokka walrus policy": "three words of very different counts",
}


def _text(i: int, rng: random.Random) -> str:
    words = rng.sample(COMMON, 6)
    if i % 16 == 2:
        words.append("walrus")
    if i < INSIGHTS // 4 and i % 3 == 2:
        words.append("narwhal")
    if i % 1000 == 8:  # in the workspace of the scoped test too (podcast i % 4 == 0)
        words.append(("quokka", "quokkas", "qukka")[(i // 1000) % 3])
    return " ".join(words) + f" item{i}"


def _load(sessions: sessionmaker[Session]) -> None:
    rng = random.Random(11)
    items = [NewInsight(_text(i, rng), f"Pod {i % PODCASTS}", "Ep") for i in range(INSIGHTS)]
    with sessions.begin() as session:
        InsightWriter(session).add(items)
        session.execute(text("ANALYZE insights"))


def _tsquery(words: tuple[QueryWord, ...]) -> str:
    return " & ".join("(" + " | ".join(f"'{v.term}'" for v in w.variants) + ")" for w in words)


def _plain(session: Session, groups: list[tuple[QueryWord, ...]], scope: Scope) -> list[int]:
    """The newest ids holding every word of a group, by the plain query (whatever plan it takes)."""
    if not groups:
        return []
    sql = "SELECT id FROM insights WHERE search_vector @@ to_tsquery('simple', :q)"
    if scope is not None:
        sql += " AND (podcast_id IS NULL OR podcast_id IN :podcasts)"
    statement = text(sql + " ORDER BY id DESC LIMIT :n")
    parameters: dict[str, Any] = {"q": " | ".join(f"({_tsquery(g)})" for g in groups), "n": CANDIDATE_POOL}
    if scope is not None:
        statement = statement.bindparams(bindparam("podcasts", expanding=True))
        parameters["podcasts"] = sorted(scope)
    return list(session.scalars(statement, parameters))


def _expected(session: Session, plan: SearchPlan, scope: Scope) -> list[int]:
    """What `SearchIndex.candidates` must propose: all the words first, then enough of them."""
    words = tuple(plan.searchable)
    ids = _plain(session, [words], scope)
    if len(words) > 1 and len(ids) < CANDIDATE_POOL:
        ids += [i for i in _plain(session, partial_matches(words), scope) if i not in set(ids)]
    return ids[:CANDIDATE_POOL]


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    """The full-text candidate statements executed meanwhile."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "search_vector @@" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def loaded(engine: Engine, sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    if engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL's candidate paths; FTS5 reads its doclists newest first")
    _load(sessions)
    return sessions


@pytest.mark.parametrize("scoped", [False, True], ids=["everything", "one workspace"])
def test_every_path_proposes_the_plain_querys_candidates(
    engine: Engine, loaded: sessionmaker[Session], scoped: bool
) -> None:
    index = SearchIndex(engine)
    windows: dict[str, tuple[int, int]] = {}
    with loaded() as session:
        podcasts = list(session.scalars(select(Podcast.id).order_by(Podcast.id)))
        scope = frozenset(podcasts[:3]) if scoped else None
        for query in QUERIES:
            plan = plan_search(query, index.vocabulary(session))
            with _statements(engine) as statements:
                found = [c.insight.id for c in index.candidates(session, plan, scope)]
            windows[query] = sum("id > " in s for s in statements), len(statements)
            assert found and found == _expected(session, plan, scope), query
    # The paths were really taken, so the comparison above covers them: a window for walrus
    # (and its typo), none for the common and the rare word; narwhal's window is widened
    # past the first id, and every match asked for.
    assert windows["walrus"][0] >= 1 and windows["walros"][0] >= 1, windows
    assert windows["markets"][0] == 0 and windows["quokka"][0] == 0, windows
    if not scoped:
        assert windows["narwhal"] == (1, 2), windows
