"""Embedding throughput through the queue (`podbrief meaning backfill`, the background worker) against
the model alone, on the same insights in one run (issue #13).

    .venv/bin/python bench/meaning_backfill_bench.py --insights 3000 --baseline-tree /tmp/base
    .venv/bin/python bench/meaning_backfill_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

One database (a fresh SQLite file, or a fresh database created on the PostgreSQL server and
dropped afterwards) gets `--insights` synthetic insights (bench/corpus.py), plus `--pre-embedded`
newer ones given a current-model vector before anything is timed (a backfill already that deep).
Then, each in its own process (its own peak RSS), on the same waiting insights: the model alone
(the encoder on every text at once), and `ingest.meaning.backfill.backfill` (what the CLI and the
scheduler's embedding job run: claim, embed, store) of `--baseline-tree` (e.g. `git worktree add
/tmp/base HEAD`) and of this tree, the vectors they stored deleted between runs. Each line gives
wall rate, CPU seconds per insight (steadier than the rate on a busy machine), the share of the
wall time spent in the model, peak RSS and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TREE = HERE.parent
MILLION = 1_000_000


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


class TimedEncoder:
    """The real encoder, counting the wall seconds spent in it."""

    def __init__(self, encoder: Any) -> None:
        self.encoder = encoder
        self.model_id = encoder.model_id
        self.batch_size = encoder.batch_size
        self.dimension = encoder.dimension
        self.seconds = 0.0

    def __call__(self, texts: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.encoder(texts)
        finally:
            self.seconds += time.perf_counter() - started


def phase(kind: str, url: str) -> dict[str, Any]:
    """In a child process whose sys.path starts with the tree measured."""
    from sqlalchemy import select

    from ingest.meaning import load_encoder
    from storage.db import create_db_engine, session_factory
    from storage.models import InsightRow, InsightVector

    engine = create_db_engine(url)
    sessions = session_factory(engine)
    encoder = load_encoder()
    table = InsightVector.__table__
    with sessions() as session:
        texts = list(session.scalars(
            select(InsightRow.text).outerjoin(table, table.c.insight_id == InsightRow.id)
            .where(table.c.insight_id.is_(None)).order_by(InsightRow.id.desc())
        ))
    encoder(texts[:32])  # warm up (untimed)
    load_before = _load()
    cpu, started = time.process_time(), time.perf_counter()
    if kind == "model":
        encoder(texts)
        done, model_seconds = len(texts), None
    else:
        from ingest.meaning.backfill import backfill

        timed = TimedEncoder(encoder)
        result = backfill(sessions, timed)
        done, model_seconds = result.embedded, timed.seconds
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    engine.dispose()
    return {"kind": kind, "texts": len(texts), "done": done, "wall": wall, "cpu": cpu, "model_seconds": model_seconds,
            "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "load_before": load_before, "load_after": _load()}


def _child(kind: str, url: str, tree: Path) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, __file__, "--phase", kind, "--database-url", url, "--tree", str(tree)],
                         cwd=tree, env=env, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _prepare(url: str, insights: int, pre_embedded: int) -> None:
    sys.path.insert(0, str(HERE))
    import numpy as np
    from corpus import Corpus
    from sqlalchemy import select

    from ingest.meaning import DIMENSION, MODEL_ID
    from storage.db import create_db_engine, migrate, session_factory
    from storage.insights_store import InsightWriter
    from storage.models import InsightRow, InsightVector

    engine = create_db_engine(url)
    migrate(engine)
    sessions = session_factory(engine)
    stream = Corpus(insights + pre_embedded, seed=13).insights()
    while chunk := list(islice(stream, 50_000)):
        with sessions.begin() as session:
            InsightWriter(session).add(chunk)
    if pre_embedded:
        blob = np.full(DIMENSION, 1 / DIMENSION**0.5, dtype="<f2").tobytes()
        with sessions.begin() as session:
            ids = list(session.scalars(select(InsightRow.id).order_by(InsightRow.id.desc()).limit(pre_embedded)))
            for start in range(0, len(ids), 20_000):
                session.execute(InsightVector.__table__.insert(), [
                    {"insight_id": i, "model_id": MODEL_ID, "vector": blob, "stored_at": datetime(2000, 1, 1, tzinfo=UTC)}
                    for i in ids[start : start + 20_000]])
    engine.dispose()


def _reset(url: str) -> None:
    """Delete the vectors a backfill stored (the pre-embedded ones, stored in 2000, stay)."""
    from sqlalchemy import delete, or_

    from storage.db import create_db_engine
    from storage.models import InsightVector

    engine = create_db_engine(url)
    table = InsightVector.__table__
    with engine.begin() as connection:
        connection.execute(delete(table).where(or_(table.c.stored_at.is_(None),
                                                   table.c.stored_at > datetime(2001, 1, 1, tzinfo=UTC))))
    engine.dispose()


def _line(label: str, r: dict[str, Any], model_rate: float | None = None) -> str:
    rate = r["done"] / r["wall"]
    hours = MILLION / rate / 3600
    share = f", {r['model_seconds'] / r['wall']:.0%} of it in the model" if r["model_seconds"] is not None else ""
    against = f" ({rate / model_rate:.0%} of the model alone)" if model_rate else ""
    return (f"{label:<24} {r['done']:>6,} in {r['wall']:6.1f} s = {rate:5.1f}/s{against}, "
            f"{1000 * r['cpu'] / r['done']:.0f} ms CPU each{share}; 1M: {hours:.1f} h; "
            f"peak RSS {r['rss_mb']:.0f} MB; load {r['load_before']} -> {r['load_after']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--insights", type=int, default=3000, help="insights waiting to be embedded")
    parser.add_argument("--pre-embedded", type=int, default=0, help="newer insights already embedded (a deep backfill)")
    parser.add_argument("--database-url", help="a PostgreSQL server (a fresh database is made on it); default SQLite")
    parser.add_argument("--baseline-tree", type=Path, help="another checkout whose backfill is measured first")
    parser.add_argument("--phase", choices=("model", "queue"), help=argparse.SUPPRESS)
    parser.add_argument("--tree", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.database_url)))
        return
    sys.path.insert(0, str(TREE))
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin, name = None, f"podbrief_bench_backfill_{uuid.uuid4().hex[:8]}"
    if args.database_url:
        admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.database_url).set(database=name).render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='podbrief-backfill-')}/bench.sqlite3"
    try:
        started = time.perf_counter()
        _prepare(url, args.insights, args.pre_embedded)
        print(f"{make_url(url).get_backend_name()}: {args.insights:,} insights waiting, {args.pre_embedded:,} newer "
              f"ones embedded already (prepared in {time.perf_counter() - started:.0f} s); 2 shared cores, "
              f"load {_load()}", flush=True)
        model = _child("model", url, TREE)
        model_rate = model["done"] / model["wall"]
        print(_line("model alone", model), flush=True)
        if args.baseline_tree:
            print(_line("queue, baseline tree", _child("queue", url, args.baseline_tree.resolve()), model_rate),
                  flush=True)
            _reset(url)
        print(_line("queue, this tree", _child("queue", url, TREE), model_rate), flush=True)
    finally:
        if admin is not None:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
