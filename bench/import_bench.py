"""Import benchmark: the wall time of the real `podbrief import FILE` command, against targets.

For each size, a synthetic JSON Lines file is written from `bench/corpus.py` (cached under
`--data-dir`), with a few bad lines and repeated rows mixed in (so validation, per-line errors
and duplicate detection are on the timed path). Then `.venv/bin/podbrief import FILE` is run as
a subprocess against a fresh database (a new SQLite file, or a new PostgreSQL database) and its
whole wall time is measured: start-up, migrations, parsing, writing, the full-text index
(and its CPU time, with its file-reading process: steadier than the wall time when the machine is shared). After
it returns, the stored rows are counted and a search through `podbrief search` must find an
insight (the index is searchable when the command returns).

With `--baseline-tree DIR` (a `git worktree` of an older commit), the same file is imported by
that tree's code too (`python -c 'from bot.cli import main'`, the entry point at eb1d1b1,
with PYTHONPATH=DIR), in the same run, so the figure and the baseline are printed side by side.

    .venv/bin/python bench/import_bench.py --sizes 100000 1000000
    .venv/bin/python bench/import_bench.py --sizes 100000 --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test
    git worktree add /tmp/pb/base eb1d1b1
    .venv/bin/python bench/import_bench.py --sizes 100000 --baseline-tree /tmp/pb/base
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from corpus import Corpus

ROOT = Path(__file__).resolve().parent.parent
PODBRIEF = ROOT / ".venv" / "bin" / "podbrief"
PYTHON = ROOT / ".venv" / "bin" / "python"
TARGET_SQLITE_PER_S = 20_000
TARGET_POSTGRES_PER_S = 10_000
#: Of every this many lines, one is a bad record and one repeats an earlier row.
BAD_EVERY = 1_000


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; exit status 1 when a target is missed."""
    args = _parser().parse_args(argv)
    args.data_dir.mkdir(parents=True, exist_ok=True)
    ok = True
    results = []
    for size in args.sizes:
        path = corpus_file(args.data_dir, size, args.seed)
        expected = _expected(path)
        target = TARGET_POSTGRES_PER_S if args.database_url else TARGET_SQLITE_PER_S
        runs: dict[str, dict[str, Any]] = {}
        trees = [("this tree", None)] + ([("baseline", args.baseline_tree)] if args.baseline_tree else [])
        for label, tree in trees:
            for _attempt in range(2):  # a command that fails to start (no summary) is tried once more
                with _fresh_database(args.database_url) as url:
                    runs[label] = run_import(path, url, tree, expected)
                if "rows read" in runs[label]["summary"]:
                    break
        result = {"size": size, "backend": "postgresql" if args.database_url else "sqlite", "target": target,
                  "expected": expected, "runs": runs}
        results.append(result)
        print(_table(result), flush=True)
        ok = ok and runs["this tree"]["rows_per_second"] >= target and runs["this tree"]["correct"]
    if not args.no_json:
        out = ROOT / "bench" / "results" / f"import_bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(results, indent=2))
        print(f"results: {out}")
    return 0 if ok else 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--database-url", help="a PostgreSQL server URL (a fresh database is made on it)")
    parser.add_argument("--baseline-tree", type=Path, help="a worktree of the old code, imported in the same run")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "podbrief-import-bench")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/import_bench-*.json")
    return parser


def corpus_file(directory: Path, size: int, seed: int) -> Path:
    """The JSON Lines file of `size` lines for `seed` (written once, then reused)."""
    path = directory / f"insights-{size}-{seed}.jsonl"
    if path.exists():
        return path
    rng = random.Random(seed)
    partial = path.with_suffix(".partial")
    earlier: list[str] = []
    with partial.open("w", encoding="utf-8") as out:
        for number, item in enumerate(Corpus(size, seed=seed).insights(), start=1):
            if number % BAD_EVERY == 0:  # a bad record: validation reports it by line
                out.write(json.dumps({"text": "", "podcast": item.podcast, "start_seconds": "soon"}) + "\n")
                continue
            if number % BAD_EVERY == 500 and earlier:  # a repeat: duplicate detection skips it
                out.write(rng.choice(earlier))
                continue
            line = json.dumps({
                "text": item.text, "podcast": item.podcast, "episode": item.episode, "url": item.url,
                "audio_url": item.audio_url, "start_seconds": item.start_seconds,
                "published_at": item.published_at.isoformat() if item.published_at else None,
                "topics": list(item.topics),
            }, ensure_ascii=False) + "\n"
            if len(earlier) < 1000:
                earlier.append(line)
            out.write(line)
    partial.rename(path)
    return path


