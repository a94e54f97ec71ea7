"""The three measured phases of the benchmark, each run in its own process.

Separate processes keep the figures honest: the import's and the search's peak RSS
are their own, not inflated by the in-memory copy the raw-scan baseline needs.
"""

from __future__ import annotations

import os
import random
import resource
import statistics
import sys
import time
from itertools import islice
from pathlib import Path
from typing import Any

from corpus import Corpus, typo
from sqlalchemy import Engine, func, select, text

from insights.text import terms
from storage.db import create_db_engine, migrate, session_factory
from storage.insights_store import InsightWriter
from storage.models import InsightRow, SearchTerm
from storage.search_index import SearchIndex

#: Insights generated (untimed) before each timed `InsightWriter.add` + commit.
IMPORT_CHUNK = 50_000
WARM_UP_QUERIES = 20


def peak_rss_mb() -> float:
    """This process's peak resident set size (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linear between closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    k = (len(ordered) - 1) * q / 100
    low = int(k)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def latency_summary(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "count": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms),
        "max_ms": max(ms),
    }


def load_average() -> list[float]:
    """The machine's 1/5/15-minute load averages: timings mean little without them."""
    return [round(x, 2) for x in os.getloadavg()]


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def database_size(engine: Engine) -> dict[str, int]:
    if engine.dialect.name == "sqlite":
        path = Path(engine.url.database or "")
        wal = path.with_name(path.name + "-wal")
        main = path.stat().st_size
        wal_size = wal.stat().st_size if wal.exists() else 0
        return {"file_bytes": main, "wal_bytes": wal_size, "total_bytes": main + wal_size}
    with engine.connect() as connection:
        total = connection.scalar(text("SELECT pg_database_size(current_database())"))
    return {"file_bytes": int(total), "wal_bytes": 0, "total_bytes": int(total)}


def run_import(url: str, size: int, seed: int) -> dict[str, Any]:
    """Generate the corpus and store it through `InsightWriter`, timing only the writes."""
    engine = create_db_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    corpus = Corpus(size, seed=seed)
    stream = corpus.insights()
    added = duplicates = 0
    write_seconds = 0.0
    load_before = load_average()
    wall = time.perf_counter()
    while True:
        chunk = list(islice(stream, IMPORT_CHUNK))
        if not chunk:
            break
        started = time.perf_counter()
        with sessions.begin() as session:
            result = InsightWriter(session).add(chunk)
        write_seconds += time.perf_counter() - started
        added += result.added
        duplicates += result.duplicates
        log(
            f"imported {added + duplicates:,}/{size:,} ({(added + duplicates) / write_seconds:,.0f}/s, "
            f"load {os.getloadavg()[0]:.1f})"
        )
    wall = time.perf_counter() - wall
    with sessions() as session:
        vocabulary = session.scalar(select(func.count()).select_from(SearchTerm)) or 0
    sizes = database_size(engine)
    engine.dispose()
    return {
        "insights": added,
        "duplicates": duplicates,
        "write_seconds": write_seconds,
        "wall_seconds_with_generation": wall,
        "insights_per_second": added / write_seconds if write_seconds else 0.0,
        "vocabulary_terms": vocabulary,
        "generated_content_words": corpus.vocabulary_size,
        **sizes,
        "peak_rss_mb": peak_rss_mb(),
        "load_average_before": load_before,
        "load_average_after": load_average(),
    }


def make_queries(engine: Engine, count: int, seed: int) -> list[dict[str, Any]]:
    """Queries of 1-3 consecutive terms taken from random stored insights; a third with a typo."""
    rng = random.Random(seed)
    with engine.connect() as connection:
        top = connection.scalar(select(func.max(InsightRow.id))) or 0
        picked = [rng.randint(1, top) for _ in range(count * 2)]
        rows = dict(connection.execute(select(InsightRow.id, InsightRow.text).where(InsightRow.id.in_(picked))).all())
    queries: list[dict[str, Any]] = []
    for source in picked:
        if len(queries) == count or source not in rows:
            continue
        words = terms(rows[source])
        n = rng.choice((1, 1, 2, 2, 2, 3))
        start = rng.randrange(max(1, len(words) - n + 1))
        clean = words[start : start + n]
        query = {"query": " ".join(clean), "clean": " ".join(clean), "source_id": source, "typo": False}
        if len(queries) % 3 == 2:
            long_words = [i for i, w in enumerate(clean) if len(w) >= 5]
            if long_words:
                i = rng.choice(long_words)
                clean = [typo(w, rng) if j == i else w for j, w in enumerate(clean)]
                query.update(query=" ".join(clean), typo=True)
        queries.append(query)
    return queries


