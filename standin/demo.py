"""`podbrief demo`: the bot's main job, end to end, offline.

Loads the sample insights into a throw-away SQLite database, starts the real Bolt app
over HTTP and a local stand-in for the Slack Web API, sends signed `/insights`
commands the way Slack does, and prints what Slack would display.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from bot.bootstrap import build_deps
from bot.cli.terminal import echo as print_for_operator
from bot.cli.terminal import printable
from bot.config import Settings
from bot.shared.blocks import SHARE_ACTION
from ingest.importer import import_file
from standin.local_server import LocalServer
from standin.slack_api import SlackStandIn
from standin.slack_requests import block_action_body, slash_command_body
from standin.terminal import render_message

SAMPLE_INSIGHTS = Path(__file__).with_name("data") / "sample_insights.jsonl"
DEMO_QUERIES = ("export controls", "expor contrls", "hlep", "quantum knitting")
DEMO_TOKEN = "xoxb-podbrief-demo"


def run_demo(queries: Sequence[str] = DEMO_QUERIES, echo: Callable[[str], None] = print_for_operator) -> None:
    """Run the offline demo and print each answer."""
    with tempfile.TemporaryDirectory(prefix="podbrief-demo-") as folder, SlackStandIn(bot_token=DEMO_TOKEN) as slack:
        settings = Settings(
            database_url=f"sqlite:///{Path(folder) / 'demo.sqlite3'}",
            data_dir=Path(folder),
            slack_bot_token=DEMO_TOKEN,
            slack_signing_secret=secrets.token_hex(16),
            slack_api_url=slack.api_url,
        )
        deps = build_deps(settings)
        report = import_file(SAMPLE_INSIGHTS, deps.sessions)
        echo(f"Loaded {report.added} sample insights into {settings.database_url}")
        echo(f"Local Slack stand-in at {slack.api_url}\n")
        with LocalServer(settings, deps) as server:
            for index, query in enumerate(queries):
                answer = _ask(server, slack, query, f"demo-{index}")
                echo(render_message(answer, f"You typed: /insights {query}    (only you can see the answer)"))
            _share_first_result(server, slack, echo)
        echo("That was the real Bolt app over HTTP, offline. Next: `make test`, or connect a real workspace (README).")
        deps.engine.dispose()


def _ask(server: LocalServer, slack: SlackStandIn, query: str, name: str) -> dict[str, Any]:
    body, content_type = slash_command_body(query, response_url=slack.response_url(name))
    reply = server.post(body, content_type)
    if reply.status != 200:
        raise click.ClickException(printable(f"The app answered HTTP {reply.status}: {reply.body}"))
    slack.wait_for(f"response_url:{name}", timeout=10)
    return slack.responses(name)[-1]


def _share_first_result(server: LocalServer, slack: SlackStandIn, echo: Callable[[str], None]) -> None:
    first = slack.responses("demo-0")[-1]
    button = next(b for b in first["blocks"] if b["type"] == "actions")["elements"][0]
    body, content_type = block_action_body(SHARE_ACTION, button["value"], response_url=slack.response_url("share"))
    server.post(body, content_type)
    posted = slack.wait_for("chat.postMessage", timeout=10).params
    confirmation = slack.wait_for("response_url:share", timeout=10).params
    echo(render_message(posted, "You clicked “Share in channel” on the first result; #general now shows:"))
    echo(render_message(confirmation, "…and only you see:"))
