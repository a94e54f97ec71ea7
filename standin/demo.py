"""`podbrief demo`: the daily brief, end to end, offline.

A throw-away SQLite database, the real Bolt app over signed HTTP, a local stand-in for the Slack
Web API and a loopback podcast host serving the sample feeds in `standin/data`. The demo:

1. follows two podcasts with `/insights feeds add` (the loopback host is allowed the way an
   operator allows a private address: `FEEDS_ALLOW_PRIVATE_ADDRESSES`, set for this run only);
2. scans them with the real scanner (fetch, parse, transcripts, extraction), one progress line
   per feed, and lists the insights it found;
3. sets #general's topics and digest time with `/insights topics add …` / `digest at …`;
4. runs the scheduler's digest job, which posts today's digest to the stand-in;
5. reacts with :bookmark: on one digest item and shows `/insights saved`;
6. asks a few searches and shares the first result.
"""

from __future__ import annotations

import secrets
import tempfile
import textwrap
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from bot.bootstrap import build_deps
from bot.cli.terminal import echo as print_for_operator
from bot.cli.terminal import printable
from bot.config import Settings
from bot.deps import Deps
from bot.shared.blocks import SHARE_ACTION
from ingest.scan import FeedOutcome, ScanOptions, ScanSummary, scan
from standin.local_server import LocalServer, inline_answer
from standin.sample_feeds import SampleFeeds
from standin.slack_api import SlackStandIn
from standin.slack_requests import block_action_body, event_body, slash_command_body
from standin.terminal import render_message
from storage.insights_store import insight_query, to_insight
from storage.messages_store import posted_record
from storage.models import InsightRow

DEMO_TOKEN = "xoxb-podbrief-demo"
TEAM, CHANNEL, ALICE, BOB = "T0STANDIN", "C0GENERAL", "U0ALICE", "U0BOB"
#: The channel's topics: one from each sample show, so the digest has something from both.
DEMO_TOPICS = "mortgage rates, batteries"
DEMO_QUERIES = ("heat pumps", "morgage rates", "hlep", "quantum knitting")
WIDTH = 78

Echo = Callable[[str], None]


@dataclass
class _Run:
    """The running pieces one demo talks to."""

    server: LocalServer
    slack: SlackStandIn
    deps: Deps
    echo: Echo
    asked: int = 0

    def command(self, text: str, *, user: str = ALICE, title: str | None = None) -> dict[str, Any]:
        """Type `/insights <text>` in #general; print and return the (ephemeral) answer."""
        self.asked += 1
        name = f"demo-{self.asked}"
        body, content_type = slash_command_body(text, response_url=self.slack.response_url(name), user_id=user,
                                                channel_id=CHANNEL)
        reply = self.server.post(body, content_type)
        if reply.status != 200:
            raise click.ClickException(printable(f"The app answered HTTP {reply.status}: {reply.body}"))
        answer = inline_answer(reply.body) or self.slack.wait_for(f"response_url:{name}", timeout=30).params
        self.echo(render_message(answer, title or f"You typed: /insights {text}    (only you see the answer)"))
        return answer


def run_demo(queries: Sequence[str] = DEMO_QUERIES, echo: Echo = print_for_operator) -> None:
    """Run the offline demo, printing each stage as Slack (or the terminal) would show it."""
    started = time.monotonic()
    now = datetime.now(UTC).replace(second=0, microsecond=0)  # the app's clock, pinned for the whole run
    with (tempfile.TemporaryDirectory(prefix="podbrief-demo-") as folder,
          SlackStandIn(bot_token=DEMO_TOKEN) as slack, SampleFeeds(now) as podcasts):
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'demo.sqlite3'}",
            data_dir=Path(folder),
            slack_bot_token=DEMO_TOKEN,
            slack_signing_secret=secrets.token_hex(16),
            slack_api_url=slack.api_url,
            feeds_allow_private_addresses=True,  # the sample podcasts are served on 127.0.0.1
        )
        deps = replace(build_deps(settings), clock=lambda: now)
        slack.set_user(ALICE, real_name="Alice", is_admin=True)  # an admin may follow feeds
        echo(_banner("Podbrief demo: the daily brief, offline"))
        echo(f"Slack stand-in at {slack.api_url}; the sample podcasts at {podcasts.base_url}")
        echo(f"Database: {settings.database_url}\n")
        with LocalServer(settings, deps) as server:
            run = _Run(server, slack, deps, echo)
            _follow(run, podcasts.feed_urls())
            _scan(run)
            _show_insights(run)
            _set_up_digest(run, now)
            digest = _post_digest(run, now)
            _save_by_reaction(run, digest)
            _search(run, queries)
        echo(f"Done in {time.monotonic() - started:.0f} s. That was the real Bolt app over signed HTTP, the real "
             "scanner\nand the real digest job, offline. Next: `make test`, or connect a real workspace (README).")
        deps.engine.dispose()


def _banner(text: str) -> str:
    return f"\n{'━' * WIDTH}\n {text}\n{'━' * WIDTH}"


def _follow(run: _Run, urls: Sequence[str]) -> None:
    run.echo(_banner("1. Follow two podcasts"))
    run.echo("The sample podcasts' feeds:\n" + "\n".join(f"  {url}" for url in urls))
    run.command("feeds add " + " ".join(urls), title="You typed: /insights feeds add <both feed URLs>    "
                "(only you see the answer)")


