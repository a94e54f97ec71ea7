"""Fault drill, by hand: restart PostgreSQL under load and see what people get.

    .venv/bin/python bench/db_restart_fault.py          # 10 clients, restart after 15 s of 40 s

`podbrief run` (HTTP, as in `load_bench.py`) serves 8 clients typing `/insights <query>`
and 2 reacting with :bookmark:, against the load-bench database. In the middle,
`pg_ctlcluster --skip-systemctl-redirect <version> main restart` restarts the real server
(the version is read from /etc/postgresql; needs root or the postgres user). That restarts
*every* database of the cluster, so it first waits (up to `--quiet-wait` seconds) until no
other database has a client connected, and gives up (exit 2) rather than cut off someone
else's test run, unless `--force`. `--down S` stops it, waits S seconds and starts it, for a
longer outage than a restart's fraction of a second.

While the load runs, the drill opens a fresh connection every 50 ms to see when PostgreSQL
was really down, and polls /healthz. It prints, by when a request was sent (before, while
down, after), how many commands got a normal answer, the friendly try-again, no answer or an
HTTP error (reactions have no try-again: they are acknowledged, then lost if the database is
down); how quickly the try-again arrived; whether anything went wrong after the database was
back; when /healthz was not 200; and whether the saved rows are exactly the saves people were
told about.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import httpx
import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent))

import load_bench as lb
from measure import make_queries

from storage.db import create_db_engine

WINDOWS = ("before", "down", "after")
#: How often the drill itself checks whether PostgreSQL answers (a new connection each time).
PROBE_INTERVAL_S = 0.05


@dataclass
class Timeline:
    """The restart command, and what the probes saw over time (monotonic seconds)."""

    restart_began: float = 0.0
    restart_ended: float = 0.0
    restart_output: str = ""
    health: list[tuple[float, int]] = field(default_factory=list)  # /healthz status codes
    database: list[tuple[float, bool]] = field(default_factory=list)  # direct connection worked?

    @property
    def down(self) -> tuple[float, float]:
        """(first failed probe, first working probe after it); the restart command's span without probes."""
        failed = [t for t, ok in self.database if not ok and t >= self.restart_began]
        if not failed:
            return self.restart_began, self.restart_ended
        back = [t for t, ok in self.database if ok and t > failed[0]]
        return failed[0], back[0] if back else float("inf")

    def window(self, at: float) -> str:
        """Which window a request *sent* at `at` belongs to."""
        went, back = self.down
        return "before" if at < went else "down" if at < back else "after"


def pg_version() -> str:
    versions = sorted((p.name for p in Path("/etc/postgresql").iterdir() if p.name.replace(".", "").isdigit()),
                      key=float)
    return versions[-1]


def wait_until_quiet(url: str, limit: float) -> bool:
    """Wait (at most `limit` seconds) until no other database has a client connected; whether it is so."""
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    started = time.monotonic()
    query = text("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
                 "AND datname IS DISTINCT FROM :ours AND pid <> pg_backend_pid()")
    try:
        while True:
            with admin.connect() as connection:
                if not connection.scalar(query, {"ours": parsed.database}):
                    return True
            if time.monotonic() - started > limit:
                return False
            time.sleep(0.5)
    finally:
        admin.dispose()


def restart_postgres(timeline: Timeline, version: str, down: float) -> None:
    """`pg_ctlcluster … restart`; or, with `down` > 0, stop, wait `down` seconds, start."""
    timeline.restart_began = time.monotonic()
    actions = [["restart"]] if down <= 0 else [["stop"], ["start"]]
    outputs = []
    for n, action in enumerate(actions):
        if n:
            time.sleep(down)
        done = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", *action],
                              capture_output=True, text=True, check=False)
        outputs.append((done.stdout + done.stderr).strip() or f"{action[0]}: exit {done.returncode}")
    timeline.restart_ended = time.monotonic()
    timeline.restart_output = "; ".join(outputs)


def watch_database(url: str, timeline: Timeline, stop: threading.Event) -> None:
    """Open a fresh connection every PROBE_INTERVAL_S: when was PostgreSQL really down?"""
    conninfo = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    while not stop.wait(PROBE_INTERVAL_S):
        try:
            with psycopg.connect(conninfo, connect_timeout=2) as connection:
                connection.execute("SELECT 1")
            ok = True
        except psycopg.Error:
            ok = False
        timeline.database.append((time.monotonic(), ok))


