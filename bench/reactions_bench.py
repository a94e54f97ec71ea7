"""Reaction benchmark: signed reaction events through `app.dispatch` at a target rate, on SQLite or PostgreSQL.

    .venv/bin/python bench/reactions_bench.py                      # 1,000 events/s for 10 s, SQLite
    .venv/bin/python bench/reactions_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

The app is the real one (every listener, the replay guard, Bolt's signature check) except
that it runs listeners before answering (`process_before_response=True`), so the time
`app.dispatch` takes is what Slack waits for: signature check and queueing the reaction
(bot.saving.reactions). The writes (workspace settings, message lookup, save/feedback, many
reactions per transaction) and the ephemeral confirmations (chat.postEphemeral against the
Slack stand-in, which runs in its own process so it does not share this one's GIL) follow
on the app's own threads: "caught up" says when the last of them was done, after the last
event was handled. For signed HTTP end to end, see bench/request_path_bench.py. The Home refresh after a save (users.conversations +
views.publish) runs on the app's background thread, coalesced per person, in this same
process: it costs CPU here but is not part of the handling time (reported: how many ran,
and how many were still waiting when the last event was handled). Events are sent open-loop: event i
is due at i / rate seconds whatever happened before, so a slow system shows up as queueing
("latency", from the due time) and not as a politely lower offered load.

The mix: save emoji added/removed, thumbs up/down, other emojis, reactions on messages the
bot did not post and on digest headers, plus ~5% retries of an earlier event (same body,
new signature, X-Slack-Retry-Num). Afterwards every saved row must match a replay of the
events in order (one row per person and insight, nothing doubled).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from measure import percentile
from slack_bolt import App
from slack_bolt.request import BoltRequest
from sqlalchemy import func, select, text

from bot.bootstrap import build_deps as open_storage
from bot.config import Settings
from bot.listeners import register_all
from bot.runtime.ordered_work import OrderedWork
from bot.runtime.replay_guard import RejectReplays
from insights.model import NewInsight
from standin.slack_requests import event_body, signed_headers
from storage.channels_store import update_workspace
from storage.db import create_db_engine
from storage.insights_store import InsightWriter
from storage.messages_store import record_posted_message
from storage.models import InsightRow, SavedInsight

TOKEN = "xoxb-reactions-bench"
SECRET = "be9c4be9c4be9c4be9c4be9c4be9c4be"
TEAM = "T0STANDIN"
EMOJIS = (("bookmark", 0.55), ("+1", 0.2), ("-1", 0.1), ("tada", 0.1), ("thumbsup::skin-tone-2", 0.05))


def serve_standin(port_out: Any, stop: Any) -> None:
    """The Slack stand-in in a child process; reports its API URL, serves until told to stop."""
    from standin.slack_api import SlackStandIn

    with SlackStandIn(bot_token=TOKEN) as slack:
        port_out.send(slack.api_url)
        stop.wait()
        port_out.send({m: len(slack.calls(m)) for m in ("chat.postEphemeral", "views.publish", "users.conversations")})


def prepare(url: str, messages: int, folder: str, confirmations: bool) -> tuple[list[str], list[str]]:
    """A fresh schema, insights, and the bot's posted messages: (insight message ts, header ts)."""
    engine = create_db_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    deps = open_storage(Settings(database_url=url, data_dir=Path(folder), slack_bot_token=TOKEN,
                                 slack_signing_secret=SECRET))  # migrates
    items = [NewInsight(f"Benchmark insight {n} about chips, rates and policy number {n * 7919 % 10007}.",
                        podcast=f"Podcast {n % 40}", episode=f"Episode {n}", topics=(f"topic {n % 25}",))
             for n in range(messages)]
    with deps.sessions.begin() as session:
        InsightWriter(session).add(items)
        ids = list(session.scalars(select(InsightRow.id).order_by(InsightRow.id)))
        insight_ts, header_ts = [], []
        for n, insight_id in enumerate(ids):
            ts = f"1800000000.{n:06d}"
            record_posted_message(session, TEAM, f"C{n % 50:04d}", ts, insight_id)
            insight_ts.append(ts)
        for n in range(50):
            ts = f"1800000001.{n:06d}"
            record_posted_message(session, TEAM, f"C{n:04d}", ts, None, "digest_header")
            header_ts.append(ts)
        if not confirmations:
            update_workspace(session, TEAM, by_user=None, change="bench", save_confirmations=False)
    deps.engine.dispose()
    return insight_ts, header_ts


