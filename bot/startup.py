"""Starting a Podbrief process: settings from the environment, logging, and the migrated database.

Kept apart from `bot.bootstrap` (which builds the Slack client and every service) so that a command
that needs only the database, such as `podbrief import`, starts without importing the Slack app.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from bot.config import Settings, load_settings
from bot.shared.logfmt import redacting_handler
from storage.db import create_db_engine, migrate, session_factory


class StartupError(RuntimeError):
    """Podbrief cannot start; the message says why in plain words."""


def read_environment(env_file: Path = Path(".env")) -> dict[str, str]:
    """The process environment over the values of an optional `.env` file."""
    from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.is_file() else {}
    return {**from_file, **os.environ}


def settings_from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    return load_settings(read_environment() if environ is None else environ)


def configure_logging(level: str, secrets: Iterable[str | None] = ()) -> None:
    """Log to stderr; tokens and the given secrets are redacted from every line."""
    logging.basicConfig(level=level, handlers=[redacting_handler(secrets)])
    if level != "DEBUG":  # migration chatter on every start is noise; failures still show
        logging.getLogger("alembic").setLevel(logging.WARNING)
        logging.getLogger("apscheduler.executors.default").setLevel(logging.WARNING)  # job_run lines say it


def open_database(settings: Settings) -> tuple[Engine, sessionmaker[Session]]:
    """Connect and bring the schema up to date: the engine and its session factory."""
    safe_url = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = create_db_engine(settings.database_url)
    try:
        migrate(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StartupError(f"Cannot open the database at {safe_url}: {reason}") from error
    return engine, session_factory(engine)
