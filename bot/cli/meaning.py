"""`podbrief meaning status` and `podbrief meaning backfill`: the insight embeddings from the shell."""

from __future__ import annotations

import sys
import time

import click

from bot.cli.context import fail, load_settings, open_deps
from bot.cli.terminal import echo


@click.group()
def meaning() -> None:
    """Matching by meaning (the meaning extra): how many insights are embedded, and embedding them now."""


def _encoder_or_fail(threads: int | None = None) -> object:
    from ingest.meaning import MeaningUnavailable, load_encoder

    try:
        return load_encoder(threads=threads)
    except MeaningUnavailable as why:
        fail(str(why))
        raise


@meaning.command()
def status() -> None:
    """Insights embedded with the current model, waiting, in progress, and with an older model's vector."""
    from ingest.meaning import MODEL_ID
    from ingest.meaning.services import extra_installed
    from storage.embeddings_store import embedding_status

    settings = load_settings()
    deps = open_deps(settings)
    with deps.sessions() as session:
        state = embedding_status(session, model_id=MODEL_ID, now=deps.clock())
    if not extra_installed():
        echo("The meaning extra is not installed: search and digests are lexical "
             "(pip install 'podbrief[meaning]').", fg="yellow")
    elif not settings.match_by_meaning:
        echo("MATCH_BY_MEANING is off: search and digests are lexical.", fg="yellow")
    share = f" ({state.embedded / state.insights:.0%})" if state.insights else ""
    echo(f"Model: {MODEL_ID}")
    echo(f"Embedded: {state.embedded} of {state.insights} insights{share}")
    echo(f"Waiting: {state.pending}")
    echo(f"In progress: {state.in_progress}")
    if state.other_model:
        echo(f"With an older model's vector (re-embedding): {state.other_model}")


@meaning.command()
@click.option("--batch", default=1024, show_default=True, type=click.IntRange(1, 10_000),
              help="Insights per claim (sorted by length for the model: larger pads less).")
@click.option("--threads", type=click.IntRange(1, 64), help="Model threads (default: one a core).")
def backfill(batch: int, threads: int | None) -> None:
    """Embed every insight still without a current-model vector now (a worker does this continuously)."""
    from ingest.meaning.backfill import backfill as run_backfill
    from storage.embeddings_store import embedding_status

    deps = open_deps(load_settings())
    encoder = _encoder_or_fail(threads)
    with deps.sessions() as session:
        waiting = embedding_status(session, model_id=encoder.model_id, now=deps.clock()).pending  # type: ignore[attr-defined]
    if not waiting:
        echo("Every insight is embedded already.")
        return
    started = time.monotonic()
    with click.progressbar(length=waiting, label="Embedding insights", file=sys.stderr) as bar:
        result = run_backfill(deps.sessions, encoder, clock=deps.clock, batch=batch, on_batch=bar.update)  # type: ignore[arg-type]
    elapsed = time.monotonic() - started
    rate = f", {result.embedded / elapsed:.0f} insights/s" if elapsed > 0 and result.embedded else ""
    echo(f"Embedded {result.embedded} insights in {elapsed:.0f} s{rate}.")
    if result.lost:
        echo(f"{result.lost} were taken over by another worker (they are embedded there).", fg="yellow")