def watch_health(base_url: str, timeline: Timeline, stop: threading.Event) -> None:
    with httpx.Client(base_url=base_url, timeout=5) as http:
        while not stop.wait(0.25):
            try:
                status = http.get("/healthz").status_code
            except httpx.HTTPError:
                status = 0
            timeline.health.append((time.monotonic(), status))


def trigger(timeline: Timeline, after: float, down: float) -> threading.Thread:
    """Restart PostgreSQL `after` seconds from now, on a thread."""
    def run() -> None:
        time.sleep(after)
        lb.log(f"restarting PostgreSQL {pg_version()} (load {os.getloadavg()[0]:.2f})")
        restart_postgres(timeline, pg_version(), down)
        lb.log(f"restart done in {timeline.restart_ended - timeline.restart_began:.1f} s: {timeline.restart_output}")

    thread = threading.Thread(target=run, name="restart", daemon=True)
    thread.start()
    return thread


def report_windows(name: str, samples: list[lb.Sample], timeline: Timeline) -> list[str]:
    """Answers by what they were, per window of the time the request was sent."""
    counts = {w: Counter(s.outcome for s in samples if timeline.window(s.at) == w) for w in WINDOWS}
    lines = [f"{name}: {'sent':<7} {'normal':>7} {'try-again':>10} {'no answer':>10} {'HTTP error':>11} {'other':>6}"]
    for w in WINDOWS:
        c = counts[w]
        lines.append(f"{'':<{len(name)}}  {w:<7} {c['ok']:>7} {c['apology']:>10} {c['missing']:>10} "
                     f"{c['http_error']:>11} {c['unexpected']:>6}")
    return lines


def recovery(samples: list[lb.Sample], timeline: Timeline) -> list[str]:
    """How the answers went around the outage, counted from the moment PostgreSQL answered again."""
    went, back = timeline.down

    def answered(s: lb.Sample) -> float:
        return s.at + (s.answer_ms or 0) / 1000

    failed = [s for s in samples if s.outcome != "ok" and answered(s) >= went]
    ok_after = [answered(s) for s in samples if s.outcome == "ok" and s.at >= back]
    sent_after = [s for s in samples if s.at >= back]
    apologies = [s.answer_ms for s in samples if s.outcome == "apology" and s.answer_ms is not None]
    return [
        f"PostgreSQL down (fresh connection every {PROBE_INTERVAL_S * 1000:.0f} ms): {back - went:.2f} s, "
        f"from {went - timeline.restart_began:+.2f} s to {back - timeline.restart_began:+.2f} s after the command",
        f"try-again answers reached Slack in {max(apologies, default=0):.0f} ms at most (median "
        f"{sorted(apologies)[len(apologies) // 2] if apologies else 0:.0f} ms)",
        f"last non-normal answer: {max((answered(s) for s in failed), default=went) - back:+.2f} s after "
        f"PostgreSQL was back; first normal answer to a request sent after: "
        f"{min(ok_after, default=float('nan')) - back:+.2f} s",
        f"requests sent after PostgreSQL was back: {len(sent_after)}, "
        f"non-normal among them: {sum(1 for s in sent_after if s.outcome != 'ok')}",
    ]


def health_spans(timeline: Timeline) -> str:
    unhealthy = [t for t, status in timeline.health if status != 200]
    if not unhealthy:
        return "/healthz: 200 throughout"
    return (f"/healthz: not 200 from {min(unhealthy) - timeline.restart_began:+.2f} s to "
            f"{max(unhealthy) - timeline.restart_began:+.2f} s after the command "
            f"({len(unhealthy)} of {len(timeline.health)} probes, every 250 ms)")


@dataclass
class Drill:
    """What the drill saw: answers per client kind, the timeline, and what was stored."""

    commands: list[lb.Sample]
    reactions: list[lb.Sample]
    timeline: Timeline
    wall: float
    load_before: float
    server_errors: int
    saved_match: bool
    saved_rows: int
    log_path: Path


