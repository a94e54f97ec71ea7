"""Search & import benchmark: synthetic corpus -> InsightWriter -> SearchIndex, against targets.

    .venv/bin/python bench/search_bench.py --sizes 100000 1000000
    .venv/bin/python bench/search_bench.py --sizes 20000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/search_bench.py --sizes 20000 100000 --meaning   # also hybrid (the meaning extra)

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

#: The targets, checked in the table.
TARGET_P95_MS = 50.0
TARGET_SPEEDUP = 100.0
TARGET_IMPORT_PER_S = 20_000
TARGET_RSS_MB = 500.0
TARGET_HYBRID_P95_MS = 60.0  # issue 13, at 1M insights


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.phase:
        return _run_phase(args)
    summaries = []
    for size in args.sizes:
        with _fresh_database(args.database_url, size, args.keep) as url:
            print(f"\n== {size:,} insights on {_backend(url)} ==", file=sys.stderr, flush=True)
            summary = _run_size(url, size, args)
        print(_table(summary), flush=True)
        summaries.append(summary)
    if not args.no_json:
        out = BENCH / "results" / f"search_bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(summaries, indent=2, default=str))
        print(f"\nJSON summary: {out.relative_to(BENCH.parent)}")
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000], help="corpus sizes")
    parser.add_argument(
        "--database-url",
        help="PostgreSQL server URL (a fresh database is created beside it and dropped); "
        "default: a fresh SQLite file in a temporary directory",
    )
    parser.add_argument("--queries", type=int, default=300, help="timed search queries (default 300)")
    parser.add_argument("--baseline-queries", type=int, default=20, help="queries for the raw scan (default 20)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the SQLite file (its path is printed)")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/*.json")
    parser.add_argument("--meaning", action="store_true",
                        help="also time hybrid search with the meaning extra (see bench/meaning_search.py)")
    parser.add_argument("--embed-sample", type=int, default=2048,
                        help="insights the real model embeds through the queue, for the rates (default 2048)")
    parser.add_argument("--phase", choices=["import", "search", "baseline", "meaning"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--io", help=argparse.SUPPRESS)
    return parser


def _run_phase(args: argparse.Namespace) -> int:
    import measure

    io = Path(args.io)
    if args.phase == "import":
        result = measure.run_import(args.url, args.size, args.seed)
    elif args.phase == "search":
        result = measure.run_search(args.url, args.queries, args.seed)
    elif args.phase == "meaning":
        from meaning_search import run_meaning

        result = run_meaning(args.url, args.queries, args.seed, args.embed_sample)
    else:
        result = measure.run_baseline(args.url, json.loads(io.read_text()))
    io.write_text(json.dumps(result, default=str))
    return 0


def _phase(name: str, url: str, args: argparse.Namespace, size: int, payload: Any = None) -> dict[str, Any]:
    """Run one phase in a child process (its own peak RSS) and read back its JSON."""
    with tempfile.NamedTemporaryFile("w+", suffix=".json", delete=False) as handle:
        io = Path(handle.name)
    try:
        if payload is not None:
            io.write_text(json.dumps(payload))
        command = [sys.executable, str(Path(__file__).resolve()), "--phase", name, "--url", url]
        command += ["--size", str(size), "--seed", str(args.seed), "--queries", str(args.queries), "--io", str(io)]
        command += ["--embed-sample", str(args.embed_sample)]
        subprocess.run(command, check=True)
        return json.loads(io.read_text())
    finally:
        io.unlink(missing_ok=True)


def _run_size(url: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    imported = _phase("import", url, args, size)
    searched = _phase("search", url, args, size)
    subset = [q["query"] for q in searched.pop("queries")[: args.baseline_queries]]
    baseline = _phase("baseline", url, args, size, payload=subset)
    meaning = _phase("meaning", url, args, size) if args.meaning else None
    return {
        "meaning": meaning,
        "size": size,
        "backend": _backend(url),
        "import": imported,
        "search": searched,
        "baseline": baseline,
        "speedup_p50": baseline["p50_ms"] / searched["p50_ms"],
        "speedup_p95": baseline["p95_ms"] / searched["p95_ms"],
    }


def _backend(url: str) -> str:
    return "SQLite" if url.startswith("sqlite") else "PostgreSQL"


@contextmanager
def _fresh_database(server_url: str | None, size: int, keep: bool) -> Iterator[str]:
    if server_url is None:
        directory = tempfile.mkdtemp(prefix="podbrief-bench-")
        path = Path(directory) / f"bench-{size}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            if keep:
                print(f"kept {path}", file=sys.stderr)
            else:
                for leftover in Path(directory).iterdir():
                    leftover.unlink()
                Path(directory).rmdir()
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"podbrief_bench_{size}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _loads(phase: dict[str, Any]) -> str:
    """The 1-minute load average before -> after a phase (on 2 cores, above 2 means contention)."""
    return f"{phase['load_average_before'][0]:.1f} -> {phase['load_average_after'][0]:.1f}"


def _scoped_row(srch: dict[str, Any]) -> list[tuple[str, str, str, bool | None]]:
    """A workspace searching only its own feeds (absent from results of earlier versions)."""
    scoped = srch.get("scoped")
    if not scoped:
        return []
    return [(f"  one workspace's feeds ({scoped['visible_share']:.0%} of insights) p50 / p95 / p99",
             f"{scoped['p50_ms']:,.1f} / {scoped['p95_ms']:,.1f} / {scoped['p99_ms']:,.1f} ms",
             f"p95 <= {TARGET_P95_MS:.0f} ms", scoped["p95_ms"] <= TARGET_P95_MS)]


def _meaning_rows(m: dict[str, Any] | None) -> list[tuple[str, str, str, bool | None]]:
    """Hybrid search with the meaning extra (absent without --meaning)."""
    if not m:
        return []
    hours = m["backfill_hours_for_corpus"]
    return [
        (f"hybrid search p50 / p95 / p99 (n={m['count']})", f"{m['p50_ms']:,.1f} / {m['p95_ms']:,.1f} / {m['p99_ms']:,.1f} ms",
         f"p95 <= {TARGET_HYBRID_P95_MS:.0f} ms", m["p95_ms"] <= TARGET_HYBRID_P95_MS),
        ("  lexical, same queries interleaved, p50 / p95 / p99",
         f"{m['lexical']['p50_ms']:,.1f} / {m['lexical']['p95_ms']:,.1f} / {m['lexical']['p99_ms']:,.1f} ms", "", None),
        ("  meaning side alone: prefilter p50 / p95 against every cosine p50 / p95",
         f"{m['dense_only']['prefilter']['p50_ms']:,.1f} / {m['dense_only']['prefilter']['p95_ms']:,.1f} ms against "
         f"{m['dense_only']['exact']['p50_ms']:,.1f} / {m['dense_only']['exact']['p95_ms']:,.1f} ms", "", None),
        ("  exact top 10 kept by the prefilter", f"{m['dense_only']['recall_at_10']:.0%}", "", None),
        ("  vector arrays in memory", f"{m['dense_bytes'] / 2**20:,.0f} MB", "", None),
        ("  of which the query's embedding p50 / p95",
         f"{m['query_embedding']['p50_ms']:,.1f} / {m['query_embedding']['p95_ms']:,.1f} ms", "", None),
        ("  one workspace's feeds p50 / p95 / p99",
         f"{m['scoped']['p50_ms']:,.1f} / {m['scoped']['p95_ms']:,.1f} / {m['scoped']['p99_ms']:,.1f} ms", "", None),
        ("  load average (1 min) during hybrid", _loads(m), "", None),
        ("  vectors loaded into memory", f"{m['dense_load_seconds']:,.1f} s ({m['synthetic_vectors']:,} synthetic)", "", None),
        ("  peak RSS with the model and vectors", f"{m['peak_rss_mb']:,.0f} MB", "", None),
        ("embedding throughput (model only)", f"{m['encode_per_second']:,.0f} texts/s", "", None),
        (f"backfill rate (queue, n={m['backfill_sample']:,})", f"{m['backfill_per_second']:,.0f} insights/s"
         + (f", {hours:,.1f} h for this corpus" if hours else ""), "", None),
        ("  model load", f"{m['model_load_seconds']:,.1f} s", "", None),
    ]


def _table(s: dict[str, Any]) -> str:
    imp, srch, base = s["import"], s["search"], s["baseline"]
    cold = srch["cold"]
    rss = max(imp["peak_rss_mb"], srch["peak_rss_mb"])
    rows = [
        ("import throughput", f"{imp['insights_per_second']:,.0f} insights/s", f">= {TARGET_IMPORT_PER_S:,}/s",
         imp["insights_per_second"] >= TARGET_IMPORT_PER_S),
        ("  import time (writes only)", f"{imp['write_seconds']:,.1f} s", "", None),
        ("  load average (1 min) during import", _loads(imp), "", None),
        ("database size", f"{imp['total_bytes'] / 2**20:,.1f} MB (WAL {imp['wal_bytes'] / 2**20:,.1f} MB)", "", None),
        ("vocabulary", f"{imp['vocabulary_terms']:,} terms", "", None),
        ("peak RSS import / search", f"{imp['peak_rss_mb']:,.0f} / {srch['peak_rss_mb']:,.0f} MB",
         f"<= {TARGET_RSS_MB:,.0f} MB", rss <= TARGET_RSS_MB),
        (f"search p50 / p95 / p99 (n={srch['count']})",
         f"{srch['p50_ms']:,.1f} / {srch['p95_ms']:,.1f} / {srch['p99_ms']:,.1f} ms",
         f"p95 <= {TARGET_P95_MS:.0f} ms", srch["p95_ms"] <= TARGET_P95_MS),
        ("  first-seen words p50 / p95 / p99",
         f"{cold['p50_ms']:,.1f} / {cold['p95_ms']:,.1f} / {cold['p99_ms']:,.1f} ms",
         f"p95 <= {TARGET_P95_MS:.0f} ms", cold["p95_ms"] <= TARGET_P95_MS),
        ("  load average (1 min) during search", _loads(srch), "", None),
        *_scoped_row(srch),
        ("  vocabulary first load", f"{srch['vocabulary_load_ms']:,.0f} ms", "", None),
        ("  with results / typo agrees", f"{srch['with_results']:.0%} / {srch['typo_top1_in_clean_top5']:.0%}", "", None),
        (f"raw scan p50 / p95 (n={base['count']})", f"{base['p50_ms']:,.0f} / {base['p95_ms']:,.0f} ms", "", None),
        ("speed-up p50 / p95", f"{s['speedup_p50']:,.0f}x / {s['speedup_p95']:,.0f}x", f">= {TARGET_SPEEDUP:.0f}x",
         min(s["speedup_p50"], s["speedup_p95"]) >= TARGET_SPEEDUP),
    ]
    rows += _meaning_rows(s.get("meaning"))
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    lines = [f"\n{s['size']:,} insights · {s['backend']} · {os.cpu_count()} CPUs", "-" * (width + value_width + 24)]
    for label, value, target, ok in rows:
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        lines.append(f"{label:<{width}}  {value:>{value_width}}  {target:<14}{mark}")
    lines.append("slowest: " + "; ".join(f"{q['query']!r} {q['ms']:.0f} ms" for q in srch["slowest"][:3]))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
