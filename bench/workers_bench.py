"""Scale-out benchmark: 1, 2 and 3 `podbrief worker` processes sharing the same due work on PostgreSQL.

    .venv/bin/python bench/workers_bench.py
    .venv/bin/python bench/workers_bench.py --channels 300 --latency 0.05 --workers 1 2 3 --feeds 300 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Digests: every channel is due; each worker process runs the real DigestDeliverer (its default
16 threads and per-channel pacing) against the Slack stand-in, which answers every post after
`--latency` seconds, as Slack's round trip would. Feeds: every feed is due; each worker process
runs the real scan (8 threads) against a loopback feed server answering after `--feed-latency`
seconds, as a remote feed host would.
Workers are separate processes with their own engines, started together; a scratch database is
created on the server and dropped afterwards. Printed: wall time from the common start to the
last worker's end, throughput, speed-up over one worker, duplicates (digest messages posted
twice, feeds fetched twice; must be 0), the CPU seconds the workers used together (against the
wall time and the cores: was the machine the limit?) and each worker's share. No timing targets.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from digest_fanout_bench import NOW, prepare
from scan_bench import feed_xml
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from bot.app import build_client
from bot.config import Settings
from bot.digest.compose import DigestComposer
from bot.digest.delivery import DigestDeliverer
from ingest.extractors import BuiltinExtractor
from ingest.fetch import Fetcher
from ingest.scan import ScanOptions, scan
from standin.slack_api import SlackStandIn
from storage import feeds_store
from storage.db import create_db_engine, session_factory
from storage.models import Delivery

TOKEN = "xoxb-workers-bench"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SPAWN = multiprocessing.get_context("spawn")


@dataclass(frozen=True)
class Run:
    """One round: `workers` processes, the wall time, what each did, and the duplicates seen."""

    workers: int
    seconds: float
    shares: list[int]
    cpu_seconds: float
    done: int
    duplicates: int


# ------------------------------------------------------------------------------------------ workers
def digest_worker(url: str, api_url: str, post_interval: float, index: int, start: Barrier, results: Any) -> None:
    """One worker process: the real deliverer, one run at NOW, once every worker is ready."""
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    client = build_client(Settings(database_url=url, data_dir=Path(tempfile.gettempdir()), slack_bot_token=TOKEN,
                                   slack_api_url=api_url))
    deliverer = DigestDeliverer(sessions, lambda _team: client, DigestComposer(sessions), worker_id=f"worker-{index}",
                                post_interval=post_interval)
    start.wait()
    cpu = time.process_time()
    outcomes = deliverer.run_due(NOW)
    results.put((index, sum(o.status == "delivered" for o in outcomes), time.process_time() - cpu))
    engine.dispose()


def scan_worker(url: str, index: int, start: Barrier, results: Any) -> None:
    """One worker process: the real scan of the due feeds, once every worker is ready."""
    engine = create_db_engine(url)
    with Fetcher(allow_private_addresses=True, deadline_seconds=30.0) as fetcher:
        start.wait()
        cpu = time.process_time()
        summary = scan(session_factory(engine), fetcher, BuiltinExtractor(), options=ScanOptions(max_workers=8))
    results.put((index, summary.feeds_checked, time.process_time() - cpu))
    engine.dispose()


def run_workers(count: int, target: Callable[..., None], *args: Any) -> tuple[float, list[int], float]:
    """Start `count` processes running `target(*args, index, start, results)`: the wall time, what each
    one did, and the CPU seconds they used together."""
    start, results = SPAWN.Barrier(count + 1), SPAWN.Queue()
    processes = [SPAWN.Process(target=target, args=(*args, n, start, results)) for n in range(count)]
    for process in processes:
        process.start()
    start.wait(timeout=120)
    began = time.perf_counter()
    reports = [_next_report(results, processes) for _ in processes]
    seconds = time.perf_counter() - began
    for process in processes:
        process.join()
    shares = {index: done for index, done, _ in reports}
    return seconds, [shares[n] for n in range(count)], sum(cpu for _, _, cpu in reports)


def _next_report(results: Any, processes: list[Any]) -> tuple[int, int, float]:
    """The next worker's report; an error if a worker died without one."""
    while True:
        try:
            report: tuple[int, int, float] = results.get(timeout=1)
            return report
        except queue.Empty:
            if any(process.exitcode not in (None, 0) for process in processes):
                raise RuntimeError("a worker process died; see its traceback above") from None


