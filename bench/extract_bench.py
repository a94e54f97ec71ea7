"""Extraction benchmark: episodes per second through parse + extract, on real transcripts.

    .venv/bin/python bench/extract_bench.py                 # 50 rounds per transcript
    .venv/bin/python bench/extract_bench.py --repeat 200

Reads the shared fixtures (../shared/fixtures/transcripts, or --fixtures DIR) once,
then times `parse_transcript` + `extract_insights` on the bytes in memory, one episode
at a time, after one warm-up round. Skips with a message when the fixtures are absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ingest.transcripts import parse_transcript  # noqa: E402
from insights.extraction import extract_insights  # noqa: E402

DEFAULT_FIXTURES = REPO.parent / "shared" / "fixtures" / "transcripts"
#: (file, kind): the long Changelog conversation (Markdown) and the Buzzsprout episode (SRT, HTML).
TRANSCRIPTS = [
    ("changelog-brain-science-1.md", "text"),
    ("buzzsprout-example.srt", "srt"),
    ("buzzsprout-example.html", "html"),
]


def main(argv: list[str] | None = None) -> int:
    """Print one row per transcript found; 0 also when none is (skipped)."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=50, help="timed rounds per transcript (default 50)")
    parser.add_argument("--limit", type=int, default=6, help="insights per episode (default 6)")
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES, help="folder holding the transcripts")
    args = parser.parse_args(argv)
    found = [(args.fixtures / name, kind) for name, kind in TRANSCRIPTS if (args.fixtures / name).is_file()]
    if not found:
        print(f"skipped: no transcripts found in {args.fixtures} (the shared fixtures are absent)")
        return 0
    print(f"parse + extract, {args.repeat} rounds each, limit {args.limit}, one process, one thread")
    print(f"{'transcript':34} {'bytes':>7} {'segments':>8} {'insights':>8} {'parse ms':>9} {'extract ms':>10} "
          f"{'p95 ms':>7} {'episodes/s':>10}")  # fmt: skip
    for path, kind in found:
        print(_measure(path, kind, args.repeat, args.limit))
    return 0


def _measure(path: Path, kind: str, repeat: int, limit: int) -> str:
    """One table row: median parse and extract times, p95 of the total, and episodes per second."""
    data = path.read_bytes()
    segments = parse_transcript(data, kind)
    insights = extract_insights(segments, limit=limit)  # warm-up (caches, imports)
    parse_times: list[float] = []
    extract_times: list[float] = []
    for _ in range(max(1, repeat)):
        started = time.perf_counter()
        segments = parse_transcript(data, kind)
        parsed = time.perf_counter()
        extract_insights(segments, limit=limit)
        parse_times.append(parsed - started)
        extract_times.append(time.perf_counter() - parsed)
    totals = sorted(p + e for p, e in zip(parse_times, extract_times, strict=True))
    p95 = totals[min(len(totals) - 1, round(0.95 * (len(totals) - 1)))]
    per_second = len(totals) / sum(totals)
    return (
        f"{path.name:34} {len(data):>7,} {len(segments):>8} {len(insights):>8} "
        f"{statistics.median(parse_times) * 1000:>9.1f} {statistics.median(extract_times) * 1000:>10.1f} "
        f"{p95 * 1000:>7.1f} {per_second:>10.1f}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