def _scan(run: _Run) -> None:
    run.echo(_banner("2. Scan: fetch the feeds and transcripts, extract insights"))

    def progress(done: int, total: int, outcome: FeedOutcome) -> None:
        run.echo(f"  Scanning feeds [{done}/{total}] {outcome.title or outcome.url}: {outcome.episode_count} "
                 f"episodes, {outcome.transcripts_found} transcripts, {outcome.insights_added} insights")

    with run.deps.fetchers() as fetcher:
        summary: ScanSummary = scan(run.deps.sessions, fetcher, run.deps.extractor, clock=run.deps.clock,
                                    options=ScanOptions(max_workers=2), progress=progress)
    run.echo(f"  {summary.feeds_checked} feeds checked in {summary.elapsed_seconds:.1f} s: {summary.new_episodes} "
             f"new episodes, {summary.insights_added} insights, {summary.errors} errors.")
    for problem in summary.feed_errors:
        run.echo(f"  ✗ {problem.url}: {problem.error}")


def _show_insights(run: _Run) -> None:
    run.echo(_banner("3. The insights found, by episode"))
    with run.deps.sessions() as session:
        rows = session.execute(insight_query().order_by(InsightRow.published_at.desc(), InsightRow.start_seconds))
        insights = [to_insight(row) for row in rows]
    episode = None
    for insight in insights:
        if insight.episode != episode:
            episode = insight.episode
            run.echo(f"\n  {insight.podcast} · {episode}")
        at = f"{int(insight.start_seconds or 0) // 60:2d}:{int(insight.start_seconds or 0) % 60:02d}"
        run.echo(_indented(f"{at}  {insight.text}", "    ", "           "))
        if insight.topics:
            run.echo(f"           topics: {', '.join(insight.topics)}")
    run.echo("")


def _indented(text: str, first: str, rest: str) -> str:
    return textwrap.fill(text, WIDTH + 10, initial_indent=first, subsequent_indent=rest)


def _set_up_digest(run: _Run, now: datetime) -> None:
    run.echo(_banner("4. Set #general's topics and digest time"))
    run.command(f"topics add {DEMO_TOPICS}")
    run.command(f"digest at {now:%H:%M} utc")


def _post_digest(run: _Run, now: datetime) -> list[dict[str, Any]]:
    run.echo(_banner("5. The scheduler's digest job runs: today's digest in #general"))
    outcomes = run.deps.digests.run_due(now)
    for outcome in outcomes:
        detail = f" ({outcome.detail})" if outcome.detail else ""
        channel = "#general" if outcome.channel_id == CHANNEL else outcome.channel_id
        run.echo(f"  The digest job: {channel} ({outcome.channel_id}), {outcome.local_date}: {outcome.status}{detail}")
    posted = [m for m in run.slack.posted_messages() if m["channel"] == CHANNEL]
    for index, message in enumerate(posted):
        run.echo(render_message(message, "#general" if index == 0 else f"#general · item {index}"))
    return posted


def _save_by_reaction(run: _Run, digest: list[dict[str, Any]]) -> None:
    run.echo(_banner("6. Bob reacts with :bookmark: on an item; then /insights saved"))
    with run.deps.sessions() as session:
        items = [m for m in digest if (record := posted_record(session, TEAM, CHANNEL, m["ts"])) and record.insight_id]
    if not items:
        run.echo("  (the digest had no items to save)")
        return
    item = items[0]
    event = {"type": "reaction_added", "user": BOB, "reaction": "bookmark", "item_user": "U0BOT",
             "item": {"type": "message", "channel": CHANNEL, "ts": item["ts"]}, "event_ts": f"{time.time():.6f}"}
    body, content_type = event_body(event, team_id=TEAM, event_id="EvDEMOSAVE")
    before = len(run.slack.calls())
    reply = run.server.post(body, content_type)
    if reply.status != 200:
        raise click.ClickException(printable(f"The app answered HTTP {reply.status}: {reply.body}"))
    note = _next_call(run.slack, "chat.postEphemeral", before)
    run.echo(render_message(note, "Bob added :bookmark: to the first item; only Bob sees:"))
    run.command("saved", user=BOB, title="Bob typed: /insights saved    (only Bob sees the answer)")


def _search(run: _Run, queries: Sequence[str]) -> None:
    run.echo(_banner("7. Search what the podcasts said"))
    first: dict[str, Any] | None = None
    for query in queries:
        answer = run.command(query)
        first = first or answer
    if first is None:
        return
    buttons = [b for b in first["blocks"] if b["type"] == "actions"]
    if not buttons:
        return
    body, content_type = block_action_body(SHARE_ACTION, buttons[0]["elements"][0]["value"],
                                           response_url=run.slack.response_url("share"))
    before = len(run.slack.calls())
    run.server.post(body, content_type)
    posted = _next_call(run.slack, "chat.postMessage", before)
    confirmation = run.slack.wait_for("response_url:share", timeout=30).params
    run.echo(render_message(posted, "You clicked “Share in channel” on the first result; #general now shows:"))
    run.echo(render_message(confirmation, "…and only you see:"))


def _next_call(slack: SlackStandIn, method: str, after: int) -> dict[str, Any]:
    """The parameters of the first successful `method` call after the first `after` calls."""
    earlier = {id(call) for call in slack.calls()[:after]}
    return slack.wait_for(lambda call: call.method == method and call.ok and id(call) not in earlier, timeout=30).params


__all__ = ["DEMO_QUERIES", "DEMO_TOPICS", "run_demo"]
