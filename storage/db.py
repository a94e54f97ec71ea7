"""Engine, sessions and schema migrations (Alembic, applied on start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS = Path(__file__).with_name("migrations")
#: Any constant works; it only has to be the same for every replica.
_MIGRATION_LOCK_KEY = 4_242_017
CONNECT_TIMEOUT_SECONDS = 5


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """An engine tuned for this app: WAL + foreign keys on SQLite, pre-ping on servers.

    Statement parameters (typed topics and queries, URLs) are kept out of error messages and
    hence out of logged tracebacks (`hide_parameters`); the SQL itself is still shown.
    """
    kwargs.setdefault("hide_parameters", True)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # Bolt's listener and answer threads, waitress's threads and the scheduler can all hold one at once.
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 10)
    # An unreachable host must fail fast (and get the friendly "try again"), not hang a thread.
    kwargs.setdefault("connect_args", {"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    return create_engine(url, **kwargs)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions are owned by callers: `with factory.begin() as session: ...`."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; replicas starting together wait their turn."""
    config = alembic_config(engine)
    if is_sqlite(engine):
        command.upgrade(config, "head")
        return
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        try:
            command.upgrade(config, "head")
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK_KEY})
            connection.commit()


def check_connection(engine: Engine) -> None:
    """Raise if the database cannot answer a trivial query."""
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def refresh_statistics(engine: Engine) -> None:
    """Let the query planner see the table sizes after a bulk import (PostgreSQL only).

    Autovacuum would get there eventually (where it is on); until then a planner that thinks the
    table is empty picks plans that take seconds on common words.
    """
    if is_sqlite(engine):
        return
    with engine.begin() as connection:
        connection.execute(text("ANALYZE insights"))
        connection.execute(text("ANALYZE search_terms"))
