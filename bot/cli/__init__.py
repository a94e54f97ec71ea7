"""The `podbrief` command line; `bot.cli:main` (from `bot.cli.main`) is the entry point."""

from bot.cli.main import main

__all__ = ["main"]