def _expected(path: Path) -> dict[str, int]:
    """What a correct import of `path` reports: lines, bad lines, and distinct texts."""
    from insights.text import words, words_hash

    lines = bad = 0
    digests: set[bytes] = set()
    with path.open(encoding="utf-8") as file:
        for line in file:
            lines += 1
            text = json.loads(line)["text"]
            if not text:
                bad += 1
            else:
                digests.add(words_hash(words(text)))
    return {"read": lines, "invalid": bad, "added": len(digests)}


def run_import(path: Path, url: str, tree: Path | None, expected: dict[str, int]) -> dict[str, Any]:
    """Time `podbrief import path` (this tree's, or `tree`'s) against the database `url`."""
    command, env, cwd = _podbrief(url, tree, "import", str(path))
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    # The command's own CPU (with its file-reading process; not a database server's): steadier than
    # the wall time on a shared machine.
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    load_after = os.getloadavg()[0]
    summary = next((line for line in done.stdout.splitlines() if "rows read" in line), done.stdout.strip()[-300:])
    stored = _count(url)
    found = _search_finds(url, path, tree)
    correct = stored == expected["added"] and f"{expected['invalid']} skipped" in summary and found
    rows = expected["read"]
    return {
        "wall_seconds": wall, "rows_per_second": rows / wall, "cpu_seconds": cpu, "exit_status": done.returncode,
        "summary": summary, "stored": stored, "search_found": found, "correct": correct,
        "load_before": load_before, "load_after": load_after,
        "stderr_tail": done.stderr.strip().splitlines()[-3:] if "rows read" not in summary else [],
    }


def _podbrief(url: str, tree: Path | None, *args: str) -> tuple[list[str], dict[str, str], str]:
    """The command line, environment and folder running `podbrief ARGS` of this tree or of `tree`
    (whose entry point is `bot.cli.main`, as at eb1d1b1)."""
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    if tree is None:
        return [str(PODBRIEF), *args], env, str(ROOT)
    env["PYTHONPATH"] = str(tree)
    return [str(PYTHON), "-c", "import sys; from bot.cli import main; sys.argv[0] = 'podbrief'; main()", *args], \
        env, str(tree)


def _count(url: str) -> int:
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import DBAPIError

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(text("SELECT count(*) FROM insights")) or 0)
    except DBAPIError:  # the command failed before creating the table
        return -1
    finally:
        engine.dispose()


def _search_finds(url: str, path: Path, tree: Path | None) -> bool:
    """`podbrief search` (of the tree that imported) finds the last line's insight by its three longest words."""
    with path.open("rb") as file:
        file.seek(max(0, path.stat().st_size - 4000))
        last = [json.loads(line) for line in file.read().splitlines()[1:] if line.strip()]
    text = next(r["text"] for r in reversed(last) if r["text"])
    query = " ".join(sorted((w.strip(".,?!") for w in text.split()), key=len)[-3:])
    command, env, cwd = _podbrief(url, tree, "search", query, "--json", "--limit", "100")
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, check=False)
    try:
        return any(m["text"] == text for m in json.loads(done.stdout))
    except ValueError:
        return False


@contextmanager
def _fresh_database(server_url: str | None) -> Iterator[str]:
    if server_url is None:
        with tempfile.TemporaryDirectory(prefix="podbrief-import-") as directory:
            yield f"sqlite:///{directory}/podbrief.db"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"podbrief_import_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _table(result: dict[str, Any]) -> str:
    lines = [f"\npodbrief import, {result['size']:,} lines, {result['backend']} "
             f"(expected: {result['expected']['added']:,} added, {result['expected']['invalid']:,} skipped)"]
    lines.append(f"{'':12} {'wall':>9} {'rows/s':>9} {'target':>9} {'CPU':>8}  {'load 1m':>11}  correct  summary")
    for label, run in result["runs"].items():
        met = "" if label != "this tree" else ("ok" if run["rows_per_second"] >= result["target"] else "MISSED")
        lines.append(
            f"{label:12} {run['wall_seconds']:8.1f}s {run['rows_per_second']:9,.0f} {result['target']:>9,} "
            f"{run['cpu_seconds']:7.1f}s"
            f" {run['load_before']:4.1f} -> {run['load_after']:4.1f}  {'yes' if run['correct'] else 'NO':7}  "
            f"{run['summary'][-90:]} {met}"
        )
        lines.extend(f"    {line}" for line in run["stderr_tail"])
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
