"""The meaning phase of bench/search_bench.py (`--meaning`): embedding throughput, backfill rate, and
hybrid search latency over the whole corpus, in its own process (its own peak RSS).

Embedding a 1M corpus on this machine takes hours, so the real model embeds a sample of the
newest insights (`--embed-sample`, through the real queue: claim, embed, store) to measure the
rates, and every other insight gets a random unit vector written straight into `insight_vectors`.
Search latency does not depend on the vectors' values (brute force reads every row), so the
timed hybrid searches — each embedding its query with the real model — cost what they would
with real vectors; their results are not meaningful and are not judged here (see
bench/search_quality.py for that).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from measure import WARM_UP_QUERIES, latency_summary, load_average, log, make_queries, peak_rss_mb
from sqlalchemy import func, select

from storage.db import create_db_engine, session_factory
from storage.models import InsightRow, InsightVector

SYNTHETIC_CHUNK = 20_000


def run_meaning(url: str, count: int, seed: int, sample: int) -> dict[str, Any]:
    import numpy as np

    from ingest.meaning import load_encoder
    from ingest.meaning.backfill import backfill
    from storage.dense_index import DenseIndex
    from storage.search_index import SearchIndex

    engine = create_db_engine(url)
    sessions = session_factory(engine)
    started = time.perf_counter()
    encoder = load_encoder()
    load_seconds = time.perf_counter() - started
    with sessions() as session:
        texts = list(session.scalars(select(InsightRow.text).order_by(InsightRow.id.desc()).limit(512)))
    encoder(texts[:32])  # warm up
    started = time.perf_counter()
    encoder(texts)
    encode_rate = len(texts) / (time.perf_counter() - started)
    log(f"embedding: {encode_rate:,.0f} texts/s (model only); backfilling a sample of {sample:,}")
    load_before = load_average()
    started = time.perf_counter()
    result = backfill(sessions, encoder, max_batches=max(1, sample // 256))
    backfill_seconds = time.perf_counter() - started
    backfill_rate = result.embedded / backfill_seconds if backfill_seconds else 0.0
    synthetic = _fill_synthetic(sessions, encoder.model_id, encoder.dimension, seed, np)
    index = SearchIndex(engine, dense=DenseIndex(encoder.model_id), embed_query=lambda q: encoder([q])[0])
    started = time.perf_counter()
    with sessions() as session:
        index.dense.refresh(session, force=True)  # type: ignore[union-attr]
    dense_load = time.perf_counter() - started
    queries = make_queries(engine, count + WARM_UP_QUERIES, seed)
    warm_up, queries = queries[:WARM_UP_QUERIES], queries[WARM_UP_QUERIES:]
    for q in warm_up:
        with sessions() as session:
            index.search(session, q["query"], limit=5)
    timings: list[float] = []
    embed_timings: list[float] = []
    for q in queries:
        started = time.perf_counter()
        encoder([q["query"]])
        embed_timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        with sessions() as session:
            index.search(session, q["query"], limit=5)
        timings.append(time.perf_counter() - started)
    scoped = _scoped(sessions, index, queries)
    load_after = load_average()
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(InsightRow)) or 0
    engine.dispose()
    return {
        **latency_summary(timings),
        "query_embedding": latency_summary(embed_timings),
        "scoped": scoped,
        "model_load_seconds": load_seconds,
        "encode_per_second": encode_rate,
        "backfill_per_second": backfill_rate,
        "backfill_sample": result.embedded,
        "backfill_hours_for_corpus": total / backfill_rate / 3600 if backfill_rate else None,
        "synthetic_vectors": synthetic,
        "dense_load_seconds": dense_load,
        "load_average_before": load_before,
        "load_average_after": load_after,
        "peak_rss_mb": peak_rss_mb(),
    }


def _fill_synthetic(sessions: Any, model_id: str, dimension: int, seed: int, np: Any) -> int:
    """A random unit vector for every insight still without one (straight into the table, untimed)."""
    rng = np.random.default_rng(seed)
    table = InsightVector.__table__
    # stored long ago: an incremental refresh re-reads only rows stored around the newest one
    stored_at = datetime(2000, 1, 1, tzinfo=UTC)
    written = 0
    while True:
        with sessions.begin() as session:
            ids = list(session.scalars(
                select(InsightRow.id).outerjoin(table, table.c.insight_id == InsightRow.id)
                .where(table.c.insight_id.is_(None)).order_by(InsightRow.id).limit(SYNTHETIC_CHUNK)
            ))
            if not ids:
                return written
            vectors = rng.standard_normal((len(ids), dimension)).astype(np.float32)
            vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
            blobs = vectors.astype("<f2")
            session.execute(table.insert(), [
                {"insight_id": i, "model_id": model_id, "vector": blobs[n].tobytes(), "stored_at": stored_at}
                for n, i in enumerate(ids)
            ])
            written += len(ids)


def _scoped(sessions: Any, index: Any, queries: list[dict[str, Any]]) -> dict[str, Any]:
    from measure import SCOPED_TEAM

    timings: list[float] = []
    for q in queries:
        started = time.perf_counter()
        with sessions() as session:
            index.search(session, q["query"], limit=5, team_id=SCOPED_TEAM)
        timings.append(time.perf_counter() - started)
    return latency_summary(timings)
