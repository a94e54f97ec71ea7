"""Shared fixtures: a migrated, empty database on SQLite and on PostgreSQL for each test."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from storage.db import create_db_engine, migrate, session_factory
from storage.models import Base

POSTGRES_URL = os.environ.get("PODBRIEF_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("PODBRIEF_REQUIRE_POSTGRES") == "1"
#: Tables of slack_sdk's OAuth stores (migration 0005), outside our models' metadata.
SLACK_SDK_TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")
FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (faster than migrating each time)."""
    path = tmp_path_factory.mktemp("template") / "podbrief.sqlite3"
    engine = create_db_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_session_url() -> Iterator[str]:
    """A fresh, migrated PostgreSQL database for this test session, dropped afterwards."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"podbrief_test_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:
        admin.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required but unreachable at {POSTGRES_URL}: {error}")
        pytest.skip(f"PostgreSQL unreachable at {POSTGRES_URL}")
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    engine = create_db_engine(url)
    migrate(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The URL of an empty, migrated database; each test runs once per backend."""
    if request.param == "sqlite":
        target = tmp_path / "podbrief.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_session_url")
    engine = create_db_engine(url)
    tables = ", ".join(f'"{t}"' for t in [*(t.name for t in Base.metadata.sorted_tables), *SLACK_SDK_TABLES])
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def fixtures_dir() -> Path:
    """The shared real-world fixtures; tests using them skip where the folder is absent."""
    if not FIXTURES.is_dir():
        pytest.skip(f"shared fixtures not found at {FIXTURES}")
    return FIXTURES