# ------------------------------------------------------------------------------------------ digests
def digest_round(url: str, workers: int, latency: float, post_interval: float) -> Run:
    with SlackStandIn(bot_token=TOKEN) as slack:
        slack.delay("chat.postMessage", latency)
        seconds, shares, cpu = run_workers(workers, digest_worker, url, slack.api_url, post_interval)
        posted = slack.posted_messages()
    headers = Counter(m["channel"] for m in posted if m["blocks"][0]["type"] == "header")
    items = Counter((m["channel"], str(m["blocks"][0])) for m in posted if m["blocks"][0]["type"] == "section")
    duplicates = sum(n - 1 for n in headers.values()) + sum(n - 1 for n in items.values())
    engine = create_db_engine(url)
    with engine.begin() as connection:
        delivered = connection.scalar(select(func.count()).select_from(Delivery).where(Delivery.status == "delivered"))
        connection.execute(text("TRUNCATE deliveries, delivered_insights, posted_messages RESTART IDENTITY CASCADE"))
    engine.dispose()
    return Run(workers, seconds, shares, cpu, delivered or 0, duplicates)


# ------------------------------------------------------------------------------------------ feeds
class FeedHost:
    """A loopback feed server (in this process) answering every feed after `latency`, counting fetches."""

    def __init__(self, latency: float) -> None:
        self.fetches: Counter[str] = Counter()
        lock, host = threading.Lock(), self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with lock:
                    host.fetches[self.path] += 1
                time.sleep(latency)
                body = feed_xml(int(self.path.rsplit("/", 1)[-1].split(".")[0]), 3)
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: object) -> None:
                pass

        ThreadingHTTPServer.request_queue_size = 256
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/feed/{number}.xml"


def feed_round(url: str, workers: int, feeds: int, latency: float) -> Run:
    host = FeedHost(latency)
    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE feeds, episodes, podcasts, insights RESTART IDENTITY CASCADE"))
    with session_factory(engine).begin() as session:
        for number in range(feeds):
            feeds_store.add_feed(session, host.url(number), now=NOW)
    engine.dispose()
    seconds, shares, cpu = run_workers(workers, scan_worker, url)
    host.httpd.shutdown()
    duplicates = sum(n - 1 for n in host.fetches.values())
    return Run(workers, seconds, shares, cpu, len(host.fetches), duplicates)


# ------------------------------------------------------------------------------------------ report
def report(title: str, unit: str, total: int, runs: list[Run]) -> None:
    print(f"\n{title}")
    print(f"  {'workers':>7}  {'wall s':>7}  {unit + '/s':>10}  {'speed-up':>8}  {'done':>9}  {'duplicates':>10}"
          f"  {'worker CPU s':>12}  per worker")
    base = runs[0].seconds if runs[0].workers == 1 else None
    for run in runs:
        speed_up = f"{base / run.seconds:7.2f}x" if base else "       -"
        print(f"  {run.workers:>7}  {run.seconds:7.1f}  {run.done / run.seconds:10.1f}  {speed_up:>8}  "
              f"{run.done:>4}/{total:<4}  {run.duplicates:>10}  {run.cpu_seconds:12.1f}  {run.shares}")


@contextmanager
def scratch_database(server_url: str) -> Iterator[str]:
    """A fresh database on the server, dropped afterwards."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    name = f"podbrief_workers_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--channels", type=int, default=300)
    parser.add_argument("--insights", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the Slack stand-in takes per post")
    parser.add_argument("--post-interval", type=float, default=0.25, help="the deliverer's pacing (production: 0.25)")
    parser.add_argument("--feeds", type=int, default=300, help="0: no feed rounds")
    parser.add_argument("--feed-latency", type=float, default=0.3, help="seconds the feed server takes per feed")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument("--database-url", default=DEFAULT_URL, help="a PostgreSQL server")
    args = parser.parse_args(argv)
    with scratch_database(args.database_url) as url:
        print(f"preparing {args.channels} due channels and {args.insights} recent insights in {url.split('@')[-1]}"
              f" ({os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})", flush=True)
        prepare(url, args.channels, args.insights, seed=7)
        digests = [digest_round(url, n, args.latency, args.post_interval) for n in args.workers]
        report(f"digest fan-out: {args.channels} channels, {args.latency * 1000:.0f} ms per post, pacing "
               f"{args.post_interval} s, 16 threads per worker", "digests", args.channels, digests)
        runs = digests
        if args.feeds:
            counts = sorted({min(args.workers), max(args.workers)})
            scans = [feed_round(url, n, args.feeds, args.feed_latency) for n in counts]
            report(f"feed scan: {args.feeds} feeds, {args.feed_latency * 1000:.0f} ms per fetch, 8 threads per worker",
                   "feeds", args.feeds, scans)
            runs = digests + scans
    print(f"\nload average after: {os.getloadavg()[0]:.1f}")
    return 0 if all(run.duplicates == 0 for run in runs) else 1


if __name__ == "__main__":
    raise SystemExit(main())
