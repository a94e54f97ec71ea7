"""Hostile feed bodies through the real `parse_feed`: time and peak memory per body.

    .venv/bin/python bench/hostile_feeds_bench.py                    # this checkout
    .venv/bin/python bench/hostile_feeds_bench.py --source /tmp/old  # another tree (e.g. `git archive` of a commit)
    .venv/bin/python bench/hostile_feeds_bench.py --before /tmp/old  # that tree and this checkout, side by side
    .venv/bin/python bench/hostile_feeds_bench.py --cases comment-40k billion-laughs

Each body is parsed in its own child process, under an address-space limit and a timeout,
so a body that blows up cannot take the machine with it: the row then says "out of
memory" or "timed out". The target (issue #10): every body up to the fetch size cap ends
in <= 5 s and <= 100 MB more than the child had before parsing.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
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
    levels = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
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


def _real_items(size: int, oldest_first: bool) -> bytes | None:
    """pc20rss's first item repeated up to the cap, each with its own guid and date (a show of many years)."""
    path = FIXTURES / "pc20rss.xml"
    if not path.exists():
        return None
    body = path.read_bytes()
    head, rest = body.split(b"<item>", 1)
    first = b"<item>" + rest.split(b"</item>", 1)[0] + b"</item>"
    guid = first.split(b"<guid", 1)[1].split(b"</guid>", 1)[0].split(b">", 1)[1]
    published = first.split(b"<pubDate>", 1)[1].split(b"</pubDate>", 1)[0]
    count = (size - len(head) - 20) // (len(first) + 8)
    start = datetime(2001, 1, 1, 9, tzinfo=UTC)
    numbers = range(count) if oldest_first else reversed(range(count))
    items = (first.replace(b">" + guid + b"</guid>", b">real-%d</guid>" % n).replace(
        published, (start + timedelta(days=n)).strftime("%a, %d %b %Y %H:%M:%S +0000").encode()) for n in numbers)
    return head + b"".join(items) + b"</channel></rss>"


def real_newest_first(size: int) -> bytes | None:
    return _real_items(size, oldest_first=False)


def real_oldest_first(size: int) -> bytes | None:
    return _real_items(size, oldest_first=True)


def dense_html_notes(size: int) -> bytes:
    """Items whose notes are 100 KB of (escaped) HTML markup: the most work for feedparser's sanitizer."""
    notes = "&lt;p&gt;&lt;a href='https://x.example/'&gt;&lt;b&gt;x&lt;/b&gt;&lt;/a&gt;&lt;/p&gt;" * 1_500
    item = f"<item><title>e</title><guid>g{{0}}</guid><description>{notes}</description></item>"
    count = (size - 100) // len(item)
    return ('<rss version="2.0"><channel><title>t</title>' + "".join(item.format(i) for i in range(count))
            + "</channel></rss>").encode()


def attribute_heavy_html_notes(size: int) -> bytes:
    """Like `dense_html_notes`, each (escaped) tag carrying 20 attributes."""
    tag = "&lt;a " + " ".join(f"h{n}='v'" for n in range(20)) + "&gt;x&lt;/a&gt;"
    item = f"<item><title>e</title><guid>g{{0}}</guid><description>{tag * (100_000 // len(tag))}</description></item>"
    count = (size - 100) // len(item)
    return ('<rss version="2.0"><channel><title>t</title>' + "".join(item.format(i) for i in range(count))
            + "</channel></rss>").encode()


def deep_but_allowed(size: int) -> bytes:
    """Items nested 60 deep (just under the refusal), repeated to the cap."""
    item = "<item><title>e</title><guid>g{0}</guid>" + "<x>" * 58 + "t" + "</x>" * 58 + "</item>"
    count = (size - 100) // len(item)
    return ('<rss version="2.0"><channel><title>t</title>' + "".join(item.format(i) for i in range(count))
            + "</channel></rss>").encode()


def tiny_elements_in_items(size: int) -> bytes:
    """200 items of 3 KB, each of 750 empty elements: as many elements as the byte budget holds."""
    item = "<item><title>e</title><guid>g{0}</guid>" + "<x/>" * 750 + "</item>"
    count = (size - 100) // len(item)
    return ('<rss version="2.0"><channel><title>t</title>' + "".join(item.format(i) for i in range(count))
            + "</channel></rss>").encode()


