"""Search on PostgreSQL with and without steering few-match queries to the GIN index.

    .venv/bin/python bench/pg_search_plan_bench.py          # 300 queries on the 1M load database
    .venv/bin/python bench/pg_search_plan_bench.py --queries 1000 --database-url URL

Times `SearchIndex.search(session, query, limit=5)` (a session per query, as the bot
calls it) twice per query, in one process and one thread: once as before
(`sort_few_matches=False`: PostgreSQL picks its own plan) and once as now (queries the
vocabulary expects to match few insights are written `ORDER BY id + 0 DESC`). The two
alternate which goes first, so neither always finds the pages the other just read, and
every query word is expanded (typo variants) beforehand, so only the plans differ.
Queries are drawn as in `search_bench.py` (1-3 words of a stored insight, a third with a
typo). Both must return the same insights; the exit status is 1 otherwise. The database
is only read (it needs planner statistics: `load_bench.py` runs ANALYZE after its import).
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent))

from measure import latency_summary, load_average, make_queries

from insights.search import plan_search
from storage.db import create_db_engine, session_factory
from storage.search_index import SearchIndex

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/podbrief_load"
WARM_UP_QUERIES = 20


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    engine = create_db_engine(args.database_url)
    if engine.dialect.name != "postgresql":
        print("this benchmark is about PostgreSQL's plans; give a postgresql+psycopg:// URL", file=sys.stderr)
        return 2
    sessions = session_factory(engine)
    steered = {"statements": 0}

    @event.listens_for(engine, "before_cursor_execute")
    def _count_steered(conn: Any, cursor: Any, statement: str, *rest: Any) -> None:
        if "ORDER BY id + 0" in statement:
            steered["statements"] += 1

    variants = {"before": SearchIndex(engine, sort_few_matches=False), "after": SearchIndex(engine)}
    queries = [q["query"] for q in make_queries(engine, args.queries + WARM_UP_QUERIES, args.seed)]
    warm_up, queries = queries[:WARM_UP_QUERIES], queries[WARM_UP_QUERIES:]
    for index in variants.values():
        with sessions() as session:
            vocabulary = index.vocabulary(session)
        for query in queries:  # expand every word now: the timings then differ only by the plans
            plan_search(query, vocabulary)
        for query in warm_up:
            with sessions() as session:
                index.search(session, query, limit=5)

    # Both vocabularies and their expansions are long-lived: keep the collector from walking
    # them in the middle of some query (a ~80 ms pause that would land on one variant only).
    gc.collect()
    gc.freeze()
    loads = [load_average()]
    timings: dict[str, list[float]] = {name: [] for name in variants}
    found: dict[str, list[list[int]]] = {name: [] for name in variants}
    steered_queries: list[bool] = []
    started_all = time.perf_counter()
    for i, query in enumerate(queries):
        order = ["before", "after"] if i % 2 == 0 else ["after", "before"]
        for name in order:
            before_count = steered["statements"]
            started = time.perf_counter()
            with sessions() as session:
                result = variants[name].search(session, query, limit=5)
            timings[name].append(time.perf_counter() - started)
            found[name].append([m.insight.id for m in result.matches])
            if name == "after":
                steered_queries.append(steered["statements"] > before_count)
    wall = time.perf_counter() - started_all
    loads.append(load_average())
    engine.dispose()

    differ = [q for q, a, b in zip(queries, found["before"], found["after"], strict=True) if a != b]
    print(f"{len(queries)} queries (seed {args.seed}) on {engine.url.database}, {wall:.0f} s; "
          f"load average (1 min) {loads[0][0]} -> {loads[1][0]}")
    print(f"steered to the GIN index: {sum(steered_queries)} of {len(queries)} queries; "
          f"results identical: {len(queries) - len(differ)} of {len(queries)}")
    print(f"{'':8}{'p50':>9}{'p95':>9}{'p99':>9}{'mean':>9}{'max':>9}  (ms)")
    for name in variants:
        s = latency_summary(timings[name])
        print(f"{name:8}" + "".join(f"{s[k]:9.1f}" for k in ("p50_ms", "p95_ms", "p99_ms", "mean_ms", "max_ms")))
    for name in variants:
        print(f"\n{args.slowest} slowest {name}: {'before':>9}{'after':>9}  steered  query")
        slowest = sorted(range(len(queries)), key=lambda j: -timings[name][j])[: args.slowest]
        for j in slowest:
            print(f"{'':21}{timings['before'][j] * 1000:9.1f}{timings['after'][j] * 1000:9.1f}  "
                  f"{'yes' if steered_queries[j] else 'no':7}  {queries[j]!r}")
    for query in differ[:10]:
        print(f"DIFFERENT RESULTS: {query!r}")
    return 1 if differ else 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help="an analysed PostgreSQL database (only read)")
    parser.add_argument("--queries", type=int, default=300, help="timed queries (after 20 warm-up queries)")
    parser.add_argument("--seed", type=int, default=42, help="query seed, as in search_bench.py")
    parser.add_argument("--slowest", type=int, default=20, help="how many of the slowest queries to list")
    return parser


if __name__ == "__main__":
    sys.exit(main())