def run_search(url: str, count: int, seed: int) -> dict[str, Any]:
    """Time `SearchIndex.search(session, query, limit=5)` as the bot calls it (a session per query).

    Twice: as a running bot sees it (query words' typo variants are remembered, and the
    corpus's queries repeat common words), then with that memory cleared before every
    query, so each word is expanded as if seen for the first time ("cold").
    """
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    index = SearchIndex(engine)
    queries = make_queries(engine, count + WARM_UP_QUERIES, seed)
    warm_up, queries = queries[:WARM_UP_QUERIES], queries[WARM_UP_QUERIES:]
    started = time.perf_counter()
    with sessions() as session:
        vocabulary = index.vocabulary(session)
    first_load = time.perf_counter() - started
    for q in warm_up:
        with sessions() as session:
            index.search(session, q["query"], limit=5)
    load_before = load_average()
    timings: list[float] = []
    results: list[list[int]] = []
    for q in queries:
        started = time.perf_counter()
        with sessions() as session:
            found = index.search(session, q["query"], limit=5)
        timings.append(time.perf_counter() - started)
        results.append([m.insight.id for m in found.matches])
    cold: list[float] = []
    for q in queries:
        with sessions() as session:
            index.vocabulary(session).clear_cache()
        started = time.perf_counter()
        with sessions() as session:
            index.search(session, q["query"], limit=5)
        cold.append(time.perf_counter() - started)
    load_after = load_average()
    rss = peak_rss_mb()
    typo_total = typo_agree = 0
    for q, ids in zip(queries, results, strict=True):
        if q["typo"]:
            typo_total += 1
            with sessions() as session:
                clean = [m.insight.id for m in index.search(session, q["clean"], limit=5).matches]
            typo_agree += bool(ids) and bool(clean) and ids[0] in clean
    slowest = sorted(zip(timings, (q["query"] for q in queries), strict=True), reverse=True)[:5]
    scoped = _scoped_search(engine, sessions, index, queries)
    engine.dispose()
    return {
        **latency_summary(timings),
        "scoped": scoped,
        "cold": latency_summary(cold),
        "load_average_before": load_before,
        "load_average_after": load_after,
        "vocabulary_load_ms": first_load * 1000,
        "vocabulary_terms": len(vocabulary),
        "with_results": sum(1 for r in results if r) / len(results),
        "source_in_top5": sum(q["source_id"] in r for q, r in zip(queries, results, strict=True)) / len(results),
        "typo_queries": typo_total,
        "typo_top1_in_clean_top5": typo_agree / typo_total if typo_total else 0.0,
        "slowest": [{"ms": t * 1000, "query": q} for t, q in slowest],
        "peak_rss_mb": rss,
        "queries": queries,
    }


#: The workspace of the scoped search: it follows one podcast in SCOPED_EVERY.
SCOPED_TEAM, SCOPED_EVERY = "T0BENCH", 10


def _scoped_search(engine: Engine, sessions: Any, index: SearchIndex, queries: list[dict[str, Any]]) -> dict[str, Any]:
    """The same queries as a workspace searching only its own feeds (`team_id`), the harder case of
    tenancy: every podcast made a feed's (none left in the library), the workspace following 1 in 10."""
    from storage.models import Feed, FeedSubscription, Podcast

    with sessions.begin() as session:
        podcasts = list(session.scalars(select(Podcast.id).order_by(Podcast.id)))
        for number, podcast_id in enumerate(podcasts):
            url = f"https://feeds.example.com/{podcast_id}.xml"
            session.execute(Podcast.__table__.update().where(Podcast.id == podcast_id).values(feed_url=url))
            feed = Feed(url=url, original_url=url, podcast_id=podcast_id)
            session.add(feed)
            session.flush()
            team = SCOPED_TEAM if number % SCOPED_EVERY == 0 else "T0OTHER"  # another workspace follows the rest
            session.add(FeedSubscription(team_id=team, feed_id=feed.id))
        share = session.scalar(select(func.count()).select_from(InsightRow).where(
            InsightRow.podcast_id.in_(podcasts[::SCOPED_EVERY]))) or 0
        total = session.scalar(select(func.count()).select_from(InsightRow)) or 1
    timings: list[float] = []
    for q in queries:
        started = time.perf_counter()
        with sessions() as session:
            index.search(session, q["query"], limit=5, team_id=SCOPED_TEAM)
        timings.append(time.perf_counter() - started)
    return {**latency_summary(timings), "visible_share": share / total}


def run_baseline(url: str, queries: list[str]) -> dict[str, Any]:
    """The raw scan the index replaces: rapidfuzz WRatio over every text held in memory."""
    from rapidfuzz import fuzz, process

    engine = create_db_engine(url)
    with engine.connect() as connection:
        texts = list(connection.scalars(select(InsightRow.text).order_by(InsightRow.id)))
    engine.dispose()
    process.extract(queries[0], texts[:1000], scorer=fuzz.WRatio, limit=5)  # warm-up
    timings = []
    for i, query in enumerate(queries, 1):
        started = time.perf_counter()
        process.extract(query, texts, scorer=fuzz.WRatio, limit=5)
        timings.append(time.perf_counter() - started)
        log(f"raw scan {i}/{len(queries)}: {timings[-1] * 1000:,.0f} ms")
    return {**latency_summary(timings), "texts": len(texts), "peak_rss_mb": peak_rss_mb()}
