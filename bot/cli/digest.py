"""`podbrief digest preview` and `podbrief worker`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from typing import Any

import click

from bot.cli.context import fail, load_settings, open_deps
from bot.cli.terminal import echo, printable_json
from bot.deps import Deps
from insights.digest import DigestPick
from insights.topics import parse_topics


def _storage() -> Deps:
    return open_deps(load_settings())


def pick_as_json(pick: DigestPick) -> dict[str, Any]:
    insight = pick.insight
    return {
        "id": insight.id,
        "text": insight.text,
        "podcast": insight.podcast,
        "episode": insight.episode,
        "published_at": insight.published_at.isoformat() if insight.published_at else None,
        "moment_url": insight.moment_url,
        "score": round(pick.score, 4),
        "reasons": list(pick.reasons),
        "also_on": list(pick.also_on),
    }


@click.group()
def digest() -> None:
    """Daily digests."""


@digest.command()
@click.option("--topics", default="", help='Comma-separated topics, e.g. "ai policy, china" (none: the best of everything).')
@click.option("--date", "on_date", type=click.DateTime(["%Y-%m-%d"]), help="Compose as at the end of this UTC date.")
@click.option("--json", "as_json", is_flag=True, help="Print the picks as a JSON list.")
def preview(topics: str, on_date: datetime | None, as_json: bool) -> None:
    """Show the digest these topics would get (nothing is posted or recorded)."""
    deps = _storage()
    now = datetime.now(UTC) if on_date is None else datetime.combine(on_date.date(), time(23, 59), UTC)
    wanted = parse_topics(topics)
    picks = deps.digests.composer.select(wanted, now)
    if as_json:
        echo(printable_json(json.dumps([pick_as_json(p) for p in picks], ensure_ascii=False, indent=2)))
        return
    _print_picks(picks, wanted, now.date())


def _print_picks(picks: list[DigestPick], topics: list[str], day: date) -> None:
    label = ", ".join(topics) if topics else "the best of everything"
    if not picks:
        echo(f"Quiet day: nothing recent is relevant enough for {label} ({day}).")
        return
    echo(f"Digest for {label} on {day}:", bold=True)
    for rank, pick in enumerate(picks, start=1):
        echo(f"{rank}. {pick.insight.text}")
        source = " · ".join(p for p in (pick.insight.podcast, pick.insight.episode) if p)
        echo(f"   {source} · score {pick.score:.2f} · {'; '.join(pick.reasons)}", dim=True)
        if pick.also_on:
            echo(f"   also on: {', '.join(pick.also_on)}", dim=True)


@click.command()
def worker() -> None:
    """Run only the scheduler (digests, feed scans), for deployments with several web replicas.

    It serves GET /healthz and GET /metrics on PORT (give it its own port next to `podbrief run`).
    """
    from bot.config import ConfigError
    from bot.runtime.ops import run_worker
    from bot.runtime.scheduler import build_jobs
    from bot.runtime.transcribe_setup import transcription_for
    from bot.startup import StartupError

    settings = load_settings()
    if not settings.slack_bot_token:
        try:
            settings.require_slack()
        except ConfigError as error:
            fail(str(error))
    try:
        transcription = transcription_for(settings)
    except StartupError as error:
        fail(str(error))
    deps = _storage()
    scheduler = build_jobs(deps, settings.scan_interval_minutes, purge_grace_days=settings.uninstall_grace_days,
                           transcription=transcription)
    minutes = settings.scan_interval_minutes
    scans = f"scanning feeds every {minutes} min" if minutes else "not scanning feeds (SCAN_INTERVAL_MINUTES=0)"
    if transcription is not None:
        scans += f", transcribing episodes without a transcript ({settings.transcribe_model})"
    echo(f"Podbrief worker: delivering due digests, {scans} (Ctrl-C to stop).")
    try:
        run_worker(settings, deps, scheduler)
    except StartupError as error:
        fail(str(error))
    except (KeyboardInterrupt, SystemExit):
        echo("Stopped.")
