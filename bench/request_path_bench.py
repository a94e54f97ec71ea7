"""The paths users wait on, end to end: `/insights <query>` and reactions, over real signed HTTP.

    .venv/bin/python bench/request_path_bench.py                          # 1M insights, SQLite, cached DB
    .venv/bin/python bench/request_path_bench.py --insights 100000 --clients 1 4
    .venv/bin/python bench/request_path_bench.py --database /tmp/pb/insights-1m.sqlite3 --py-spy .../py-spy

One run, one report:

* **in-process search**: `SearchIndex.search(session, query, limit=5)` with a session per query,
  as `bench/search_bench.py` times it, over the same queries (own child process, no server running);
* **raw scan**: rapidfuzz WRatio over every text in memory (`measure.run_baseline`), the baseline;
* **`/insights <query>` end to end**: the real `podbrief run` (HTTP mode, waitress, the real Bolt
  app) is started against a Slack stand-in in its own process (`load_bench.running_rig`); each
  client sends a signed slash command and waits until the answer reaches "Slack": in the ack's
  body when the app answers inline, or at the stand-in's response_url. Closed loop, at each
  `--clients` level in turn (120 queries per client, a third with a typo); the load average of
  the phase is printed beside its figures;
* **stages**: with `--stages`, the server is restarted at LOG_LEVEL=DEBUG and the request log's
  `slack_request_stage … stage=<name> latency_ms=…` lines are summed up per stage (a separate
  phase: DEBUG logging costs time of its own);
* **reactions**: signed `reaction_added` / `reaction_removed` events, open loop at `--rate` for
  `--seconds` (event i is due at i / rate whatever happened before), then a burst of `--burst`
  events sent at once; the mix of `reactions_bench.make_events` (save emoji, thumbs, others,
  header and unknown messages, ~5% retries with new signatures). Figures: events/s achieved, ack
  latency from the due time, when the "Saved"/"Removed" notes arrived, and whether the saved rows
  match a replay of the events once the app has caught up (nothing lost, retries saved once).

The database (SQLite by default, cached under /tmp/pb/ so a 1M build happens once) is built with
`load_bench.ensure_database` (the corpus of bench/corpus.py through `InsightWriter`); with the meaning
extra (and not `--lexical`) every insight then gets a stored random unit vector once (`ensure_vectors`),
so the server's dense stage scans as many vectors as insights.
`--server-pythonpath DIR` runs the server from another checkout (e.g. a `git worktree` of an
older commit) to measure a before/after pair on the same machine and database.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from load_bench import (  # noqa: E402
    APOLOGIES,
    SECRET,
    TEAM,
    Inboxes,
    Rig,
    cpu_seconds,
    ensure_database,
    inline_answer,
    running_rig,
)
from measure import latency_summary, log, make_queries, percentile, run_baseline  # noqa: E402
from reactions_bench import expected_saves, make_events  # noqa: E402
from sqlalchemy import delete, func, make_url, select  # noqa: E402

from standin.slack_requests import event_body, signed_headers, slash_command_body  # noqa: E402
from storage.db import create_db_engine, session_factory  # noqa: E402
from storage.messages_store import record_posted_message  # noqa: E402
from storage.models import Feedback, InsightRow, PostedMessage, SavedInsight  # noqa: E402
from storage.search_index import SearchIndex  # noqa: E402

TARGET_P95_MS = {1: 50.0, 4: 100.0}  # at load ~1 and ~4 (issue #16)
TARGET_REACTIONS_PER_S, TARGET_REACTION_P99_MS = 1000.0, 200.0
WARM_UP_QUERIES = 20
ANSWER_TIMEOUT_S = 10.0
STAGES = ("parse", "plan", "candidates", "rank", "load", "render", "post")
STAGE_LINE = re.compile(r"slack_request_stage .*?stage=(\w+) .*?latency_ms=([0-9.]+)")
SAVE_EMOJI = "bookmark"


def default_database(insights: int) -> Path:
    label = f"{insights // 1_000_000}m" if insights % 1_000_000 == 0 else f"{insights // 1000}k"
    return Path("/tmp/pb") / f"request_path-{label}.sqlite3"


def ensure_vectors(url: str, seed: int, lexical: bool) -> int:
    """Give every insight still without a stored vector a random unit one (once: the database is kept), so
    the server's hybrid search scans as many vectors as insights, as it would once backfilled (embedding 1M
    texts takes hours here). The dense stage's cost does not depend on the values; its answers are judged
    by bench/search_quality.py, not here. Nothing when the server searches lexically. How many were written."""
    from ingest.meaning.services import extra_installed

    if lexical or not extra_installed():
        return 0
    import numpy as np
    from meaning_search import _fill_synthetic

    from ingest.meaning import DIMENSION, MODEL_ID

    engine = create_db_engine(url)
    started = time.perf_counter()
    written = _fill_synthetic(session_factory(engine), MODEL_ID, DIMENSION, seed, np)
    engine.dispose()
    if written:
        log(f"stored {written:,} synthetic vectors in {time.perf_counter() - started:.1f} s (done once)")
    return written


# ---------------------------------------------------------------- in-process search and the raw scan
def _in_process(url: str, queries: list[str], out: Any) -> None:
    """Child process: the search alone, a session per query, after a warm-up: `SearchIndex(engine)` as
    search_bench times it (lexical), and the index the server builds (`search_index`: hybrid, the query
    embedded, when the meaning extra is installed and MATCH_BY_MEANING is on, as by default)."""
    from ingest.meaning.services import search_index

    engine = create_db_engine(url)
    sessions = session_factory(engine)
    figures: dict[str, Any] = {}
    for name, index in (("lexical", SearchIndex(engine)), ("as_served", search_index(engine))):
        for query in queries[:WARM_UP_QUERIES]:
            with sessions() as session:
                index.search(session, query, limit=5)
        load_before = os.getloadavg()[0]
        timings = []
        for query in queries[WARM_UP_QUERIES:]:
            started = time.perf_counter()
            with sessions() as session:
                index.search(session, query, limit=5, team_id=None if name == "lexical" else TEAM)
            timings.append(time.perf_counter() - started)
        figures[name] = {**latency_summary(timings), "hybrid": index.dense is not None,
                         "load": [round(load_before, 2), round(os.getloadavg()[0], 2)]}
    out.send(figures)
    engine.dispose()


def _baseline(url: str, queries: list[str], out: Any) -> None:
    out.send({**run_baseline(url, queries), "load": round(os.getloadavg()[0], 2)})


def in_child(target: Any, *args: Any) -> dict[str, Any]:
    """Run `target(*args, pipe)` in a child process and return what it sent (its memory stays its own)."""
    parent, child = multiprocessing.Pipe()
    process = multiprocessing.Process(target=target, args=(*args, child))
    process.start()
    result: dict[str, Any] = parent.recv()
    process.join()
    return result


# ---------------------------------------------------------------- /insights over HTTP
@dataclass(frozen=True, slots=True)
class Answer:
    """One slash command: HTTP ack and when the answer reached Slack, ms from sending."""

    ack_ms: float
    answer_ms: float | None  # None: no answer within ANSWER_TIMEOUT_S, or not a 200
    how: str  # inline | response_url | missing | http_error
    outcome: str  # ok | apology | empty | missing | http_error


def ask(connection: http.client.HTTPConnection, inboxes: Inboxes, response_base: str, owner: str, key: str,
        query: str) -> Answer:
    """Send one signed `/insights <query>`; the answer is the ack's body or the post to its response_url."""
    body, content_type = slash_command_body(query, response_url=response_base + key, user_id=owner,
                                            channel_id="CLOAD00")
    headers = {"Content-Type": content_type, **signed_headers(SECRET, body)}
    started = time.monotonic()
    try:
        connection.request("POST", "/slack/events", body=body.encode(), headers=headers)
        response = connection.getresponse()
        status, payload = response.status, response.read()
    except (OSError, http.client.HTTPException):
        connection.close()
        return Answer((time.monotonic() - started) * 1000, None, "http_error", "http_error")
    acked = time.monotonic()
    ack_ms = (acked - started) * 1000
    if status != 200:
        return Answer(ack_ms, None, "http_error", "http_error")
    inline = inline_answer(payload)
    if inline is not None:
        return Answer(ack_ms, ack_ms, "inline", _outcome(inline))
    arrival = inboxes.wait(owner, key, started + ANSWER_TIMEOUT_S)
    if arrival is None:
        return Answer(ack_ms, None, "missing", "missing")
    return Answer(ack_ms, (arrival.at - started) * 1000, "response_url", _outcome(arrival.text))