def make_events(count: int, insight_ts: list[str], header_ts: list[str], users: int, seed: int) -> list[dict[str, Any]]:
    """Reaction envelopes (not yet signed), in the order they are sent."""
    rng = random.Random(seed)
    names = [name for name, _ in EMOJIS]
    weights = [weight for _, weight in EMOJIS]
    events: list[dict[str, Any]] = []
    on: set[tuple[str, str, str]] = set()  # (user, ts, emoji) currently on
    retries: dict[str, int] = {}
    for n in range(count):
        if events and rng.random() < 0.05:
            earlier = rng.choice(events[-200:])
            retry = retries.get(earlier["event_id"], 0) + 1
            if retry <= 3:  # Slack retries an event at most 3 times, each retry number once
                retries[earlier["event_id"]] = retry
                events.append({**earlier, "retry": retry})
                continue
        roll = rng.random()
        ts = rng.choice(header_ts) if roll < 0.03 else f"9.{n}" if roll < 0.08 else rng.choice(insight_ts)
        index = int(ts.split(".")[1]) if ts.startswith("18") else 0
        user, emoji = f"U{rng.randrange(users):05d}", rng.choices(names, weights)[0]
        added = (user, ts, emoji) not in on
        (on.add if added else on.discard)((user, ts, emoji))
        event = {"type": "reaction_added" if added else "reaction_removed", "user": user, "reaction": emoji,
                 "item": {"type": "message", "channel": f"C{index % 50:04d}", "ts": ts}, "event_ts": f"{n}.0"}
        events.append({"event": event, "event_id": f"Ev{n:08d}", "retry": 0})
    return events


def to_request(item: dict[str, Any]) -> BoltRequest:
    body, _ = event_body(item["event"], team_id=TEAM, event_id=item["event_id"])
    headers: dict[str, str | Sequence[str]] = {
        "content-type": "application/json", **signed_headers(SECRET, body, int(time.time()) + item["retry"])}
    if item["retry"]:
        headers.update({"x-slack-retry-num": str(item["retry"]), "x-slack-retry-reason": "http_timeout"})
    return BoltRequest(body=body, headers=headers)


def expected_saves(events: list[dict[str, Any]], ts_to_insight: dict[str, int]) -> set[tuple[str, int]]:
    saved: set[tuple[str, int]] = set()
    for item in events:
        event = item["event"]
        insight = ts_to_insight.get(event["item"]["ts"])
        if event["reaction"] != "bookmark" or insight is None:
            continue
        (saved.add if event["type"] == "reaction_added" else saved.discard)((event["user"], insight))
    return saved




