"""Hostile feed bodies through the real `parse_feed`: time and peak memory per body.

    .venv/bin/python bench/hostile_feeds_bench.py                    # this checkout
    .venv/bin/python bench/hostile_feeds_bench.py --source /tmp/old  # another tree (e.g. `git archive` of a commit)
    .venv/bin/python bench/hostile_feeds_bench.py --cases comment-40k billion-laughs

Each body is parsed in its own child process, under an address-space limit and a timeout,
so a body that blows up cannot take the machine with it: the row then says "out of
memory" or "timed out". The target (issue #10): every body up to the fetch size cap ends
in <= 5 s and <= 100 MB more than the child had before parsing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures" / "feeds"
SIZE_CAP = 10_000_000
SECONDS_TARGET = 5.0
GROWTH_TARGET_MB = 100.0
_ITEM = '<item><title>{title}</title><description>{notes}</description></item>'


def _rss(prolog: str, notes: str, size: int) -> bytes:
    """`prolog` + an RSS feed whose single item's description repeats `notes` up to about `size` bytes."""
    frame = prolog + '<rss version="2.0"><channel><title>t</title>' + _ITEM + "</channel></rss>"
    repeats = max(1, (size - len(frame)) // len(notes))
    return frame.format(title="x", notes=notes * repeats).encode()


def hidden_in_comment(size: int) -> bytes:
    """The issue's attack: a DOCTYPE with an entity inside a comment, referenced all through the body."""
    prolog = '<?xml version="1.0"?>\n<!--\n<!DOCTYPE x [\n<!ENTITY a "' + "A" * 1000 + '">\n]> -->\n'
    return _rss(prolog, "&a;", size)


def hidden_in_pi(size: int) -> bytes:
    prolog = '<?xml version="1.0"?>\n<?note \n<!DOCTYPE x [\n<!ENTITY a "' + "A" * 1000 + '">\n]> ?>\n'
    return _rss(prolog, "&a;", size)


def hidden_after_malformed_comment(size: int) -> bytes:
    """A comment that is not well-formed (`--` inside), then the hidden declaration."""
    prolog = '<?xml version="1.0"?>\n<!-- a -- b -->\n<!--\n<!DOCTYPE x [\n<!ENTITY a "' + "A" * 1000 + '">\n]> -->\n'
    return _rss(prolog, "&a;", size)


def billion_laughs(_: int) -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    return _rss('<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(levels) + "\n]>\n", "&lol9;", 1000)


def quadratic_blowup(size: int) -> bytes:
    return _rss('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + "A" * 100_000 + '">]>\n', "&a;", size)


def external_entity(_: int) -> bytes:
    return _rss('<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n', "&x;", 1000)


def utf7_doctype(size: int) -> bytes:
    """The declaration and entity spelled in UTF-7, which a parser honouring the declaration decodes."""
    prolog = '<!DOCTYPE x [<!ENTITY a "' + "A" * 1000 + '">]>'
    head = b'<?xml version="1.0" encoding="UTF-7"?>' + prolog.encode("utf-7")
    return head + _rss("", "&a;", size - len(head))


def undefined_references(size: int) -> bytes:
    """No DTD at all, only millions of references to an entity nobody declared (not well-formed)."""
    return _rss("", "&a;", size)


def deep_nesting(size: int) -> bytes:
    depth = (size - 200) // 7
    return ('<rss version="2.0"><channel><title>t</title><item><description>' + "<a>" * depth
            + "</a>" * depth + "</description></item></channel></rss>").encode()[:size]


def many_tiny_items(size: int) -> bytes:
    item = "<item><title>e</title><guid>g{0}</guid></item>"
    count = (size - 100) // len(item.format(100000))
    return ('<rss version="2.0"><channel><title>t</title>' + "".join(item.format(i) for i in range(count))
            + "</channel></rss>").encode()


def real_feed_at_cap(size: int) -> bytes | None:
    """A real feed's items repeated up to the cap: what an honest but enormous feed costs."""
    path = FIXTURES / "pc20rss.xml"
    if not path.exists():
        return None
    body = path.read_bytes()
    head, rest = body.split(b"<item>", 1)
    items = b"<item>" + rest.rsplit(b"</channel>", 1)[0]
    return head + items * ((size - len(head) - 20) // len(items)) + b"</channel></rss>"


CASES: dict[str, tuple[Callable[[int], bytes | None], int]] = {
    "comment-40k": (hidden_in_comment, 40_000),
    "comment-200k": (hidden_in_comment, 200_000),
    "comment-360k": (hidden_in_comment, 360_000),
    "comment-at-cap": (hidden_in_comment, SIZE_CAP),
    "pi-200k": (hidden_in_pi, 200_000),
    "malformed-comment-200k": (hidden_after_malformed_comment, 200_000),
    "utf7-200k": (utf7_doctype, 200_000),
    "billion-laughs": (billion_laughs, 0),
    "quadratic-blowup": (quadratic_blowup, 250_000),
    "external-entity": (external_entity, 0),
    "undefined-refs-at-cap": (undefined_references, SIZE_CAP),
    "deep-nesting-at-cap": (deep_nesting, SIZE_CAP),
    "many-tiny-items-at-cap": (many_tiny_items, SIZE_CAP),
    "real-feed-at-cap": (real_feed_at_cap, SIZE_CAP),
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(case: str, source: str) -> None:
    """Parse one body and print one JSON line: outcome, seconds, peak RSS growth."""
    sys.path.insert(0, source)
    from ingest.feeds import parse_feed  # noqa: PLC0415 - imported from the tree under test

    make, size = CASES[case]
    body = make(size)
    if body is None:
        print(json.dumps({"skipped": "fixtures absent"}))
        return
    before = rss_mb()
    started = time.monotonic()
    try:
        feed = parse_feed(body)
        outcome = f"parsed: {len(feed.episodes)} episodes, longest notes {max((len(e.show_notes_html) for e in feed.episodes), default=0):,} chars"
    except ValueError as error:  # FeedError and its kinds: refused with a reason
        outcome = f"refused: {error}"
    except MemoryError:
        outcome = "out of memory"
    print(json.dumps({"bytes": len(body), "outcome": outcome, "seconds": time.monotonic() - started,
                      "growth_mb": rss_mb() - before, "peak_mb": rss_mb()}))


def run(case: str, source: Path, timeout: float, memory_mb: int) -> dict[str, object]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))

    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, __file__, "--child", case, "--source", str(source)], capture_output=True,
                              text=True, timeout=timeout, preexec_fn=limit, check=False)  # noqa: PLW1509 - rlimit only
    except subprocess.TimeoutExpired:
        return {"outcome": f"timed out after {timeout:g} s", "seconds": time.monotonic() - started}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if lines:
        return json.loads(lines[-1])
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    words = "out of memory" if "MemoryError" in done.stderr or done.returncode < 0 else tail[:120]
    return {"outcome": f"{words} (exit {done.returncode}, {memory_mb} MB limit)", "seconds": time.monotonic() - started}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT), help="the project tree whose ingest.feeds is measured")
    parser.add_argument("--cases", nargs="*", choices=list(CASES), default=list(CASES))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a child is stopped")
    parser.add_argument("--memory-mb", type=int, default=1500, help="address-space limit per child")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.source)
        return
    print(f"source {args.source} · load {os.getloadavg()[0]:.2f} · targets <= {SECONDS_TARGET:g} s, "
          f"<= {GROWTH_TARGET_MB:g} MB growth")
    print(f"{'case':<24} {'bytes':>11} {'seconds':>8} {'growth MB':>10} {'ok':>3}  outcome")
    for case in args.cases:
        row = run(case, Path(args.source), args.timeout, args.memory_mb)
        if "skipped" in row:
            print(f"{case:<24} skipped: {row['skipped']}")
            continue
        seconds, growth = float(row["seconds"]), row.get("growth_mb")  # type: ignore[arg-type]
        ok = growth is not None and seconds <= SECONDS_TARGET and float(growth) <= GROWTH_TARGET_MB  # type: ignore[arg-type]
        grown = f"{float(growth):10.1f}" if growth is not None else f"{'-':>10}"  # type: ignore[arg-type]
        print(f"{case:<24} {row.get('bytes', '-'):>11} {seconds:8.2f} {grown} {'yes' if ok else 'NO':>3}  "
              f"{str(row['outcome'])[:150]}", flush=True)


if __name__ == "__main__":
    main()