def _outcome(text: str) -> str:
    return "apology" if text in APOLOGIES else "ok" if text else "empty"


def command_phase(rig: Rig, queries: list[str], clients: int, seed: int, prefix: str,
                  own: list[list[str]] | None = None) -> dict[str, Any]:
    """`clients` closed-loop clients, each sending every query once in its own order (or, with `own`, client
    k its own list `own[k]`); figures and load."""
    answers: list[list[Answer]] = [[] for _ in range(clients)]

    def client(k: int) -> None:
        target = rig.target(k)  # with --replicas, client k talks to replica k % replicas
        host, port = target.base_url.removeprefix("http://").split(":")
        mine = queries if own is None else own[k]
        order = random.Random(seed + k).sample(mine, len(mine))
        connection = http.client.HTTPConnection(host, int(port), timeout=ANSWER_TIMEOUT_S)
        owner = f"{prefix}{k:03d}"
        for n, query in enumerate(order):
            answers[k].append(ask(connection, target.inboxes, target.response_base, owner, f"{owner}-{n}", query))
        connection.close()

    with rig.resources.watch() as resources:
        threads = [threading.Thread(target=client, args=(k,), daemon=True) for k in range(clients)]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.monotonic() - started
    flat = [a for per in answers for a in per]
    answered = [a.answer_ms for a in flat if a.answer_ms is not None]
    return {
        "clients": clients, "requests": len(flat), "wall_seconds": round(wall, 2),
        "answered_per_s": round(len(answered) / wall, 1),
        "answer_ms": _quantiles(answered), "ack_ms": _quantiles([a.ack_ms for a in flat]),
        "how": dict(Counter(a.how for a in flat)), "outcomes": dict(Counter(a.outcome for a in flat)),
        **resources,
    }


