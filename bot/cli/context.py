"""What every `podbrief` subcommand needs: the configuration, the storage, and a way to stop with an error."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

from bot.cli.terminal import echo

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

    from bot.config import Settings
    from bot.deps import Deps


def fail(message: str) -> NoReturn:
    """Print `Error: message` in red on stderr and exit with status 2."""
    echo(f"Error: {message}", fg="red", err=True)
    sys.exit(2)


def load_settings() -> Settings:
    """The configuration from the environment, with logging configured; exits on an invalid one."""
    from bot.config import ConfigError
    from bot.startup import configure_logging, settings_from_environment

    try:
        settings = settings_from_environment()
    except ConfigError as error:
        fail(str(error))
    configure_logging(settings.log_level, settings.secrets())
    return settings


def open_deps(settings: Settings) -> Deps:
    """The database and services for `settings`; exits when they cannot be opened."""
    from bot.bootstrap import build_deps
    from bot.startup import StartupError

    try:
        return build_deps(settings)
    except StartupError as error:
        fail(str(error))


def open_database_for(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """Only the database for `settings`, migrated (what `podbrief import` needs); exits when it cannot be opened."""
    from bot.startup import StartupError, open_database

    try:
        return open_database(settings)
    except StartupError as error:
        fail(str(error))
