"""Load benchmark: signed slash commands, then reaction events, over real HTTP at N concurrent clients.

    .venv/bin/python bench/load_bench.py                    # 1M insights, 50 clients, 60 s per phase
    .venv/bin/python bench/load_bench.py --insights 20000 --seconds 10 --clients 10 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/podbrief_load_20k

The server is `podbrief run` itself (HTTP mode: waitress, the real Bolt app), started as a
child process with `RUN_SCHEDULER=false` (a web replica) and `SLACK_API_URL` pointed at the
Slack stand-in, which runs in a second child process and notes when each answer arrives.
Each client is a thread with its own keep-alive HTTP connection that behaves like a person:
it sends a signed request, waits for the HTTP ack (what Slack waits for, 3 s at most), then
for the answer to reach Slack (the response_url post for a command, the ephemeral "Saved" /
"Removed" note for a reaction), and only then sends the next one (closed loop, no pause).

The database is built once (the corpus of `bench/corpus.py` through `InsightWriter`, as
`search_bench.py` does) and kept: a database already holding >= N insights is reused.
See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import queue
import random
import signal
import socket
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import httpx  # noqa: E402
from measure import make_queries, percentile, run_import  # noqa: E402
from sqlalchemy import Engine, create_engine, delete, func, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from bot.shared.replies import DATABASE_TROUBLE, UNEXPECTED_TROUBLE  # noqa: E402
from standin.slack_requests import event_body, signed_headers, slash_command_body  # noqa: E402
from storage.db import create_db_engine, migrate, session_factory  # noqa: E402
from storage.messages_store import record_posted_message  # noqa: E402
from storage.models import Feedback, InsightRow, PostedMessage, SavedInsight  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/podbrief_load"
TOKEN = "xoxb-load-bench"
SECRET = "10adbe4c10adbe4c10adbe4c10adbe4c"
TEAM = "T0STANDIN"
TARGET_P99_MS = 300.0
#: A missing answer: nothing reached Slack this long after the request was sent.
ANSWER_TIMEOUT_S = 10.0
APOLOGIES = (DATABASE_TROUBLE, UNEXPECTED_TROUBLE)


# ---------------------------------------------------------------- the database
def ensure_database(url: str, insights: int, seed: int) -> int:
    """Create, migrate and fill the database unless it already holds >= `insights`; the count held."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": parsed.database}):
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
        admin.dispose()
    engine = create_db_engine(url)
    migrate(engine)
    held = _count(engine)
    if held >= insights:
        log(f"reusing {held:,} insights in {parsed.render_as_string(hide_password=True)}")
    else:
        log(f"importing {insights:,} insights (held {held:,}); this is done once")
        run_import(url, insights, seed)
        held = _count(engine)
    analyze_if_never_analyzed(engine)
    engine.dispose()
    return held


def analyze_if_never_analyzed(engine: Engine) -> None:
    """ANALYZE a PostgreSQL database whose insights table has no statistics yet.

    Autovacuum does this a minute after a bulk import; on a server with autovacuum off
    (test servers often are) the planner guesses, and common words then take seconds.
    """
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as connection:
        analyzed = connection.execute(text(
            "SELECT last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL FROM pg_stat_user_tables "
            "WHERE relname = 'insights'")).scalar()
    if not analyzed:
        log("ANALYZE (the insights table has no planner statistics yet)")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(InsightRow)) or 0)


def prepare_messages(url: str, count: int, seed: int) -> list[tuple[str, str]]:
    """Forget earlier runs' bench rows, then record `count` posted insight messages: (channel, ts)."""
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    rng = random.Random(seed)
    with sessions.begin() as session:
        for model in (SavedInsight, Feedback, PostedMessage):
            session.execute(delete(model).where(model.team_id == TEAM))
        top = session.scalar(select(func.max(InsightRow.id))) or 0
        messages = []
        for n, insight_id in enumerate(rng.sample(range(1, top + 1), min(count, top))):
            channel, ts = f"CLOAD{n % 20:02d}", f"1900000000.{n:06d}"
            record_posted_message(session, TEAM, channel, ts, insight_id)
            messages.append((channel, ts))
    engine.dispose()
    return messages


