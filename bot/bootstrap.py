"""The composition root: environment -> settings -> database -> services -> Slack app."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from bot.app import build_client
from bot.deps import Deps
from bot.digest_compose import DigestComposer
from bot.digest_delivery import DigestDeliverer
from bot.settings import Settings, load_settings
from storage.db import create_db_engine, migrate, session_factory
from storage.search_index import SearchIndex


class StartupError(RuntimeError):
    """Podbrief cannot start; the message says why in plain words."""


def read_environment(env_file: Path = Path(".env")) -> dict[str, str]:
    """The process environment over the values of an optional `.env` file."""
    from_file = {k: v for k, v in dotenv_values(env_file).items() if v is not None} if env_file.is_file() else {}
    return {**from_file, **os.environ}


def settings_from_environment(environ: Mapping[str, str] | None = None) -> Settings:
    return load_settings(read_environment() if environ is None else environ)


def configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if level != "DEBUG":  # migration chatter on every start is noise; failures still show
        logging.getLogger("alembic").setLevel(logging.WARNING)


def open_storage(settings: Settings) -> Deps:
    """Connect, bring the schema up to date and build the services that use it."""
    safe_url = make_url(settings.database_url).render_as_string(hide_password=True)
    engine = create_db_engine(settings.database_url)
    try:
        migrate(engine)
    except SQLAlchemyError as error:
        engine.dispose()
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StartupError(f"Cannot open the database at {safe_url}: {reason}") from error
    sessions = session_factory(engine)
    slack = build_client(settings)
    digests = DigestDeliverer(sessions, lambda _team_id: slack, DigestComposer(sessions))
    return Deps(engine=engine, sessions=sessions, search_index=SearchIndex(engine), slack=slack, digests=digests)
