"""Hybrid search on the real embedding model, on SQLite and PostgreSQL: paraphrases find their insight,
a workspace's results by meaning stay within what it may see, new insights join once embedded, and
without the model search is exactly today's.

Skipped (with the reason) without the meaning extra; CI installs it and sets PODBRIEF_REQUIRE_MEANING=1.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ingest.importer import import_file
from insights.model import NewInsight
from storage import feeds_store
from storage.insights_store import InsightWriter
from storage.models import Feed, InsightRow
from storage.search_index import SearchIndex
from tests.meaning_model import real_encoder

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
SAMPLE = Path(__file__).resolve().parents[2] / "standin" / "data" / "sample_insights.jsonl"
ACME, BETA = "T0ACME", "T0BETA"
DISTILLATION = ("Leading AI labs have started sharing information with each other to stop Chinese firms "
                "from copying their models through adversarial distillation.")


def _embed_all(sessions: sessionmaker[Session]) -> Any:
    from ingest.meaning.backfill import backfill

    encoder = real_encoder()
    backfill(sessions, encoder)
    return encoder


#: The sample's ~80 insights are far fewer than a real index's: every search here goes through the
#: sign-bit prefilter anyway (no exact path), keeping only this many rows for the cosine.
PREFILTER_ROWS = 16


def _hybrid(engine: Engine, encoder: Any) -> SearchIndex:
    from storage.dense_index import DenseIndex

    dense = DenseIndex(encoder.model_id, refresh_seconds=0.0, rescore=PREFILTER_ROWS, exact_rows=0)
    return SearchIndex(engine, dense=dense, embed_query=lambda query: encoder([query])[0])


def _texts(index: SearchIndex, sessions: sessionmaker[Session], query: str, team_id: str | None = None) -> list[str]:
    with sessions() as session:
        return [m.insight.text for m in index.search(session, query, limit=5, team_id=team_id).matches]


def test_a_paraphrase_with_no_word_in_common_finds_its_insight_first(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    encoder = real_encoder()
    import_file(SAMPLE, sessions)
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(DISTILLATION, "The Policy Loop", published_at=NOW)])
    _embed_all(sessions)
    hybrid, lexical = _hybrid(engine, encoder), SearchIndex(engine)
    answers = {
        "pay the people who maintain the libraries you rely on": "Companies that depend on a small open source library",
        "use several shipping lines on each route": "Shippers should keep contracts with at least two ocean carriers",
    }
    for query, answer in answers.items():
        assert not any(t.startswith(answer) for t in _texts(lexical, sessions, query)), f"today: not found ({query})"
        assert _texts(hybrid, sessions, query)[0].startswith(answer), query
    assert _texts(hybrid, sessions, "labs teaming up against copycats")[0] == DISTILLATION


def test_a_keyword_query_keeps_today_s_first_answer(engine: Engine, sessions: sessionmaker[Session]) -> None:
    encoder = real_encoder()
    import_file(SAMPLE, sessions)
    _embed_all(sessions)
    hybrid, lexical = _hybrid(engine, encoder), SearchIndex(engine)
    for query in ("passkeys", "heat pumps", "software bill of materials", "grid connection queue"):
        assert _texts(hybrid, sessions, query)[0] == _texts(lexical, sessions, query)[0], query


def _follow(session: Session, team: str, url: str, title: str, text: str) -> int:
    feed, _ = feeds_store.add_feed(session, url, now=NOW, team_id=team)
    podcast_id, _ = feeds_store.ensure_podcast(session, title, feed.url, feed.podcast_id)
    session.execute(Feed.__table__.update().where(Feed.id == feed.id).values(podcast_id=podcast_id))
    (added,) = InsightWriter(session).add([NewInsight(text=text, podcast=title, published_at=NOW)]).added_ids
    session.execute(InsightRow.__table__.update().where(InsightRow.id == added).values(podcast_id=podcast_id))
    return added


def test_a_workspace_s_results_by_meaning_never_include_another_workspace_s_insights(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    encoder = real_encoder()
    beta_text = "Frontier AI labs are teaming up to stop Chinese competitors from distilling copies of their models."
    with sessions.begin() as session:
        acme = _follow(session, ACME, "https://a.example/feed.xml", "Acme Show", DISTILLATION)
        beta = _follow(session, BETA, "https://b.example/feed.xml", "Beta Show", beta_text)
        (library,) = InsightWriter(session).add([NewInsight(
            "American AI companies now cooperate to block distillation attacks by cheap copycat rivals.",
            "Imported", published_at=NOW)]).added_ids
    _embed_all(sessions)
    hybrid = _hybrid(engine, encoder)
    for query in ("labs teaming up against copycats", "AI companies cooperating against Chinese model copying"):
        with sessions() as session:
            acme_sees = {m.insight.id for m in hybrid.search(session, query, limit=10, team_id=ACME).matches}
            beta_sees = {m.insight.id for m in hybrid.search(session, query, limit=10, team_id=BETA).matches}
            everything = {m.insight.id for m in hybrid.search(session, query, limit=10).matches}
        assert acme_sees == {acme, library} and beta_sees == {beta, library}, query
        assert everything == {acme, beta, library}, "the operator's own view sees all"
    from storage.tenancy import workspace_scope

    with sessions() as session:
        scope = workspace_scope(session, ACME)
    assert hybrid.dense is not None
    nearest = hybrid.dense.nearest(encoder(["labs teaming up against copycats"])[0], 10, scope)
    assert set(nearest) == {acme, library}, "the dense side itself filters by the workspace's podcasts"


def test_insights_embedded_after_the_first_search_are_found_by_meaning(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    encoder = real_encoder()
    import_file(SAMPLE, sessions)
    _embed_all(sessions)
    hybrid = _hybrid(engine, encoder)
    assert DISTILLATION not in _texts(hybrid, sessions, "labs teaming up against copycats")
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(DISTILLATION, "The Policy Loop", published_at=NOW)])
    assert DISTILLATION not in _texts(hybrid, sessions, "labs teaming up against copycats"), \
        "not embedded yet: found lexically only (no shared word here)"
    _embed_all(sessions)
    assert _texts(hybrid, sessions, "labs teaming up against copycats")[0] == DISTILLATION


def test_digests_read_the_stored_vectors_instead_of_embedding_again(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    import numpy as np

    from ingest.meaning.services import StoredFirst

    encoder = real_encoder()
    import_file(SAMPLE, sessions)
    _embed_all(sessions)
    dense = _hybrid(engine, encoder).dense
    assert dense is not None
    with sessions() as session:
        dense.refresh(session)
        row = session.query(InsightRow.id, InsightRow.text).order_by(InsightRow.id).first()
    assert row is not None
    cached = StoredFirst(dense)
    assert row.id in cached and 10_000_000 not in cached
    assert float(np.dot(cached[row.id], encoder([row.text])[0])) > 0.999


def test_without_the_model_search_is_exactly_today_s(
    engine: Engine, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ingest.meaning import services

    import_file(SAMPLE, sessions)
    lexical = SearchIndex(engine)
    try:
        from storage.dense_index import DenseIndex

        dense: Any = DenseIndex("any-model")
    except ImportError:  # no numpy either: the extra is not installed at all
        dense = None
    cannot_run = SearchIndex(engine, dense=dense, embed_query=lambda _query: None)  # the model fails to load
    monkeypatch.setattr(services, "extra_installed", lambda: False)
    built = services.search_index(engine)
    assert built.dense is None
    assert services.search_index(engine, by_meaning=False).dense is None
    for query in ("export controls", "expor contrls", "labs teaming up against copycats", "heat pumps"):
        with sessions() as session:
            today = lexical.search(session, query, limit=5)
            assert cannot_run.search(session, query, limit=5) == today
            assert built.search(session, query, limit=5) == today


def test_the_vectors_load_in_the_background_and_searches_then_use_them(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    from ingest.meaning.services import warm

    encoder = real_encoder()
    import_file(SAMPLE, sessions)
    _embed_all(sessions)
    hybrid = _hybrid(engine, encoder)
    assert hybrid.dense is not None and len(hybrid.dense) == 0
    thread = warm(hybrid, sessions)
    assert thread is not None and warm(hybrid, sessions) is thread  # started once
    thread.join(timeout=60)
    with sessions() as session:
        stored = session.query(InsightRow).count()
    assert len(hybrid.dense) == stored and not hybrid.dense.loading
    query = "pay the people who maintain the libraries you rely on"
    assert _texts(hybrid, sessions, query)[0].startswith("Companies that depend on a small open source library")
    assert warm(SearchIndex(engine), sessions) is None  # lexical: nothing to load


def test_the_prefilter_finds_the_exact_nearest_vectors_of_real_queries(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    from storage.dense_index import DenseIndex

    encoder = real_encoder()
    import_file(SAMPLE, sessions)
    _embed_all(sessions)
    exact = DenseIndex(encoder.model_id, exact_rows=10**9)
    filtered = DenseIndex(encoder.model_id, rescore=PREFILTER_ROWS, exact_rows=0)
    with sessions() as session:
        exact.refresh(session, force=True)
        filtered.refresh(session, force=True)
    queries = ["labs teaming up against copycats", "cheaper batteries for the grid", "remote teams and meetings",
               "how to stop ransomware", "interest rates next year", "supply chain risk"]
    for query in queries:
        vector = encoder([query])[0]
        best = sorted(exact.nearest(vector, 3).items(), key=lambda item: -item[1])
        found = filtered.nearest(vector, 3)
        assert best[0][0] in found, query  # the closest one always survives the prefilter
        assert found[best[0][0]] == pytest.approx(best[0][1])