def saved_rows(url: str, prefix: str) -> set[tuple[str, str, str]]:
    """(user, channel, ts) of every saved row of the bench users whose id starts with `prefix`."""
    engine = create_db_engine(url)
    query = (select(SavedInsight.user_id, PostedMessage.channel_id, PostedMessage.ts)
             .join(PostedMessage, (PostedMessage.insight_id == SavedInsight.insight_id)
                   & (PostedMessage.team_id == SavedInsight.team_id))
             .where(SavedInsight.team_id == TEAM, SavedInsight.user_id.startswith(prefix)))
    with engine.connect() as connection:
        rows = {(r[0], r[1], r[2]) for r in connection.execute(query)}
    engine.dispose()
    return rows


# ---------------------------------------------------------------- the Slack stand-in (own process)
def _arrival_key(method: str, params: dict[str, Any]) -> str | None:
    if method.startswith("response_url:"):
        return method.removeprefix("response_url:")
    if method == "chat.postEphemeral":
        return str(params.get("user") or "")
    return None


def serve_standin(arrivals: Any, reply: Any, stop: Any, keep_alive: bool = False) -> None:
    """Child process: the stand-in, reporting (key, arrival time, text) of every answer it receives.

    It hooks the stand-in's `_serve(method, params, …)`, the one place every call passes
    through, forgets its recordings every few thousand calls to keep its memory flat, and
    lets more connections wait to be accepted than socketserver's default of 5.
    """
    from standin import slack_api as slack_standin
    from standin.slack_api import SlackStandIn

    slack_standin._Server.request_queue_size = 512  # socketserver's 5 resets connections in bursts; Slack does not
    if keep_alive:  # HTTP/1.1 as Slack speaks it: a client may keep its connection (http.server's default closes each)
        slack_standin._Handler.protocol_version = "HTTP/1.1"
        slack_standin._Handler.disable_nagle_algorithm = True  # else a kept connection waits ~40 ms on delayed ACKs

        def quiet_hang_ups(server: Any, request: Any, address: Any) -> None:
            if not isinstance(sys.exc_info()[1], ConnectionError):  # a kept connection closed by the app at its exit
                socketserver.BaseServer.handle_error(server, request, address)

        slack_standin._Server.handle_error = quiet_hang_ups  # type: ignore[method-assign,assignment]

    class Notifying(SlackStandIn):
        served = itertools.count(1)

        def _serve(self, method: str, params: dict[str, Any], *rest: Any, **kwargs: Any) -> Any:
            at = time.monotonic()
            result = super()._serve(method, params, *rest, **kwargs)
            if key := _arrival_key(method, params):
                arrivals.put((key, at, str(params.get("text") or "")[:200]))
            if next(self.served) % 2000 == 0:
                self.reset()  # the bench keeps its own record
            return result

    with Notifying(bot_token=TOKEN, team_id=TEAM) as slack:
        reply.send(slack.api_url)
        stop.wait()


@dataclass(frozen=True, slots=True)
class Arrival:
    key: str
    at: float
    text: str


class Inboxes:
    """Answers arriving at the stand-in, routed to the client waiting for them."""

    def __init__(self, arrivals: Any) -> None:
        self._arrivals = arrivals
        self._boxes: dict[str, queue.Queue[Arrival]] = {}
        self.late = 0  # answers that came after their client had given up
        threading.Thread(target=self._route, name="inboxes", daemon=True).start()

    def box(self, owner: str) -> queue.Queue[Arrival]:
        return self._boxes.setdefault(owner, queue.Queue())

    def _route(self) -> None:
        while True:
            key, at, text_ = self._arrivals.get()
            self.box(key.split("-")[0]).put(Arrival(key, at, text_))

    def wait(self, owner: str, key: str, until: float) -> Arrival | None:
        """The answer `key` for `owner`, or None when it has not arrived by `until` (monotonic)."""
        box = self.box(owner)
        while (left := until - time.monotonic()) > 0:
            try:
                arrival = box.get(timeout=left)
            except queue.Empty:
                return None
            if arrival.key == key:
                return arrival
            self.late += 1
        return None


