"""Alembic environment: runs against the engine the app passes in (or DATABASE_URL)."""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Engine, create_engine

from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> Engine:
    engine = config.attributes.get("engine")  # `storage.db.migrate` hands its engine over
    if isinstance(engine, Engine):
        return engine
    return create_engine(os.environ.get("DATABASE_URL", "sqlite:///data/podbrief.sqlite3"))


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Leave hand-made objects out of autogenerate: the full-text index (storage.fulltext) and
    slack_sdk's OAuth tables (created in migration 0005, used through slack_sdk's own stores)."""
    name = name or ""
    return not name.startswith(("insights_fts", "slack_")) and name != "search_vector"


def run_migrations_offline() -> None:
    context.configure(url=str(_engine().url), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    with _engine().connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            include_object=include_object,
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
