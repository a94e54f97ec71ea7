"""`podbrief transcribe status`, and what TRANSCRIBE=missing does when the extra is not installed."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.main import main
from storage import transcription_queue
from storage.episodes_store import EpisodeFields, upsert_episodes
from storage.feeds_store import ensure_podcast
from storage.transcription_queue import Wanted

ROOT = Path(__file__).resolve().parents[2]
#: Runs the CLI as if faster-whisper were not installed (an import of it fails).
WITHOUT_EXTRA = "import sys; sys.modules['faster_whisper'] = None; from bot.cli.main import main; main()"


def _queue(sessions: sessionmaker[Session], count: int) -> list[int]:
    now = datetime.now(UTC)
    with sessions.begin() as session:
        podcast_id, _ = ensure_podcast(session, "Queue Show", "https://example.com/feed.xml", None)
        states = upsert_episodes(session, podcast_id, [EpisodeFields(f"g{n}", f"Episode {n}") for n in range(count)])
        transcription_queue.enqueue(session, [Wanted(s.id, f"https://example.com/{s.guid}.mp3",
                                                     now - timedelta(days=n)) for n, s in enumerate(states)], now=now)
    return [s.id for s in states]


def test_transcribe_status_counts_queued_running_and_done_work(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    _queue(sessions, 3)
    now = datetime.now(UTC)
    with sessions.begin() as session:
        (job,) = transcription_queue.claim(session, worker="w", now=now, lease=timedelta(minutes=5), limit=1)
        assert job.episode == "Episode 0"  # newest first
    with sessions.begin() as session:
        transcription_queue.complete(session, job, [], model="tiny.en", audio_seconds=1800, cpu_seconds=180, now=now)
        (running,) = transcription_queue.claim(session, worker="w", now=now, lease=timedelta(minutes=5), limit=1)
        assert running.episode == "Episode 1"
    result = CliRunner().invoke(main, ["transcribe", "status"], env={"DATABASE_URL": database_url,
                                                                     "TRANSCRIBE": "missing"})
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "Queued: 1" in lines and "In progress: 1" in lines and "Done today: 1" in lines
    assert "Transcribed: 0.50 audio hours in 0.05 CPU hours (6.0 CPU minutes per audio hour)" in lines


@pytest.mark.parametrize("command", [["worker"], ["transcribe", "run"]])
def test_transcribe_missing_without_the_extra_stops_at_start_saying_what_to_install(
    command: list[str], tmp_path: Path,
) -> None:
    env = {**os.environ, "TRANSCRIBE": "missing", "PODBRIEF_DATA_DIR": str(tmp_path), "SLACK_BOT_TOKEN": "xoxb-x",
           "SLACK_API_URL": "http://127.0.0.1:9/api/", "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, *command], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "Error: TRANSCRIBE=missing needs the transcription extra: pip install 'podbrief[transcribe]'"]


def test_an_unknown_transcribe_setting_is_refused_with_the_choices() -> None:
    from bot.config import ConfigError, load_settings

    with pytest.raises(ConfigError, match=r"TRANSCRIBE must be off .* or missing"):
        load_settings({"TRANSCRIBE": "all"})