# ---------------------------------------------------------------- the server (`podbrief run`)
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """`podbrief run` in HTTP mode as a child process, its log in a file."""

    def __init__(self, database_url: str, api_url: str, folder: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "podbrief.log"
        env = {**os.environ, "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
               "SLACK_API_URL": api_url, "PORT": str(self.port), "RUN_SCHEDULER": "false", "LOG_LEVEL": "INFO",
               "PODBRIEF_DATA_DIR": str(folder)} | dict(env or {})  # `env`: e.g. LOG_LEVEL, PYTHONPATH
        env.pop("SLACK_APP_TOKEN", None)
        podbrief = Path(sys.executable).with_name("podbrief")
        with self.log_path.open("wb") as log_file:  # cwd: a folder without a developer's .env
            self.process = subprocess.Popen([str(podbrief), "run"], env=env, cwd=folder, stdout=log_file,
                                            stderr=subprocess.STDOUT)

    def wait_healthy(self, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"podbrief run exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.base_url + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("podbrief run did not become healthy")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def rss_mb(self) -> tuple[float, float]:
        """(current, peak) resident set size of the server process."""
        fields = dict(line.split(":", 1) for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines())
        return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024

    def logged_errors(self) -> int:
        return sum(1 for line in self.log_path.read_text(errors="replace").splitlines()
                   if " ERROR " in line or "level=ERROR" in line or line.startswith("ERROR"))


# ---------------------------------------------------------------- CPU and load
def cpu_seconds(pid: int) -> float:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return 0.0
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_activity(url: str) -> dict[str, float]:
    """PostgreSQL's own counters for this database: connections opened, statement seconds, commits.

    Per database, so other databases on the server do not count; and unlike the CPU time of
    backend processes, it includes connections that closed during the phase.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        return {}
    admin = create_engine(parsed.set(database="postgres"), poolclass=NullPool)
    try:
        with admin.connect() as connection:
            row = connection.execute(text("SELECT sessions, active_time, xact_commit FROM pg_stat_database "
                                          "WHERE datname = :n"), {"n": parsed.database}).one()
    finally:
        admin.dispose()
    return {"connections_opened": float(row[0]), "statement_seconds": float(row[1]) / 1000, "commits": float(row[2])}


@dataclass
class Resources:
    """CPU per process, PostgreSQL activity, and once a second the server's RSS and the load average."""

    servers: list[Server]
    standin_pid: int
    url: str
    loads: list[float] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    @contextmanager
    def watch(self) -> Iterator[dict[str, Any]]:
        """Measure the `with` block; the figures are in the yielded dict afterwards."""
        out: dict[str, Any] = {}
        cpu, pg, load_before, started = self._cpu(), postgres_activity(self.url), os.getloadavg(), time.monotonic()
        self._stop.clear()
        self.loads.clear()
        thread = threading.Thread(target=self._sample, daemon=True)
        thread.start()
        yield out
        self._stop.set()
        thread.join()
        seconds = time.monotonic() - started
        cpu_after, pg_after = self._cpu(), postgres_activity(self.url)
        sizes = [server.rss_mb() for server in self.servers]
        rss, peak = sum(r for r, _ in sizes), max(p for _, p in sizes)
        out.update(
            cpu_cores={name: round((cpu_after[name] - cpu[name]) / seconds, 2) for name in cpu},
            postgres={k: round(pg_after[k] - pg[k], 1) for k in pg} | (
                {"busy": round((pg_after["statement_seconds"] - pg["statement_seconds"]) / seconds, 2)} if pg else {}),
            load_average_1min={"before": round(load_before[0], 2), "after": round(os.getloadavg()[0], 2),
                               "mean": round(sum(self.loads) / max(len(self.loads), 1), 2)},
            server_rss_mb={"end": round(rss, 1), "peak": round(peak, 1)})

    def _cpu(self) -> dict[str, float]:
        own = os.times()
        return {"server": sum(cpu_seconds(server.process.pid) for server in self.servers),
                "stand-in": cpu_seconds(self.standin_pid),
                "load generator": own.user + own.system}

    def _sample(self) -> None:
        while not self._stop.wait(1.0):
            self.loads.append(os.getloadavg()[0])


# ---------------------------------------------------------------- clients
@dataclass(frozen=True, slots=True)
class Sample:
    """One request: the HTTP ack and the answer at Slack, in ms from sending."""

    status: int  # 0: no HTTP answer at all (`failure` says why)
    ack_ms: float
    answer_ms: float | None  # None: missing (not within ANSWER_TIMEOUT_S)
    outcome: str  # ok | http_error | missing | apology | unexpected
    at: float  # monotonic send time
    failure: str = ""  # the transport error or the HTTP status, when the ack was not a 200


@dataclass(frozen=True)
class Target:
    """Where the clients send: the server, the stand-in's response URLs, who answers."""

    base_url: str
    response_base: str
    inboxes: Inboxes


def exchange(http: httpx.Client, target: Target, body: str, content_type: str, owner: str, key: str,
             expect: Callable[[str], bool]) -> Sample:
    """Send one signed request; wait for its ack, then for its answer at the stand-in."""
    headers = {"Content-Type": content_type, **signed_headers(SECRET, body)}
    started = time.monotonic()
    payload = b""
    try:
        response = http.post("/slack/events", content=body.encode(), headers=headers)
        status, failure, payload = response.status_code, "", response.content
    except httpx.HTTPError as error:
        status, failure = 0, f"{type(error).__name__}: {error}"
    ack_ms = (time.monotonic() - started) * 1000
    if status != 200:
        return Sample(status, ack_ms, None, "http_error", started, failure or f"HTTP {status}")
    if (answer := inline_answer(payload)) is not None:  # the ack carried the answer (a lookup ready in time)
        outcome = "apology" if answer in APOLOGIES else "ok" if expect(answer) else "unexpected"
        return Sample(status, ack_ms, ack_ms, outcome, started)
    arrival = target.inboxes.wait(owner, key, started + ANSWER_TIMEOUT_S)
    if arrival is None:
        return Sample(status, ack_ms, None, "missing", started)
    outcome = "apology" if arrival.text in APOLOGIES else "ok" if expect(arrival.text) else "unexpected"
    return Sample(status, ack_ms, (arrival.at - started) * 1000, outcome, started)


def inline_answer(payload: bytes) -> str | None:
    """The text of an ack that carries a message (Slack shows it as the command's reply), else None."""
    if not payload.strip():
        return None
    try:
        message = json.loads(payload)
    except ValueError:
        return None
    if not isinstance(message, dict) or not (message.get("blocks") or message.get("response_type")):
        return None
    return str(message.get("text") or "")


def command_client(target: Target, owner: str, queries: list[str], deadline: float, seed: int,
                   think: float = 0.0) -> list[Sample]:
    """`/insights <query>` until `deadline`, each answer awaited before the next command."""
    rng, samples = random.Random(seed), list[Sample]()
    with httpx.Client(base_url=target.base_url, timeout=ANSWER_TIMEOUT_S) as http:
        while time.monotonic() < deadline:
            key = f"{owner}-{len(samples)}"
            body, content_type = slash_command_body(rng.choice(queries), response_url=target.response_base + key,
                                                    user_id=owner, channel_id="CLOAD00")
            samples.append(exchange(http, target, body, content_type, owner, key, lambda t: bool(t)))
            time.sleep(think)
    return samples


@dataclass
class Reactor:
    """One person reacting with :bookmark: on posted insights: toggles each message, in a shuffled order."""

    owner: str
    messages: list[tuple[str, str]]
    seed: int
    saved: set[tuple[str, str]] = field(default_factory=set)

    def run(self, target: Target, deadline: float, think: float = 0.0) -> list[Sample]:
        rng, samples = random.Random(self.seed), list[Sample]()
        order = rng.sample(self.messages, len(self.messages))
        with httpx.Client(base_url=target.base_url, timeout=ANSWER_TIMEOUT_S) as http:
            while time.monotonic() < deadline:
                message = order[len(samples) % len(order)]
                samples.append(self._react(http, target, message, f"Ev{self.owner}x{len(samples)}"))
                time.sleep(think)
        return samples

    def _react(self, http: httpx.Client, target: Target, message: tuple[str, str], event_id: str) -> Sample:
        adding = message not in self.saved
        event = {"type": "reaction_added" if adding else "reaction_removed", "user": self.owner,
                 "reaction": "bookmark", "item": {"type": "message", "channel": message[0], "ts": message[1]},
                 "item_user": "U0BOT", "event_ts": f"{time.time():.6f}"}
        body, content_type = event_body(event, team_id=TEAM, event_id=event_id)
        word = ":bookmark: Saved" if adding else "Removed"
        sample = exchange(http, target, body, content_type, self.owner, self.owner, lambda t: t.startswith(word))
        if sample.outcome == "ok":
            (self.saved.add if adding else self.saved.discard)(message)
        return sample


def run_clients(work: list[Callable[[float], list[Sample]]], seconds: float) -> tuple[list[list[Sample]], float]:
    """Run each client's loop on its own thread for `seconds`; (samples per client, wall seconds until the last ended)."""
    results: list[list[Sample]] = [[] for _ in work]
    started = time.monotonic()
    deadline = started + seconds

    def one(i: int) -> None:
        results[i] = work[i](deadline)

    threads = [threading.Thread(target=one, args=(i,), daemon=True) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.monotonic() - started


# ---------------------------------------------------------------- figures
def summarize(samples: list[Sample], wall: float) -> dict[str, Any]:
    """Throughput, ack and answer percentiles, and errors by kind."""
    outcomes = Counter(s.outcome for s in samples)
    acks = [s.ack_ms for s in samples if s.status]
    answers = [s.answer_ms for s in samples if s.answer_ms is not None]
    quantiles = (50, 95, 99)
    return {
        "requests": len(samples), "wall_seconds": round(wall, 2),
        "answered_per_s": round(outcomes["ok"] / wall, 1), "requests_per_s": round(len(samples) / wall, 1),
        "ack_ms": {f"p{q}": round(percentile(acks, q), 1) for q in quantiles} | {"max": round(max(acks), 1)},
        "answer_ms": {f"p{q}": round(percentile(answers, q), 1) for q in quantiles} | {"max": round(max(answers), 1)},
        "errors": {k: outcomes[k] for k in ("http_error", "missing", "apology", "unexpected")},
        "http_failures": dict(Counter(s.failure for s in samples if s.failure)),
    }


def table(title: str, figures: dict[str, Any]) -> str:
    """The phase's figures next to the targets: p99 <= 300 ms, zero errors."""
    ack, answer, errors = figures["ack_ms"], figures["answer_ms"], figures["errors"]
    total_errors = sum(errors.values()) + figures.get("saved_rows_mismatch", 0)
    cpu, pg = figures["cpu_cores"], figures["postgres"]
    load = figures["load_average_1min"]
    rows = [
        ("requests / answered per s", f"{figures['requests']:,} / {figures['answered_per_s']:,.1f}", "", None),
        ("HTTP ack p50 / p95 / p99", f"{ack['p50']:,.1f} / {ack['p95']:,.1f} / {ack['p99']:,.1f} ms",
         f"p99 <= {TARGET_P99_MS:.0f} ms", ack["p99"] <= TARGET_P99_MS),
        ("answer at Slack p50 / p95 / p99", f"{answer['p50']:,.1f} / {answer['p95']:,.1f} / {answer['p99']:,.1f} ms",
         f"p99 <= {TARGET_P99_MS:.0f} ms", answer["p99"] <= TARGET_P99_MS),
        ("errors non-200 / missing / apology / other",
         f"{errors['http_error']} / {errors['missing']} / {errors['apology']} / {errors['unexpected']}", "0",
         total_errors == 0),
    ]
    if "saved_rows_match" in figures:
        rows.append(("saved rows match confirmations", "yes" if figures["saved_rows_match"] else
                     f"no ({figures['saved_rows_mismatch']} differ)", "yes", figures["saved_rows_match"]))
    rows += [
        ("server errors logged", f"{figures['server_errors_logged']}", "", None),
        ("server RSS end / peak", f"{figures['server_rss_mb']['end']:,.0f} / {figures['server_rss_mb']['peak']:,.0f} MB",
         "", None),
        ("CPU cores: server / stand-in / load generator",
         f"{cpu['server']:.2f} / {cpu['stand-in']:.2f} / {cpu['load generator']:.2f}", "", None),
        ("PostgreSQL busy / connections opened", f"{pg.get('busy', 0):.2f} / {pg.get('connections_opened', 0):,.0f}",
         "", None),
        ("load average 1 min before / mean / after", f"{load['before']:.2f} / {load['mean']:.2f} / {load['after']:.2f}",
         "", None),
    ]
    width = max(len(r[0]) for r in rows)
    value_width = max(len(r[1]) for r in rows)
    lines = [f"\n{title}", "-" * (width + value_width + 26)]
    for label, value, goal, ok in rows:
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        lines.append(f"{label:<{width}}  {value:>{value_width}}  {goal:<16}{mark}")
    return "\n".join(lines)


def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- the run
@dataclass
class Rig:
    """Everything a phase needs: the database, the server, where clients send, the resource watch."""

    url: str
    servers: list[Server]
    targets: list[Target]  # one per server; client k sends to targets[k % len(targets)], as a load balancer would
    resources: Resources

    def target(self, client: int) -> Target:
        return self.targets[client % len(self.targets)]

    def logged_errors(self) -> int:
        return sum(server.logged_errors() for server in self.servers)


@contextmanager
def running_rig(url: str, folder: Path, replicas: int = 1, env: dict[str, str] | None = None,
                keep_alive: bool = False) -> Iterator[Rig]:
    """Start the stand-in (own process) and `replicas` × `podbrief run` against it; stop them afterwards.

    `env` is added to each server's environment; `keep_alive` lets the stand-in keep HTTP/1.1 connections open.
    """
    arrivals: Any = multiprocessing.Queue()
    parent, child = multiprocessing.Pipe()
    stop = multiprocessing.Event()
    standin = multiprocessing.Process(target=serve_standin, args=(arrivals, child, stop, keep_alive),
                                      daemon=True)
    standin.start()
    api_url = parent.recv()
    servers = [Server(url, api_url, folder / f"replica-{n}", env) for n in range(replicas)]
    try:
        for server in servers:
            server.wait_healthy()
        inboxes = Inboxes(arrivals)
        targets = [Target(server.base_url, api_url.removesuffix("api/") + "response/", inboxes) for server in servers]
        yield Rig(url, servers, targets, Resources(servers, standin.pid or 0, url))
    finally:
        for server in servers:
            server.stop()
        stop.set()
        standin.join(timeout=10)


def phase(rig: Rig, name: str, work: list[Callable[[float], list[Sample]]], seconds: float) -> dict[str, Any]:
    """Run the clients for `seconds` under the resource watch; the phase's figures."""
    errors_before, late_before = rig.logged_errors(), rig.targets[0].inboxes.late
    log(f"{name}: {len(work)} clients for {seconds:g} s (load {os.getloadavg()[0]:.2f})")
    with rig.resources.watch() as resources:
        per_client, wall = run_clients(work, seconds)
    samples = [s for client in per_client for s in client]
    return {**summarize(samples, wall), **resources, "late_answers": rig.targets[0].inboxes.late - late_before,
            "server_errors_logged": rig.logged_errors() - errors_before}


def command_phase(rig: Rig, queries: list[str], clients: int, seconds: float, seed: int, prefix: str,
                  think: float = 0.0) -> dict[str, Any]:
    work: list[Callable[[float], list[Sample]]] = [
        partial(command_client, rig.target(k), f"{prefix}{k:03d}", queries, seed=seed + k, think=think)
        for k in range(clients)
    ]
    return phase(rig, "commands", work, seconds)


def event_phase(rig: Rig, messages: list[tuple[str, str]], clients: int, seconds: float, seed: int,
                prefix: str, think: float = 0.0) -> dict[str, Any]:
    reactors = [Reactor(f"{prefix}{k:03d}", messages, seed + k) for k in range(clients)]
    work: list[Callable[[float], list[Sample]]] = [partial(r.run, rig.target(k), think=think)
                                                   for k, r in enumerate(reactors)]
    figures = phase(rig, "reactions", work, seconds)
    time.sleep(1.0)  # anything still being written
    expected = {(r.owner, *m) for r in reactors for m in r.saved}
    stored = saved_rows(rig.url, prefix)
    figures.update(saved_rows=len(stored), saved_rows_match=stored == expected,
                   saved_rows_mismatch=len(stored ^ expected))
    return figures


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    held = ensure_database(args.database_url, args.insights, args.seed)
    engine = create_db_engine(args.database_url)
    queries = [q["query"] for q in make_queries(engine, args.queries, args.seed)]
    engine.dispose()
    messages = prepare_messages(args.database_url, args.messages, args.seed)
    folder = Path(tempfile.mkdtemp(prefix="podbrief-load-"))
    report: dict[str, Any] = {"insights": held, "clients": args.clients, "seconds": args.seconds, "replicas": args.replicas,
                              "cpus": os.cpu_count(), "database": make_url(args.database_url).get_backend_name()}
    with running_rig(args.database_url, folder, args.replicas) as rig:
        log(f"warming up for {args.warmup:g} s")
        command_phase(rig, queries, args.clients, args.warmup, args.seed + 1000, "UW")
        report["commands"] = command_phase(rig, queries, args.clients, args.seconds, args.seed, "UC", args.think)
        report["reactions"] = event_phase(rig, messages, args.clients, args.seconds, args.seed, "UR", args.think)
        report["server_logs"] = [str(server.log_path) for server in rig.servers]
    replicas = f" · {args.replicas} replicas" if args.replicas > 1 else ""
    title = (f"{{}} · {args.clients} clients{replicas} · {args.seconds:g} s · {held:,} insights · "
             f"{report['database']} · {os.cpu_count()} CPUs")
    print(table(title.format("/insights <query> (slash commands)"), report["commands"]))
    print(table(title.format(":bookmark: reaction_added / removed (events)"), report["reactions"]))
    _write_json(report, args.no_json)
    return 0 if _met(report["commands"]) and _met(report["reactions"]) else 1


def _met(figures: dict[str, Any]) -> bool:
    return (figures["ack_ms"]["p99"] <= TARGET_P99_MS and figures["answer_ms"]["p99"] <= TARGET_P99_MS
            and sum(figures["errors"].values()) == 0 and bool(figures.get("saved_rows_match", True)))


def _write_json(report: dict[str, Any], skip: bool) -> None:
    if skip:
        return
    out = BENCH / "results" / f"load_bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"\nJSON: {out.relative_to(BENCH.parent)}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"kept between runs (default {DEFAULT_URL})")
    parser.add_argument("--insights", type=int, default=1_000_000, help="import until the database holds this many")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--replicas", type=int, default=1,
                        help="`podbrief run` processes (web replicas); clients are spread over them as by a load balancer")
    parser.add_argument("--think", type=float, default=0.0, help="seconds each client pauses between requests")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of unmeasured commands first")
    parser.add_argument("--queries", type=int, default=2000, help="distinct queries, a third with a typo")
    parser.add_argument("--messages", type=int, default=3000, help="posted insight messages to react on")
    parser.add_argument("--seed", type=int, default=42, help="corpus and query seed (same as search_bench)")
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/load_bench-*.json")
    return parser


if __name__ == "__main__":
    sys.exit(main())
