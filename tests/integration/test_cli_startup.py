"""`podbrief import` starts without loading the Slack app (start-up was most of a small import)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.lazy import LazyGroup, summary_line
from bot.cli.main import LAZY_COMMANDS, main
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


def test_help_lists_every_command_without_loading_them(database_url: str) -> None:
    # The lazy subcommands are listed from their summaries; none of their modules is imported.
    blocked = (*SLACK_AND_SERVICES, *{target.partition(":")[0] for target, _ in LAZY_COMMANDS.values()})
    done = _podbrief(["--help"], database_url, blocked_modules=blocked)
    assert done.returncode == 0, done.stderr
    for command in ("import", "run", "search", "feeds", "digest", "workspaces", "tokens", "transcribe", "meaning"):
        assert f"  {command} " in done.stdout


def test_help_summaries_are_the_commands_own_help() -> None:
    ctx = click.Context(main)
    for name, (target, summary) in LAZY_COMMANDS.items():
        module_name, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module_name), attribute)
        for limit in (30, 45, 200):
            assert summary_line(summary, limit) == command.get_short_help_str(limit), name
        assert main.get_command(ctx, name) is command


def test_help_reads_the_same_once_the_commands_are_loaded() -> None:
    # A fresh group: `main` itself keeps the subcommands other tests have loaded.
    fresh = LazyGroup(name="podbrief", help=main.help, lazy_commands=LAZY_COMMANDS,
                      commands=[c for name, c in main.commands.items() if name not in LAZY_COMMANDS],
                      context_settings={"help_option_names": ["-h", "--help"]})
    assert not set(fresh.commands) & set(LAZY_COMMANDS)
    lazy = CliRunner().invoke(fresh, ["--help"], terminal_width=80, prog_name="podbrief")
    ctx = click.Context(main)
    commands = [main.get_command(ctx, name) for name in main.list_commands(ctx)]
    loaded = click.Group(commands=[command for command in commands if command is not None],
                         help=main.help, context_settings={"help_option_names": ["-h", "--help"]})
    eager = CliRunner().invoke(loaded, ["--help"], terminal_width=80, prog_name="podbrief")
    assert lazy.exit_code == eager.exit_code == 0
    assert lazy.output.split("Commands:")[1] == eager.output.split("Commands:")[1]
    assert "meaning " in lazy.output
