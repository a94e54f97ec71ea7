"""The `podbrief` command line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

import click

from bot.bootstrap import StartupError, configure_logging, open_storage, settings_from_environment
from bot.deps import Deps
from bot.settings import Settings, SettingsError
from bot.terminal import echo, printable_json
from insights.model import Match


def _fail(message: str) -> None:
    echo(f"Error: {message}", fg="red", err=True)
    sys.exit(2)


def _settings() -> Settings:
    try:
        settings = settings_from_environment()
    except SettingsError as error:
        _fail(str(error))
        raise  # unreachable; keeps type checkers calm
    configure_logging(settings.log_level, settings.secrets())
    return settings


def _storage(settings: Settings) -> Deps:
    try:
        return open_storage(settings)
    except StartupError as error:
        _fail(str(error))
        raise


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Podbrief: the best podcast insights, in Slack."""


@main.command()
def run() -> None:
    """Run the Slack bot (Socket Mode with SLACK_APP_TOKEN, otherwise HTTP on PORT)."""
    from bot.server import serve

    settings = _settings()
    try:
        settings.require_slack()
    except SettingsError as error:
        _fail(str(error))
    try:
        serve(settings, _storage(settings))
    except StartupError as error:
        _fail(str(error))


@main.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def import_command(files: tuple[Path, ...]) -> None:
    """Import insights from JSON Lines, JSON or CSV FILES (re-importing adds nothing)."""
    from bot.importing import import_all

    reports = import_all(files, _storage(_settings()))
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
    from bot.answers import search_notes

    deps = _storage(_settings())
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
    """Offline demo: sample insights, the real Bolt app and a local Slack stand-in."""
    from bot.demo import run_demo

    logging.basicConfig(level=logging.WARNING)
    run_demo()


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command()
def upgrade() -> None:
    """Apply database migrations (also done automatically on start)."""
    settings = _settings()
    _storage(settings)
    echo("Database schema is up to date.")


from bot.feeds_cli import feeds, scan  # noqa: E402 - registered last: feeds_cli imports this module lazily

main.add_command(feeds); main.add_command(scan)  # noqa: E702
from bot.digest_cli import digest, worker  # noqa: E402 - same pattern

main.add_command(digest); main.add_command(worker)  # noqa: E702
from bot.workspaces_cli import tokens, workspaces  # noqa: E402 - same pattern

main.add_command(workspaces); main.add_command(tokens)  # noqa: E702
from bot.transcribe_cli import transcribe  # noqa: E402 - same pattern

main.add_command(transcribe)
from bot.meaning_cli import meaning  # noqa: E402 - same pattern

main.add_command(meaning)