def run(app: App, events: list[dict[str, Any]], rate: float, workers: int) -> tuple[list[float], list[float], float, int]:
    """Dispatch open-loop at `rate`; (handling ms, latency ms from due time, seconds, non-200 count)."""
    requests = [to_request(item) for item in events]  # signed up front: not part of the timing
    handling: list[float] = [0.0] * len(requests)
    latency: list[float] = [0.0] * len(requests)
    failures = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.2

    def one(n: int) -> None:
        due = start + n / rate
        begun = time.perf_counter()
        response = app.dispatch(requests[n])
        done = time.perf_counter()
        handling[n], latency[n] = (done - begun) * 1000, (done - due) * 1000
        if response.status != 200:
            with lock:
                failures[0] += 1

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for n in range(len(requests)):
            delay = start + n / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            pool.submit(one, n)
    elapsed = time.perf_counter() - start
    return handling, latency, elapsed, failures[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=float, default=1000.0, help="events per second offered (target 1,000)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--messages", type=int, default=2000, help="insight messages the bot posted")
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--workers", type=int, default=32, help="dispatch threads (HTTP server threads)")
    parser.add_argument("--no-confirmations", action="store_true", help="turn the ephemeral save confirmations off")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="podbrief-reactions-")
    url = args.database_url or f"sqlite:///{folder}/reactions.sqlite3"
    insight_ts, header_ts = prepare(url, args.messages, folder, not args.no_confirmations)
    events = make_events(int(args.rate * args.seconds), insight_ts, header_ts, args.users, args.seed)

    parent, child = multiprocessing.Pipe()
    stop = multiprocessing.Event()
    standin = multiprocessing.Process(target=serve_standin, args=(child, stop), daemon=True)
    standin.start()
    api_url = parent.recv()
    settings = Settings(database_url=url, data_dir=Path(folder), slack_bot_token=TOKEN, slack_signing_secret=SECRET,
                        slack_api_url=api_url)
    deps = open_storage(settings)
    app = App(client=deps.slack, signing_secret=SECRET, process_before_response=True, token_verification_enabled=False)
    app.use(RejectReplays())
    register_all(app, deps)

    cpu_before = time.process_time()  # this process: dispatch, writer, notes, Home refreshes (the stand-in is apart)
    handling, latency, elapsed, failures = run(app, events, args.rate, args.workers)
    handled_at = time.perf_counter()
    OrderedWork.wait_all_idle(timeout=120)  # the queued writes and confirmations
    caught_up = time.perf_counter() - handled_at
    home_backlog = deps.background.waiting
    deps.background.wait_idle(timeout=60)
    cpu_ms_per_event = 1000 * (time.process_time() - cpu_before) / len(events)
    stop.set()
    slack_calls = parent.recv()
    standin.join(timeout=5)
    with deps.sessions() as session:
        stored = {(r[0], r[1]) for r in session.execute(select(SavedInsight.user_id, SavedInsight.insight_id))}
        rows = session.scalar(select(func.count()).select_from(SavedInsight)) or 0
        ts_to_insight = {r[0]: r[1] for r in session.execute(text("SELECT ts, insight_id FROM posted_messages WHERE kind = 'insight'"))}
    deps.engine.dispose()
    expected = expected_saves(events, ts_to_insight)
    achieved = len(events) / elapsed
    report = {
        "database": deps.engine.dialect.name, "cores": os.cpu_count(), "load_avg_1min": round(os.getloadavg()[0], 1),
        "confirmations": not args.no_confirmations, "events": len(events),
        "offered_per_s": args.rate, "achieved_per_s": round(achieved, 1), "non_200": failures,
        "handling_ms": {q: round(percentile(handling, q), 2) for q in (50, 95, 99)},
        "latency_from_due_ms": {q: round(percentile(latency, q), 2) for q in (50, 95, 99)},
        "writes_and_notes_caught_up_after_s": round(caught_up, 2), "cpu_ms_per_event": round(cpu_ms_per_event, 3),
        "slack_calls": slack_calls, "home_refreshes_waiting_at_end": home_backlog,
        "home_refreshes_run": deps.background.done, "saved_rows": rows, "saved_rows_match_replay": stored == expected and rows == len(stored),
    }
    print(json.dumps(report, indent=2))
    ok = achieved >= 0.98 * args.rate and failures == 0 and report["saved_rows_match_replay"]
    print(f"\n{'PASS' if ok else 'MISS'}: {achieved:,.0f} events/s of {args.rate:,.0f} offered on {report['database']}, "
          f"p99 handling {report['handling_ms'][99]} ms, {cpu_ms_per_event:.2f} ms CPU per event (load "
          f"{report['load_avg_1min']})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