def run_drill(rig: lb.Rig, args: argparse.Namespace, queries: list[str],
              messages: list[tuple[str, str]]) -> Drill:
    """Load with commands and reactions; restart PostgreSQL in the middle; collect what happened."""
    lb.command_phase(rig, queries, 4, 3.0, args.seed + 1000, "UW")  # warm-up, not counted
    split = args.clients - args.reactors
    reactors = [lb.Reactor(f"UF{k:03d}", messages, args.seed + k) for k in range(args.reactors)]
    work: list[Callable[[float], list[lb.Sample]]] = [
        partial(lb.command_client, rig.target, f"UD{k:03d}", queries, seed=args.seed + k, think=args.think)
        for k in range(split)
    ]
    work += [partial(r.run, rig.target, think=args.think) for r in reactors]
    timeline, stop_health = Timeline(), threading.Event()
    threading.Thread(target=watch_health, args=(rig.server.base_url, timeline, stop_health), daemon=True).start()
    threading.Thread(target=watch_database, args=(rig.url, timeline, stop_health), daemon=True).start()
    restarter = trigger(timeline, args.restart_after, args.down)
    load_before = os.getloadavg()[0]
    per_client, wall = lb.run_clients(work, args.seconds)
    restarter.join()
    stop_health.set()
    time.sleep(1.0)  # anything still being written
    expected = {(r.owner, *m) for r in reactors for m in r.saved}
    stored = lb.saved_rows(rig.url, "UF")
    return Drill([s for c in per_client[:split] for s in c], [s for c in per_client[split:] for s in c], timeline,
                 wall, load_before, rig.server.logged_errors(), stored == expected, len(stored), rig.server.log_path)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    held = lb.ensure_database(args.database_url, args.insights, args.seed)
    engine = create_db_engine(args.database_url)
    queries = [q["query"] for q in make_queries(engine, 500, args.seed)]
    engine.dispose()
    messages = lb.prepare_messages(args.database_url, 1000, args.seed)
    if not wait_until_quiet(args.database_url, args.quiet_wait) and not args.force:
        print(f"Other databases on this PostgreSQL server stayed in use for {args.quiet_wait:g} s; not restarting "
              "it under someone else's feet. Try again later, or pass --force.")
        return 2
    with lb.running_rig(args.database_url, Path(tempfile.mkdtemp(prefix="podbrief-fault-"))) as rig:
        drill = run_drill(rig, args, queries, messages)
    print(report(args, held, drill))
    return 0 if drill.saved_match else 1


def report(args: argparse.Namespace, held: int, drill: Drill) -> str:
    timeline = drill.timeline
    start = min((s.at for s in drill.commands + drill.reactions), default=timeline.restart_began)
    return "\n".join([
        f"\nPostgreSQL restart under load · {args.clients} clients ({args.clients - args.reactors} typing commands, "
        f"{args.reactors} reacting, {args.think:g} s pause) · {drill.wall:.0f} s · {held:,} insights · "
        f"{os.cpu_count()} CPUs",
        f"pg_ctlcluster {'restart' if args.down <= 0 else f'stop, {args.down:g} s, start'}: began "
        f"{timeline.restart_began - start:.1f} s into the load, took {timeline.restart_ended - timeline.restart_began:.2f} s "
        f"({timeline.restart_output})",
        *report_windows("/insights", drill.commands, timeline),
        *report_windows("reactions", drill.reactions, timeline),
        *recovery(drill.commands, timeline),
        health_spans(timeline),
        f"saved rows match the 'Saved' notes people got: {'yes' if drill.saved_match else 'NO'} "
        f"({drill.saved_rows} rows)",
        f"server errors logged: {drill.server_errors} (log: {drill.log_path})",
        f"load average 1 min: {drill.load_before:.2f} before -> {os.getloadavg()[0]:.2f} after",
    ])


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=lb.DEFAULT_URL)
    parser.add_argument("--insights", type=int, default=20_000, help="import until at least this many (reused)")
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--reactors", type=int, default=2, help="of the clients, how many react instead")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--restart-after", type=float, default=15.0, help="seconds of load before the restart")
    parser.add_argument("--down", type=float, default=0.0,
                        help="instead of `restart`: stop, keep PostgreSQL down this many seconds, start")
    parser.add_argument("--quiet-wait", type=float, default=300.0,
                        help="first wait at most this long for other databases to have no clients")
    parser.add_argument("--force", action="store_true", help="restart even if other databases are in use")
    parser.add_argument("--think", type=float, default=0.2, help="seconds each client pauses between requests")
    parser.add_argument("--seed", type=int, default=7)
    return parser


if __name__ == "__main__":
    sys.exit(main())
