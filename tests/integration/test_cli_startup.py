"""`podbrief import` starts without loading the Slack app (start-up was most of a small import)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from storage.models import InsightRow

#: Importing any of these fails in the child: the command must not need them.
SLACK_AND_SERVICES = ("slack_bolt", "slack_sdk", "apscheduler", "bot.app", "bot.bootstrap")


def _podbrief(args: list[str], database_url: str, blocked_modules: tuple[str, ...] = SLACK_AND_SERVICES,
              ) -> subprocess.CompletedProcess[str]:
    blocked = "; ".join(f"sys.modules[{name!r}] = None" for name in blocked_modules) or "pass"
    code = f"import sys; {blocked}; from bot.cli import main; sys.argv[0] = 'podbrief'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120, check=False,
        env={"DATABASE_URL": database_url, "PATH": "/usr/bin:/bin"},
    )


def test_import_needs_only_the_database(database_url: str, tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    rows = tmp_path / "two.jsonl"
    rows.write_text("".join(json.dumps({"text": text, "podcast": "Remote Work Weekly"}) + "\n" for text in (
        "Teams that write their decisions down ship faster than teams that rely on meetings.",
        "Async stand-ups save an hour a week per engineer without hurting delivery.",
    )))
    done = _podbrief(["import", str(rows)], database_url)
    assert done.returncode == 0, done.stderr
    assert "2 insights added" in done.stdout
    with sessions() as session:
        assert session.scalar(select(func.count()).select_from(InsightRow)) == 2


def test_help_still_lists_every_command(database_url: str) -> None:
    # Listing loads each subcommand for its one-line help; only running one is kept lean.
    done = _podbrief(["--help"], database_url, blocked_modules=())
    assert done.returncode == 0, done.stderr
    for command in ("import", "run", "search", "feeds", "digest", "workspaces", "tokens", "transcribe", "meaning"):
        assert f"  {command} " in done.stdout
