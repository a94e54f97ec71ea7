"""`podbrief meaning status` and `podbrief meaning backfill` on the real model (skipped without the extra),
and what status says when the extra is not installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.main import main
from insights.model import NewInsight
from storage.insights_store import InsightWriter
from tests.meaning_model import real_encoder

ROOT = Path(__file__).resolve().parents[2]
#: Runs the CLI as if onnxruntime were not installed (an import of it fails).
WITHOUT_EXTRA = "import sys; sys.modules['onnxruntime'] = None; from bot.cli.main import main; main()"


def _add(sessions: sessionmaker[Session], count: int) -> None:
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(f"Copper smelters restart number {n}.", "Metals") for n in range(count)])


def test_backfill_embeds_every_waiting_insight_and_status_shows_the_progress(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    real_encoder()  # skips without the extra
    monkeypatch.chdir(tmp_path)
    _add(sessions, 5)
    env = {"DATABASE_URL": database_url}
    before = CliRunner().invoke(main, ["meaning", "status"], env=env)
    assert before.exit_code == 0 and "Embedded: 0 of 5 insights (0%)" in before.output and "Waiting: 5" in before.output
    done = CliRunner().invoke(main, ["meaning", "backfill"], env=env)
    assert done.exit_code == 0, done.output
    assert "Embedded 5 insights" in done.output
    after = CliRunner().invoke(main, ["meaning", "status"], env=env)
    assert "Embedded: 5 of 5 insights (100%)" in after.output and "Waiting: 0" in after.output
    again = CliRunner().invoke(main, ["meaning", "backfill"], env=env)
    assert "Every insight is embedded already." in again.output


def test_without_the_extra_status_says_search_is_lexical_and_backfill_says_how_to_install(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path,
) -> None:
    _add(sessions, 2)
    env = {**os.environ, "DATABASE_URL": database_url, "PYTHONPATH": str(ROOT)}
    status = subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, "meaning", "status"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120)
    assert status.returncode == 0, status.stderr
    assert "lexical" in status.stdout and "Waiting: 2" in status.stdout
    backfill = subprocess.run([sys.executable, "-c", WITHOUT_EXTRA, "meaning", "backfill"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=120)
    assert backfill.returncode == 2 and "pip install 'podbrief[meaning]'" in backfill.stderr
    assert "Traceback" not in backfill.stderr
