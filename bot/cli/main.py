"""The `podbrief` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.cli.context import fail, load_settings, open_database_for, open_deps
from bot.cli.lazy import LazyGroup
from bot.cli.terminal import echo, printable_json

if TYPE_CHECKING:
    from insights.model import Match

#: Subcommands imported only when run, so that `podbrief import` and `--help` start fast; each with
#: the first paragraph of its help, which `--help` lists (tests/integration/test_cli_startup.py checks it).
LAZY_COMMANDS = {
    "feeds": ("bot.cli.feeds:feeds", "Follow podcast feeds: new episodes become insights on each scan."),
    "scan": ("bot.cli.feeds:scan", "Check followed feeds for new episodes and turn them into insights."),
    "digest": ("bot.cli.digest:digest", "Daily digests."),
    "worker": ("bot.cli.digest:worker",
               "Run only the scheduler (digests, feed scans), for deployments with several web replicas."),
    "workspaces": ("bot.cli.workspaces:workspaces", "The workspaces Podbrief knows, and deleting one's data."),
    "tokens": ("bot.cli.workspaces:tokens", "Encryption of stored Slack tokens (multi-workspace mode)."),
    "transcribe": ("bot.cli.transcribe:transcribe",
                   "Transcription of episodes that publish no transcript (TRANSCRIBE=missing)."),
    "meaning": ("bot.cli.meaning:meaning",
                "Matching by meaning (the meaning extra): how many insights are embedded, and embedding them now."),
}


@click.group(cls=LazyGroup, lazy_commands=LAZY_COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Podbrief: the best podcast insights, in Slack."""


@main.command()
def run() -> None:
    """Run the Slack bot (Socket Mode with SLACK_APP_TOKEN, otherwise HTTP on PORT)."""
    from bot.config import ConfigError
    from bot.runtime.server import serve
    from bot.startup import StartupError

    settings = load_settings()
    try:
        settings.require_slack()
    except ConfigError as error:
        fail(str(error))
    try:
        serve(settings, open_deps(settings))
    except StartupError as error:
        fail(str(error))


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_command(files: tuple[Path, ...]) -> None:
    """Import insights from JSON Lines, JSON or CSV FILES (re-importing adds nothing)."""
    from bot.cli.importing import import_all

    engine, sessions = open_database_for(load_settings())
    try:
        reports = import_all(files, engine, sessions)
    finally:
        engine.dispose()
    sys.exit(0 if len(reports) == len(files) and all(report.ok for report in reports) else 1)


def match_as_json(match: Match) -> dict[str, Any]:
    insight = match.insight
    return {
        "id": insight.id,
        "text": insight.text,
        "podcast": insight.podcast,
        "episode": insight.episode,
        "url": insight.url,
        "audio_url": insight.audio_url,
        "start_seconds": insight.start_seconds,
        "moment_url": insight.moment_url,
        "published_at": insight.published_at.isoformat() if insight.published_at else None,
        "topics": list(insight.topics),
        "score": match.score,
    }


@main.command()
@click.argument("query")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100), help="How many results.")
@click.option("--json", "as_json", is_flag=True, help="Print results as a JSON list.")
def search(query: str, limit: int, as_json: bool) -> None:
    """Search insights from the shell, as /insights does in Slack."""
    from bot.lookup.answers import search_notes

    deps = open_deps(load_settings())
    result = deps.search(query, limit)
    if as_json:
        echo(printable_json(json.dumps([match_as_json(m) for m in result.matches], ensure_ascii=False, indent=2)))
        return
    for note in search_notes(result.plan):
        echo(note.replace("*", ""), fg="yellow", err=True)
    if not result.matches:
        echo(f"No insights found for “{query}”.")
        return
    for rank, match in enumerate(result.matches, start=1):
        insight = match.insight
        source = " · ".join(p for p in (insight.podcast, insight.episode) if p) or "source unknown"
        echo(f"{rank}. {insight.text}")
        echo(f"   {source} · score {match.score:.1f} · id {insight.id}", dim=True)
        if insight.moment_url:
            echo(f"   ▶ {insight.moment_url}", dim=True)


@main.command()
def demo() -> None:
    """Offline demo of the whole loop: follow and scan sample feeds, a daily digest, react to save, search."""
    from standin.demo import run_demo

    logging.basicConfig(level=logging.WARNING)
    run_demo()


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
def upgrade() -> None:
    """Apply database migrations (also done automatically on start)."""
    settings = load_settings()
    open_deps(settings)
    echo("Database schema is up to date.")
