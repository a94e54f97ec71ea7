"""What every `podbrief` subcommand needs: the configuration, the storage, and a way to stop with an error."""

from __future__ import annotations

import sys
from typing import NoReturn

from bot.bootstrap import StartupError, build_deps, configure_logging, settings_from_environment
from bot.cli.terminal import echo
from bot.config import ConfigError, Settings
from bot.deps import Deps


def fail(message: str) -> NoReturn:
    """Print `Error: message` in red on stderr and exit with status 2."""
    echo(f"Error: {message}", fg="red", err=True)
    sys.exit(2)


def load_settings() -> Settings:
    """The configuration from the environment, with logging configured; exits on an invalid one."""
    try:
        settings = settings_from_environment()
    except ConfigError as error:
        fail(str(error))
    configure_logging(settings.log_level, settings.secrets())
    return settings


def open_deps(settings: Settings) -> Deps:
    """The database and services for `settings`; exits when they cannot be opened."""
    try:
        return build_deps(settings)
    except StartupError as error:
        fail(str(error))
