"""`podbrief transcribe status` and `podbrief transcribe run`: the transcription queue from the shell."""

from __future__ import annotations

import click

from bot.cli.context import fail, load_settings, open_deps
from bot.cli.terminal import echo


@click.group()
def transcribe() -> None:
    """Transcription of episodes that publish no transcript (TRANSCRIBE=missing)."""


@transcribe.command()
def status() -> None:
    """Queue length, in progress, done today, and the audio and CPU hours transcribed."""
    from storage.transcription_queue import queue_status

    settings = load_settings()
    deps = open_deps(settings)
    with deps.sessions() as session:
        state = queue_status(session, now=deps.clock())
    if settings.transcribe == "off":
        echo("Transcription is off (set TRANSCRIBE=missing to transcribe episodes without a transcript).",
             fg="yellow")
    echo(f"Queued: {state.queued}")
    echo(f"In progress: {state.in_progress}")
    echo(f"Done today: {state.done_today}")
    echo(f"Failed: {state.failed}")
    ratio = f" ({state.cpu_hours / state.audio_hours * 60:.1f} CPU minutes per audio hour)" if state.audio_hours else ""
    echo(f"Transcribed: {state.audio_hours:.2f} audio hours in {state.cpu_hours:.2f} CPU hours{ratio}")
    for error in state.last_errors:
        echo(f"  last error: {error}", dim=True)


@transcribe.command(name="run")
def run_queue() -> None:
    """Transcribe every queued episode now, then stop (a worker does this continuously)."""
    from bot.runtime.transcribe_setup import transcribe_tick, transcription_for
    from bot.startup import StartupError

    settings = load_settings()
    try:
        transcription = transcription_for(settings)
    except StartupError as error:
        fail(str(error))
        return
    if transcription is None:
        fail("transcription is off; set TRANSCRIBE=missing to transcribe episodes that publish no transcript")
        return
    outcomes = transcribe_tick(open_deps(settings), transcription)
    done = [o for o in outcomes if o.status == "done"]
    echo(f"Transcribed {len(done)} episode(s), {sum(o.audio_seconds for o in done) / 60:.0f} min of audio, "
         f"{sum(o.insights_added for o in done)} insights added.")
    for outcome in outcomes:
        if outcome.error:
            echo(f"  episode {outcome.episode_id}: {outcome.error}", fg="yellow")