def tiny_elements_in_channel(size: int) -> bytes:
    children = "<x/>" * ((size - 200) // 4)
    return ('<rss version="2.0"><channel><title>t</title>' + children
            + "<item><title>e</title></item></channel></rss>").encode()


def one_item_many_children(size: int) -> bytes:
    children = "<category>c</category>" * ((size - 200) // 22)
    return ('<rss version="2.0"><channel><title>t</title><item><title>e</title>' + children
            + "</item></channel></rss>").encode()


def monstrous_start_tag(size: int) -> bytes:
    attributes = " ".join(f'a{n}="v"' for n in range((size - 200) // 10))
    return f'<rss version="2.0"><channel><title>t</title><item {attributes}><title>e</title></item></channel></rss>'.encode()


def wide_text(size: int) -> bytes:
    """ASCII notes to the cap and one emoji in the title: decoded text takes 4 bytes a character."""
    item = "<item><title>e</title><guid>g{0}</guid><description>" + "plain notes " * 300 + "</description></item>"
    count = (size - 100) // len(item)
    return ('<rss version="2.0"><channel><title>t\U0001F600</title>' + "".join(item.format(i) for i in range(count))
            + "</channel></rss>").encode()


def stray_ampersands(size: int) -> bytes:
    """Not well-formed: millions of bare `&` (too many to mend)."""
    return _rss("", "& ", size)


def control_characters(size: int) -> bytes:
    """Not well-formed: a control character in every item (mended)."""
    item = "<item><title>e\x0c</title><guid>g{0}</guid><description>notes\x01</description></item>"
    count = (size - 100) // len(item)
    return ('<rss version="2.0"><channel><title>t</title>' + "".join(item.format(i) for i in range(count))
            + "</channel></rss>").encode()


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
    "real-newest-first-at-cap": (real_newest_first, SIZE_CAP),
    "real-oldest-first-at-cap": (real_oldest_first, SIZE_CAP),
    "dense-html-notes-at-cap": (dense_html_notes, SIZE_CAP),
    "attribute-html-at-cap": (attribute_heavy_html_notes, SIZE_CAP),
    "deep-but-allowed-at-cap": (deep_but_allowed, SIZE_CAP),
    "one-item-many-children": (one_item_many_children, SIZE_CAP),
    "tiny-elements-in-items": (tiny_elements_in_items, SIZE_CAP),
    "tiny-elements-in-channel": (tiny_elements_in_channel, SIZE_CAP),
    "monstrous-start-tag": (monstrous_start_tag, SIZE_CAP),
    "wide-text-at-cap": (wide_text, SIZE_CAP),
    "stray-ampersands-at-cap": (stray_ampersands, SIZE_CAP),
    "control-chars-at-cap": (control_characters, SIZE_CAP),
}


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def reset_peak() -> float:
    """The resident MB now, with the peak reset to it (Linux), so building the body does not hide growth."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")
    return _status_mb("VmRSS") or rss_mb()


def peak_mb() -> float:
    return _status_mb("VmHWM") or rss_mb()


def child(case: str, source: str) -> None:
    """Parse one body and print one JSON line: outcome, seconds, peak RSS growth."""
    sys.path.insert(0, source)
    from ingest.feeds import parse_feed

    make, size = CASES[case]
    body = make(size)
    if body is None:
        print(json.dumps({"skipped": "fixtures absent"}))
        return
    gc.collect()
    before = reset_peak()
    started = time.monotonic()
    try:
        feed = parse_feed(body)
        outcome = f"parsed: {len(feed.episodes)} episodes, longest notes {max((len(e.show_notes_html) for e in feed.episodes), default=0):,} chars"
    except ValueError as error:  # FeedError and its kinds: refused with a reason
        outcome = f"refused: {error}"
    except MemoryError:
        outcome = "out of memory"
    seconds = time.monotonic() - started
    print(json.dumps({"bytes": len(body), "outcome": outcome, "seconds": seconds,
                      "growth_mb": peak_mb() - before, "peak_mb": peak_mb()}))


def run(case: str, source: Path, timeout: float, memory_mb: int) -> dict[str, object]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 1024 * 1024, memory_mb * 1024 * 1024))

    started = time.monotonic()
    try:
        done = subprocess.run([sys.executable, __file__, "--child", case, "--source", str(source)], capture_output=True,
                              text=True, timeout=timeout, preexec_fn=limit, check=False)
    except subprocess.TimeoutExpired:
        return {"outcome": f"timed out after {timeout:g} s", "seconds": time.monotonic() - started}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if lines:
        reported: dict[str, object] = json.loads(lines[-1])
        return reported
    tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
    words = "out of memory" if "MemoryError" in done.stderr or done.returncode < 0 else tail[:120]
    return {"outcome": f"{words} (exit {done.returncode}, {memory_mb} MB limit)", "seconds": time.monotonic() - started}


def _cells(row: dict[str, object]) -> tuple[str, bool]:
    """`seconds growth-MB` for one run, and whether it meets the targets."""
    if "skipped" in row:
        return f"{'skipped':>19}", True
    seconds, growth = float(row["seconds"]), row.get("growth_mb")  # type: ignore[arg-type]
    ok = growth is not None and seconds <= SECONDS_TARGET and float(growth) <= GROWTH_TARGET_MB  # type: ignore[arg-type]
    grown = f"{float(growth):9.1f}" if growth is not None else f"{'-':>9}"  # type: ignore[arg-type]
    return f"{seconds:8.2f} {grown} {'ok' if ok else 'NO':>2}", ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT), help="the project tree whose ingest.feeds is measured")
    parser.add_argument("--before", help="another tree measured first, side by side (e.g. `git archive` of a commit)")
    parser.add_argument("--cases", nargs="*", choices=list(CASES), default=list(CASES))
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds before a child is stopped")
    parser.add_argument("--memory-mb", type=int, default=1500, help="address-space limit per child")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.source)
        return
    print(f"source {args.source}" + (f" · before {args.before}" if args.before else "")
          + f" · load {os.getloadavg()[0]:.2f} · targets <= {SECONDS_TARGET:g} s, <= {GROWTH_TARGET_MB:g} MB growth")
    before_head = f"{'before: s':>8} {'MB':>9} {'':>2} " if args.before else ""
    print(f"{'case':<26} {'bytes':>10} {before_head}{'after: s':>8} {'MB':>9} {'':>2}  outcome (after)")
    misses = 0
    for case in args.cases:
        first = ""
        if args.before:
            first = _cells(run(case, Path(args.before), args.timeout, args.memory_mb))[0] + " "
        row = run(case, Path(args.source), args.timeout, args.memory_mb)
        cells, ok = _cells(row)
        misses += not ok
        print(f"{case:<26} {row.get('bytes', '-'):>10} {first}{cells}  {str(row.get('outcome', row.get('skipped')))[:110]}",
              flush=True)
    print(f"load {os.getloadavg()[0]:.2f} at the end · {misses} case(s) over a target")


if __name__ == "__main__":
    main()
