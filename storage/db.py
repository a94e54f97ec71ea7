"""Engine, sessions and schema migrations (Alembic, applied on start)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config

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
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; replicas starting together wait their turn.

    A database already at the newest revision is left alone without loading Alembic (about a
    third of a short command's start-up).
    """
    if current_revision(engine) == newest_revision():
        return
    from alembic import command

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


def newest_revision() -> str:
    """The head revision: migration files are named `NNNN_what.py` with revision id `NNNN`."""
    return max(path.name[:4] for path in (MIGRATIONS / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has no (single) Alembic version yet."""
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("alembic_version"):
                return None
            versions: list[str] = list(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError:
        return None  # let the migration itself report what is wrong
    return versions[0] if len(versions) == 1 else None


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
