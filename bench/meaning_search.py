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
    lexical = SearchIndex(engine)
    timings: list[float] = []
    embed_timings: list[float] = []
    lexical_timings: list[float] = []
    for q in queries:  # interleaved, so both see the same load
        started = time.perf_counter()
        encoder([q["query"]])
        embed_timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        with sessions() as session:
            index.search(session, q["query"], limit=5)
        timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        with sessions() as session:
            lexical.search(session, q["query"], limit=5)
        lexical_timings.append(time.perf_counter() - started)
    scoped = _scoped(sessions, index, queries)
    dense_only = _dense_only(index.dense, encoder, queries, np)
    load_after = load_average()
    with sessions() as session:
        total = session.scalar(select(func.count()).select_from(InsightRow)) or 0
    engine.dispose()
    return {
        **latency_summary(timings),
        "lexical": latency_summary(lexical_timings),
        "query_embedding": latency_summary(embed_timings),
        "dense_only": dense_only,
        "dense_bytes": index.dense.memory_bytes(),  # type: ignore[union-attr]
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


def _dense_only(dense: Any, encoder: Any, queries: list[dict[str, Any]], np: Any) -> dict[str, Any]:
    """The meaning side alone (query vectors precomputed): the sign-bit prefilter against every cosine,
    and how many of the exact top 10 the prefilter keeps (on these vectors)."""
    from storage.dense_index import DenseIndex

    vectors = encoder([q["query"] for q in queries[:100]])
    exact = DenseIndex(dense.model_id, exact_rows=10**12)
    exact.__dict__.update({k: v for k, v in dense.__dict__.items() if k not in ("exact_rows", "rescore")})
    found: dict[str, list[float]] = {"prefilter": [], "exact": []}
    overlap: list[float] = []
    for vector in vectors:
        started = time.perf_counter()
        near = dense.nearest(vector, 10)
        found["prefilter"].append(time.perf_counter() - started)
        started = time.perf_counter()
        best = exact.nearest(vector, 10)
        found["exact"].append(time.perf_counter() - started)
        overlap.append(len(set(near) & set(best)) / max(1, len(best)))
    return {name: latency_summary(t) for name, t in found.items()} | {"recall_at_10": float(np.mean(overlap))}


def _scoped(sessions: Any, index: Any, queries: list[dict[str, Any]]) -> dict[str, Any]:
    from measure import SCOPED_TEAM

    timings: list[float] = []
    for q in queries:
        started = time.perf_counter()
        with sessions() as session:
            index.search(session, q["query"], limit=5, team_id=SCOPED_TEAM)
        timings.append(time.perf_counter() - started)
    return latency_summary(timings)


def dense_only(rows: int, queries: int, seed: int) -> None:
    """The meaning side alone at `rows` random unit vectors (no database, no model): loading into
    the index, the sign-bit prefilter against every cosine, a 10% scope, memory.

        .venv/bin/python bench/meaning_search.py --rows 1000000
    """
    import os

    import numpy as np

    from storage.dense_index import DenseIndex

    rng = np.random.default_rng(seed)
    index, exact = DenseIndex("bench"), DenseIndex("bench", exact_rows=10**12)
    started = time.perf_counter()
    for start in range(0, rows, 50_000):
        n = min(50_000, rows - start)
        vectors = rng.standard_normal((n, 384), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        ids = np.arange(start, start + n, dtype=np.int64)
        podcasts = ids % 100
        index._add(ids, podcasts, vectors)
    index._fit()  # as a full load from the store leaves it
    added = time.perf_counter() - started
    exact.__dict__.update({k: v for k, v in index.__dict__.items() if k not in ("exact_rows", "rescore")})
    probes = rng.standard_normal((queries, 384), dtype=np.float32)
    probes /= np.linalg.norm(probes, axis=1, keepdims=True)
    scope = set(range(10))  # 10 of 100 podcasts: 10% of the rows
    timings: dict[str, list[float]] = {"prefilter": [], "exact": [], "scoped prefilter": [], "scoped exact": []}
    found: dict[str, list[dict[int, float]]] = {name: [] for name in timings}
    for probe in probes:
        for name, searched, within in (("prefilter", index, None), ("exact", exact, None),
                                       ("scoped prefilter", index, scope), ("scoped exact", exact, scope)):
            began = time.perf_counter()
            found[name].append(searched.nearest(probe, 50, within))
            timings[name].append(time.perf_counter() - began)
    print(f"{rows:,} random unit vectors (384-d) added in {added:.1f} s; arrays {index.memory_bytes() / 2**20:,.0f} MB; "
          f"peak RSS {peak_rss_mb():,.0f} MB")
    for name, values in timings.items():
        summary = latency_summary(values)
        print(f"  {name:18} p50 / p95 / p99  {summary['p50_ms']:7.1f} / {summary['p95_ms']:7.1f} / {summary['p99_ms']:7.1f} ms")
    for name in ("prefilter", "scoped prefilter"):
        exact_name = name.replace("prefilter", "exact")
        print(f"  {name:18} recall@10 {_recall(found[name], found[exact_name], 10, np):.3f} "
              f"(of the exact top 10, how many it finds)")
    print(f"  load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")


def _recall(found: list[dict[int, float]], best: list[dict[int, float]], k: int, np: Any) -> float:
    """Mean share of the exact top `k` (id -> cosine, per query) that the prefilter's top `k` holds."""
    def top(near: dict[int, float]) -> set[int]:
        return set(sorted(near, key=lambda i: -near[i])[:k])

    return float(np.mean([len(top(a) & top(b)) / max(1, len(top(b))) for a, b in zip(found, best, strict=True)]))


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=dense_only.__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=100)
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    dense_only(arguments.rows, arguments.queries, arguments.seed)