def _quantiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {"p50": float("nan"), "p95": float("nan"), "p99": float("nan"), "max": float("nan")}
    return {f"p{q}": round(percentile(values, q), 1) for q in (50, 95, 99)} | {"max": round(max(values), 1)}


def stage_figures(log_path: Path) -> dict[str, dict[str, float]]:
    """Per stage of the request log's DEBUG lines: count, p50, p95, mean (ms)."""
    per: dict[str, list[float]] = defaultdict(list)
    for line in log_path.read_text(errors="replace").splitlines():
        if match := STAGE_LINE.search(line):
            per[match[1]].append(float(match[2]))
    order = [s for s in STAGES if s in per] + sorted(set(per) - set(STAGES))
    return {s: {"count": len(per[s]), "p50": round(percentile(per[s], 50), 2), "p95": round(percentile(per[s], 95), 2),
                "mean": round(sum(per[s]) / len(per[s]), 2)} for s in order}


# ---------------------------------------------------------------- profiling the server
class Profiler:
    """py-spy recording the server process (all threads, native frames off) while a phase runs."""

    def __init__(self, py_spy: str | None, pid: int, out: Path, gil: bool = False) -> None:
        """With `gil`, only samples of the thread holding the GIL (py-spy --gil): where the GIL goes."""
        self.out, self.process = out, None
        if py_spy:
            self.process = subprocess.Popen(
                [py_spy, "record", "--pid", str(pid), "--rate", "250", "--format", "raw", "--output", str(out),
                 "--nonblocking", "--threads", *(["--gil"] if gil else [])],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(1.0)

    def stop(self) -> list[tuple[str, float]] | None:
        """Stop recording; the functions where the most samples were spent (own + below), as shares."""
        if self.process is None:
            return None
        self.process.send_signal(2)
        self.process.wait(timeout=30)
        return top_frames(self.out)


def top_frames(collapsed: Path, limit: int = 25) -> list[tuple[str, float]]:
    """From py-spy's collapsed stacks: the share of busy samples under each function (inclusive), top `limit`."""
    inclusive: Counter[str] = Counter()
    total = 0
    for line in collapsed.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        if any(idle in frames[-1] for idle in ("wait (threading.py", "select (", "poll (", "_wait_for_tstate_lock",
                                                "get (queue.py", "accept (", "sleep")):
            continue  # an idle thread waiting for work
        total += int(count)
        for frame in set(frames[1:]):
            inclusive[frame] += int(count)
    return [(frame, round(100 * n / max(total, 1), 1)) for frame, n in inclusive.most_common(limit)]


# ---------------------------------------------------------------- reactions over HTTP
def prepare_reaction_messages(url: str, count: int, seed: int) -> tuple[list[str], list[str]]:
    """Forget earlier runs' bench rows; record `count` posted insight messages and 50 digest headers."""
    engine = create_db_engine(url)
    sessions = session_factory(engine)
    rng = random.Random(seed)
    with sessions.begin() as session:
        for model in (SavedInsight, Feedback, PostedMessage):
            session.execute(delete(model).where(model.team_id == TEAM))
        top = session.scalar(select(func.max(InsightRow.id))) or 0
        insight_ts, header_ts = [], []
        for n, insight_id in enumerate(rng.sample(range(1, top + 1), min(count, top))):
            ts = f"1800000000.{n:06d}"
            record_posted_message(session, TEAM, f"C{n % 50:04d}", ts, insight_id)
            insight_ts.append(ts)
        for n in range(50):
            ts = f"1800000001.{n:06d}"
            record_posted_message(session, TEAM, f"C{n:04d}", ts, None, "digest_header")
            header_ts.append(ts)
    engine.dispose()
    return insight_ts, header_ts


def reaction_events(count: int, insight_ts: list[str], header_ts: list[str], users: int, seed: int,
                    prefix: str) -> list[dict[str, Any]]:
    """`make_events`' mix, with user ids of this phase's own (`U<prefix>…`) so phases do not overlap."""
    events = make_events(count, insight_ts, header_ts, users, seed)
    for item in events:
        item["event"] = {**item["event"], "user": f"U{prefix}{item['event']['user'][1:]}"}
        item["event_id"] = f"Ev{prefix}{item['event_id'][2:]}"
    return events


def open_home_tabs(rig: Rig, events: list[dict[str, Any]], senders: int) -> int:
    """`--home-opened`: every person of `events` opens their Home tab first (so each save rebuilds it, the
    app's costliest case), then a pause for the publishes to finish; how many opened."""
    people = sorted({item["event"]["user"] for item in events})
    openings = [{"event": {"type": "app_home_opened", "user": person, "tab": "home", "channel": "D" + person[1:],
                           "event_ts": f"{n}.5"}, "event_id": f"EvH{person}", "retry": 0}
                for n, person in enumerate(people)]
    send_events(rig.targets[0].base_url, openings, None, senders)
    time.sleep(5)
    return len(people)


def expected_notes(events: list[dict[str, Any]], insight_ts: set[str], header_ts: set[str]) -> dict[str, list[int]]:
    """Per user, the indexes of the events that must bring an ephemeral note (a change of what is saved,
    or the first save emoji on a digest header), replaying the events in order."""
    saved: set[tuple[str, str]] = set()
    hinted: set[tuple[str, str]] = set()
    notes: dict[str, list[int]] = defaultdict(list)
    for n, item in enumerate(events):
        event = item["event"]
        user, ts = event["user"], event["item"]["ts"]
        if event["reaction"] != SAVE_EMOJI:
            continue
        if ts in header_ts and event["type"] == "reaction_added" and (user, ts) not in hinted:
            hinted.add((user, ts))
            notes[user].append(n)
        elif ts in insight_ts:
            key, adding = (user, ts), event["type"] == "reaction_added"
            if adding != (key in saved):
                (saved.add if adding else saved.discard)(key)
                notes[user].append(n)
    return notes


def send_events(base_url: str, events: list[dict[str, Any]], rate: float | None, senders: int
                ) -> tuple[list[float], list[float], list[float], float, Counter[int]]:
    """Send signed events, open loop (event i due at i / rate; all at once when rate is None).

    Returns (due time per event, ms from due to ack, ms from sending to ack, wall seconds, statuses).
    """
    host, port = base_url.removeprefix("http://").split(":")
    requests = []
    for item in events:  # signed up front: not part of the timing
        body, _ = event_body(item["event"], team_id=TEAM, event_id=item["event_id"])
        headers = {"Content-Type": "application/json", **signed_headers(SECRET, body, int(time.time()) + item["retry"])}
        if item["retry"]:
            headers.update({"X-Slack-Retry-Num": str(item["retry"]), "X-Slack-Retry-Reason": "http_timeout"})
        requests.append((body.encode(), headers))
    due, from_due, handling = [0.0] * len(events), [0.0] * len(events), [0.0] * len(events)
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    counter = itertools.count()
    start = time.monotonic() + 0.3

    def sender() -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        while (n := next(counter)) < len(requests):
            due[n] = start + (n / rate if rate else 0.0)
            if (delay := due[n] - time.monotonic()) > 0:
                time.sleep(delay)
            sent = time.monotonic()
            try:
                connection.request("POST", "/slack/events", body=requests[n][0], headers=requests[n][1])
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                status = 0
            done = time.monotonic()
            from_due[n], handling[n] = (done - due[n]) * 1000, (done - sent) * 1000
            with lock:
                statuses[status] += 1
        connection.close()

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return due, from_due, handling, time.monotonic() - start, statuses


def saved_now(url: str, prefix: str) -> set[tuple[str, int]]:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        rows = {(r[0], r[1]) for r in connection.execute(
            select(SavedInsight.user_id, SavedInsight.insight_id)
            .where(SavedInsight.team_id == TEAM, SavedInsight.user_id.startswith(f"U{prefix}")))}
    engine.dispose()
    return rows


def reaction_phase(rig: Rig, name: str, events: list[dict[str, Any]], rate: float | None, senders: int,
                   insight_ts: list[str], header_ts: list[str]) -> dict[str, Any]:
    """Send the events; wait until the saved rows match the replay (or 60 s); figures."""
    prefix = events[0]["event"]["user"][1:3]
    ts_to_insight = _ts_to_insight(rig.url)
    expected = expected_saves(events, ts_to_insight)
    notes = expected_notes(events, set(insight_ts), set(header_ts))
    log(f"reactions ({name}): {len(events):,} events at {f'{rate:,.0f}/s' if rate else 'once (burst)'}, "
        f"load {os.getloadavg()[0]:.2f}")
    cpu_before = cpu_seconds(rig.servers[0].process.pid)
    with rig.resources.watch() as resources:
        due, from_due, handling, wall, statuses = send_events(rig.targets[0].base_url, events, rate, senders)
    sent_at = time.monotonic()
    waited, stored = 0.0, saved_now(rig.url, prefix)
    while stored != expected and waited < 60:
        time.sleep(0.25)
        waited = time.monotonic() - sent_at
        stored = saved_now(rig.url, prefix)
    inboxes = rig.targets[0].inboxes
    arrived: dict[str, list[float]] = {}
    wanted = sum(len(v) for v in notes.values())
    note_deadline = time.monotonic() + 20
    while time.monotonic() < note_deadline:
        for user in notes:
            box = inboxes.box(user)
            while not box.empty():
                arrived.setdefault(user, []).append(box.get().at)
        if sum(len(v) for v in arrived.values()) >= wanted:
            break
        time.sleep(0.2)
    server_cpu = cpu_seconds(rig.servers[0].process.pid) - cpu_before  # until caught up and every note sent
    note_ms = [(at - due[n]) * 1000 for user, indexes in notes.items()
               for n, at in zip(indexes, sorted(arrived.get(user, [])), strict=False)]
    return {
        "events": len(events), "offered_per_s": rate, "achieved_per_s": round(len(events) / wall, 1),
        "statuses": dict(statuses), "ack_from_due_ms": _quantiles(from_due), "ack_ms": _quantiles(handling),
        "notes_expected": wanted, "notes_arrived": sum(len(v) for v in arrived.values()),
        "note_from_due_ms": _quantiles(note_ms),
        "saved_rows": len(stored), "saved_rows_expected": len(expected), "saved_rows_match": stored == expected,
        "caught_up_after_s": round(waited, 2), "server_cpu_ms_per_event": round(1000 * server_cpu / len(events), 3),
        **resources,
    }


def _ts_to_insight(url: str) -> dict[str, int]:
    engine = create_db_engine(url)
    with engine.connect() as connection:
        rows = {r[0]: r[1] for r in connection.execute(select(PostedMessage.ts, PostedMessage.insight_id).where(
            PostedMessage.team_id == TEAM, PostedMessage.kind == "insight")) if r[1] is not None}
    engine.dispose()
    return rows


# ---------------------------------------------------------------- the report
def print_report(report: dict[str, Any]) -> None:
    rows: list[tuple[str, str, str, bool | None]] = []
    scan = report.get("raw_scan")
    for name, search in report["in_process_search"].items():
        label = "lexical, search_bench's path" if name == "lexical" else \
            f"as the server searches: {'hybrid, query embedded' if search['hybrid'] else 'lexical'}"
        rows.append((f"in-process search ({label}) p50 / p95 / p99",
                     f"{search['p50_ms']:.1f} / {search['p95_ms']:.1f} / {search['p99_ms']:.1f} ms  "
                     f"(load {search['load'][0]:.1f}->{search['load'][1]:.1f})", "", None))
    if scan:
        rows.append(("raw rapidfuzz WRatio scan p50 (baseline)", f"{scan['p50_ms']:,.0f} ms (n={scan['count']}, "
                     f"load {scan['load']:.1f})", "", None))
    for phase in report["commands"]:
        answer, load = phase["answer_ms"], phase["load_average_1min"]
        target = TARGET_P95_MS.get(phase["clients"], TARGET_P95_MS[4] if phase["clients"] > 1 else TARGET_P95_MS[1])
        rows.append((f"/insights end to end, {phase['clients']} client(s): p50 / p95 / p99",
                     f"{answer['p50']:.1f} / {answer['p95']:.1f} / {answer['p99']:.1f} ms", f"p95 <= {target:.0f} ms",
                     answer["p95"] <= target))
        rows.append(("   ack p50 / p95; how answered; outcomes",
                     f"{phase['ack_ms']['p50']:.1f} / {phase['ack_ms']['p95']:.1f} ms; {phase['how']}; "
                     f"{phase['outcomes']}", "", None))
        rows.append(("   load 1 min before / mean / after; server CPU cores; CPU ms per command",
                     f"{load['before']:.2f} / {load['mean']:.2f} / {load['after']:.2f}; "
                     f"{phase['cpu_cores']['server']:.2f}; {phase['server_cpu_ms_per_request']:.1f}", "", None))
        if scan:
            rows.append(("   raw scan / end-to-end p95", f"{scan['p50_ms'] / max(answer['p95'], 0.001):,.0f}x", "", None))
    for name, phase in report["reactions"].items():
        load = phase["load_average_1min"]
        paced = phase["offered_per_s"] is not None
        rows.append((f"reactions ({name}): events/s achieved", f"{phase['achieved_per_s']:,.0f} "
                     f"(offered {phase['offered_per_s'] or 'all at once'})",
                     f">= {TARGET_REACTIONS_PER_S:,.0f}/s" if paced else "",
                     phase["achieved_per_s"] >= 0.98 * TARGET_REACTIONS_PER_S if paced else None))
        ack = phase["ack_from_due_ms"]
        rows.append(("   ack from due p50 / p95 / p99", f"{ack['p50']:.1f} / {ack['p95']:.1f} / {ack['p99']:.1f} ms",
                     f"p99 <= {TARGET_REACTION_P99_MS:.0f} ms" if paced else "",
                     ack["p99"] <= TARGET_REACTION_P99_MS if paced else None))
        note = phase["note_from_due_ms"]
        rows.append(("   note at Slack from due p50 / p95 / p99",
                     f"{note['p50']:.1f} / {note['p95']:.1f} / {note['p99']:.1f} ms "
                     f"({phase['notes_arrived']}/{phase['notes_expected']})", "", None))
        rows.append(("   saved rows match the replay (nothing lost, retries once)",
                     f"{'yes' if phase['saved_rows_match'] else 'NO'} ({phase['saved_rows']}/"
                     f"{phase['saved_rows_expected']}, caught up {phase['caught_up_after_s']} s after the last ack)",
                     "yes", phase["saved_rows_match"]))
        rows.append(("   statuses; load before / mean / after; server CPU ms per event",
                     f"{phase['statuses']}; {load['before']:.2f} / {load['mean']:.2f} / {load['after']:.2f}; "
                     f"{phase['server_cpu_ms_per_event']:.2f}", "", None))
    width = max(len(r[0]) for r in rows)
    print(f"\n{report['insights']:,} insights · {report['database']} · {os.cpu_count()} CPUs · "
          f"server code {report['server_code']} · {report.get('replicas', 1)} server process(es) · MATCH_BY_MEANING {'on' if report['match_by_meaning'] else 'off'}"
          f"{' · queries distinct per client' if report.get('distinct_queries') else ''}")
    print("-" * 110)
    for label, value, goal, ok in rows:
        mark = "" if ok is None else ("ok" if ok else "MISSED")
        print(f"{label:<{width}}  {value}  {goal} {mark}".rstrip())
    if report.get("stages"):
        stages = report["stages"]
        print(f"\nstages at LOG_LEVEL=DEBUG ({stages['phase']['answer_ms']['p50']:.1f} / "
              f"{stages['phase']['answer_ms']['p95']:.1f} ms end to end p50 / p95 in that phase):")
        for stage, figures in stages["per_stage"].items():
            print(f"  {stage:<12} p50 {figures['p50']:7.2f}  p95 {figures['p95']:7.2f}  mean {figures['mean']:7.2f} ms"
                  f"  (n={figures['count']})")
    if report.get("profile"):
        print("\nserver profile (py-spy, share of busy samples under each function):")
        for frame, share in report["profile"]:
            print(f"  {share:5.1f}%  {frame[:140]}")


# ---------------------------------------------------------------- the run
def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.database_url:
        url, label = args.database_url, f"PostgreSQL {make_url(args.database_url).database}"
    else:
        database = Path(args.database or default_database(args.insights))
        url, label = f"sqlite:///{database}", f"SQLite {database}"
    held = ensure_database(url, args.insights, args.seed)
    synthetic = ensure_vectors(url, args.seed, args.lexical)
    engine = create_db_engine(url)
    # --distinct-queries: every client of every level its own queries (after them, the in-process phases' `queries`)
    own_count = args.queries * sum(args.clients) if args.distinct_queries else 0
    queries = [q["query"] for q in make_queries(engine, args.queries + WARM_UP_QUERIES + own_count, args.seed)]
    engine.dispose()
    warm_up, queries = queries[:WARM_UP_QUERIES], queries[WARM_UP_QUERIES:]
    queries, distinct = queries[: args.queries], queries[args.queries :]
    report: dict[str, Any] = {"insights": held, "database": label, "queries": len(queries),
                              "distinct_queries": args.distinct_queries,
                              "typo_share": "1/3", "server_code": args.server_pythonpath or "this checkout",
                              "match_by_meaning": not args.lexical, "synthetic_vectors_written": synthetic,
                              "home_opened_first": args.home_opened, "replicas": args.replicas}
    report["in_process_search"] = {}
    if not args.no_in_process:
        log(f"in-process search: {len(queries)} queries")
        report["in_process_search"] = in_child(_in_process, url, warm_up + queries)
    if args.baseline_queries:
        log(f"raw scan baseline: {args.baseline_queries} queries")
        report["raw_scan"] = in_child(_baseline, url, queries[: args.baseline_queries])
    insight_ts, header_ts = prepare_reaction_messages(url, args.messages, args.seed)
    env = {"PYTHONPATH": args.server_pythonpath} if args.server_pythonpath else {}
    if args.lexical:
        env["MATCH_BY_MEANING"] = "false"
    folder = Path(tempfile.mkdtemp(prefix="podbrief-request-path-"))
    with running_rig(url, folder, replicas=args.replicas, env=env, keep_alive=True) as rig:
        server = rig.servers[0]
        report["vectors_loaded"] = _wait_for_vectors(server.log_path, args.lexical)
        for replica in rig.servers[1:]:
            _wait_for_vectors(replica.log_path, args.lexical)
        log("warming up")
        command_phase(rig, warm_up, 1, args.seed + 1000, "UW")
        report["commands"] = []
        for level, clients in enumerate(args.clients):
            profiler = Profiler(args.py_spy if level == 0 and args.profile == "commands" else None, server.process.pid,
                                folder / "profile.txt", args.gil)
            cpu_before = sum(cpu_seconds(replica.process.pid) for replica in rig.servers)
            log(f"/insights: {clients} client(s) x {len(queries)} queries (load {os.getloadavg()[0]:.2f})")
            own = None
            if args.distinct_queries:
                own = [distinct[k * args.queries : (k + 1) * args.queries] for k in range(clients)]
                distinct = distinct[clients * args.queries :]
            phase = command_phase(rig, queries, clients, args.seed + 10 * clients, f"UC{clients}", own)
            phase["server_cpu_seconds"] = round(sum(cpu_seconds(r.process.pid) for r in rig.servers) - cpu_before, 2)
            phase["server_cpu_ms_per_request"] = round(1000 * phase["server_cpu_seconds"] / max(phase["requests"], 1), 2)
            report["commands"].append(phase)
            if (profile := profiler.stop()) is not None:
                report["profile"] = profile
                report["profile_file"] = str(profiler.out)
        report["reactions"] = {}
        if args.seconds > 0:
            events = reaction_events(int(args.rate * args.seconds), insight_ts, header_ts, args.users, args.seed, "RP")
            if args.home_opened:
                log(f"{open_home_tabs(rig, events, args.senders):,} people open their Home tab first")
            profiler = Profiler(args.py_spy if args.profile == "reactions" else None, server.process.pid,
                                folder / "profile-reactions.txt", args.gil)
            report["reactions"]["paced"] = reaction_phase(rig, "paced", events, args.rate, args.senders,
                                                          insight_ts, header_ts)
            if (profile := profiler.stop()) is not None:
                report["profile"], report["profile_file"] = profile, str(profiler.out)
        if args.burst > 0:
            events = reaction_events(args.burst, insight_ts, header_ts, args.users, args.seed + 1, "RB")
            if args.home_opened:
                log(f"{open_home_tabs(rig, events, args.senders):,} people open their Home tab first")
            report["reactions"]["burst"] = reaction_phase(rig, "burst", events, None, args.senders,
                                                          insight_ts, header_ts)
        report["server_log"] = str(server.log_path)
        report["server_errors_logged"] = rig.logged_errors()
    if args.stages:
        with running_rig(url, folder / "stages", env=env | {"LOG_LEVEL": "DEBUG"}, keep_alive=True) as rig:
            _wait_for_vectors(rig.servers[0].log_path, args.lexical)
            command_phase(rig, warm_up, 1, args.seed + 1000, "UW")
            phase = command_phase(rig, queries, 1, args.seed + 5, "US")
            report["stages"] = {"phase": phase, "per_stage": stage_figures(rig.servers[0].log_path)}
    print_report(report)
    if not args.no_json:
        out = BENCH / "results" / f"request_path_bench-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(report, indent=2, default=str))
        print(f"\nJSON: {out.relative_to(BENCH.parent)}")
    return 0


#: How long the timed phases wait for the server's background load of the stored vectors.
VECTOR_LOAD_WAIT_SECONDS = 300.0


def _wait_for_vectors(log_path: Path, lexical: bool) -> str | None:
    """Wait until the server has loaded its stored vectors (its "Loaded N stored vectors" line), so the
    timed phases measure searches over all of them, not the background load (46 s of CPU at 1M).

    None when the server searches lexically (`--lexical`, or the extra missing: no such line comes)."""
    from ingest.meaning.services import extra_installed

    if lexical or not extra_installed():
        return None
    deadline = time.monotonic() + VECTOR_LOAD_WAIT_SECONDS
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace") if log_path.exists() else ""
        if found := re.search(r"Loaded \d+ stored vectors in [\d.]+ s", text):
            log(found.group(0))
            return found.group(0)
        time.sleep(0.5)
    log(f"the server had not loaded its vectors after {VECTOR_LOAD_WAIT_SECONDS:.0f} s: timing anyway")
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--insights", type=int, default=1_000_000, help="build until the database holds this many")
    parser.add_argument("--database", help="SQLite file, built once and reused (default /tmp/pb/request_path-<N>.sqlite3)")
    parser.add_argument("--database-url", help="a PostgreSQL database instead (e.g. postgresql+psycopg://postgres@"
                        "127.0.0.1:5432/podbrief_request_path): created if missing, built once and kept")
    parser.add_argument("--queries", type=int, default=120, help="timed queries per client (a third with a typo)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4],
                        help="closed-loop client counts, one command phase each (default 1 4)")
    parser.add_argument("--baseline-queries", type=int, default=3, help="queries of the raw scan (seconds each at 1M)")
    parser.add_argument("--rate", type=float, default=1000.0, help="reaction events per second offered")
    parser.add_argument("--seconds", type=float, default=5.0, help="length of the paced reaction phase (0: none)")
    parser.add_argument("--burst", type=int, default=2000, help="events of the burst phase, sent at once (0: none)")
    parser.add_argument("--senders", type=int, default=64, help="connections sending reaction events")
    parser.add_argument("--messages", type=int, default=2000, help="posted insight messages to react on")
    parser.add_argument("--users", type=int, default=500, help="people reacting")
    parser.add_argument("--replicas", type=int, default=1,
                        help="`podbrief run` processes; client k of a /insights phase talks to replica k %% N "
                             "(reactions go to the first)")
    parser.add_argument("--home-opened", action="store_true",
                        help="each reacting person opens their Home tab first (then every save rebuilds it)")
    parser.add_argument("--stages", action="store_true", help="a DEBUG phase summing the request log's stage timers")
    parser.add_argument("--py-spy", help="path to py-spy: profile the server during one phase (--profile)")
    parser.add_argument("--profile", choices=("commands", "reactions"), default="commands",
                        help="the phase py-spy records: the first command phase, or the paced reactions")
    parser.add_argument("--gil", action="store_true", help="py-spy samples only the thread holding the GIL")
    parser.add_argument("--server-pythonpath", help="run `podbrief run` from this checkout (PYTHONPATH)")
    parser.add_argument("--lexical", action="store_true",
                        help="run the server with MATCH_BY_MEANING=false (no query embedding; default: as installed)")
    parser.add_argument("--no-in-process", action="store_true",
                        help="skip the in-process search phase (for repeated end-to-end A/B runs)")
    parser.add_argument("--distinct-queries", action="store_true",
                        help="every client of every level sends queries of its own: none repeats, so no phase is "
                             "served from the server's cache of query vectors (by default the levels send the same "
                             "queries, and every level after the first finds them all cached)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--no-json", action="store_true", help="do not write bench/results/request_path_bench-*.json")
    return parser


if __name__ == "__main__":
    sys.exit(main())
