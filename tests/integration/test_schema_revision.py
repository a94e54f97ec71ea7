"""Start-up skips Alembic when the database is already at the newest revision, and only then."""

from __future__ import annotations

import subprocess
import sys

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import alembic_config, current_revision, migrate, newest_revision


def test_the_newest_revision_is_alembics_head(engine: Engine) -> None:
    # A migration file named against the NNNN_ convention would make start-up skip it: this fails first.
    assert newest_revision() == ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_a_migrated_database_is_at_the_newest_revision(engine: Engine) -> None:
    assert current_revision(engine) == newest_revision()


def test_a_database_one_revision_behind_is_still_upgraded(engine: Engine) -> None:
    from alembic import command

    command.downgrade(alembic_config(engine), "-1")
    assert current_revision(engine) != newest_revision()
    migrate(engine)
    assert current_revision(engine) == newest_revision()
    with engine.connect() as connection:  # 0011's column is back
        connection.execute(text("SELECT digest_days FROM channels WHERE 1 = 0")).all()


def test_an_empty_database_has_no_revision_and_is_created(tmp_path: object) -> None:
    from storage.db import create_db_engine

    engine = create_db_engine(f"sqlite:///{tmp_path}/new.sqlite3")
    try:
        assert current_revision(engine) is None
        migrate(engine)
        assert current_revision(engine) == newest_revision()
    finally:
        engine.dispose()


def test_an_up_to_date_database_opens_without_loading_alembic(database_url: str) -> None:
    # In a fresh interpreter where importing Alembic fails: opening must not need it.
    code = (
        "import sys; sys.modules['alembic'] = None\n"
        "from storage.db import create_db_engine, migrate\n"
        f"migrate(create_db_engine({database_url!r}))\n"
        "print('opened')"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "opened"
