"""An import the database cannot finish (a full disk, a database that stops answering) says what was kept.

The failures are real, on both databases: SQLite's own "database or disk is full" from a page
limit, and on PostgreSQL a trigger raising the server's `disk_full` (53100) and `admin_shutdown`
(57P01) errors, which reach the import exactly as the server's would.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.bootstrap import build_deps
from bot.cli.importing import import_all
from bot.config import Settings
from ingest import importer
from ingest.importer import ImportProgress, import_file
from storage.db import is_sqlite
from storage.insights_store import count_insights

ROWS = 1_500
BATCH = 100
WORDS = ("grid", "battery", "solar", "heat", "pump", "tariff", "chip", "export", "rates", "bond", "yield", "wind")


def _many_rows(path: Path, rows: int = ROWS) -> Path:
    with path.open("w", encoding="utf-8") as file:
        for n in range(rows):
            words = " ".join(WORDS[(n // 12 ** k) % 12] for k in range(4))
            record = {"text": f"Insight {n}: {words} decide how operators plan evening prices in region {n}.",
                      "podcast": f"Pod {n % 7}", "episode": f"Episode {n % 31}"}
            file.write(json.dumps(record) + "\n")
    return path


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return count_insights(session)


Failure = Callable[[], None]


@pytest.fixture
def database_fails(engine: Engine) -> Iterator[Callable[[str], Failure]]:
    """`database_fails(kind)` makes writes fail once ~300 insights are stored; call the result to mend it."""
    undo: list[Failure] = []

    def start(kind: str) -> Failure:
        mend = _sqlite_failure(engine, kind, 60) if is_sqlite(engine) else _postgres_failure(engine, kind, 300)
        undo.append(mend)
        return mend

    yield start
    for mend in undo:
        mend()


def _sqlite_failure(engine: Engine, kind: str, spare_pages: int) -> Failure:
    """Writes fail once the file has grown by `spare_pages` (about 10 insights a page)."""
    failing = [True]
    with engine.connect() as connection:
        pages: int = connection.execute(text("PRAGMA page_count")).scalar_one()

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not failing[0]:
            return
        if kind == "disk full":  # SQLite's real SQLITE_FULL, as on a full disk
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages + spare_pages}")
        else:  # from the fourth transaction on, SQLITE_INTERRUPT: an OperationalError like an I/O error
            transactions = [0]

            def count(statement: str) -> None:
                transactions[0] += statement.startswith("BEGIN")

            dbapi_connection.set_trace_callback(count)
            dbapi_connection.set_progress_handler(lambda: int(transactions[0] > 3), 50)

    event.listen(engine, "connect", on_connect)
    engine.dispose()

    def mend() -> None:
        failing[0] = False
        engine.dispose()

    return mend


def _postgres_failure(engine: Engine, kind: str, rows: int, table: str = "insights") -> Failure:
    """Inserts into `table` fail once it holds `rows` rows."""
    code, message = (("disk_full", 'could not extend file "base/16384/16385": No space left on device')
                     if kind == "disk full" else ("admin_shutdown", "terminating connection due to administrator command"))
    with engine.begin() as connection:
        connection.execute(text(f"""
            CREATE OR REPLACE FUNCTION test_import_failure() RETURNS trigger AS $$
            BEGIN
                IF (SELECT count(*) FROM {table}) >= {rows} THEN
                    RAISE EXCEPTION '{message}' USING ERRCODE = '{code}';
                END IF;
                RETURN NEW;
            END $$ LANGUAGE plpgsql"""))
        connection.execute(text(f"CREATE TRIGGER test_import_failure BEFORE INSERT ON {table} "
                                "FOR EACH STATEMENT EXECUTE FUNCTION test_import_failure()"))

    def mend() -> None:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TRIGGER IF EXISTS test_import_failure ON {table}"))
            connection.execute(text("DROP FUNCTION IF EXISTS test_import_failure()"))

    return mend


@pytest.fixture(params=["one process", "two processes"])
def reading(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a file is read: in the importing process, or (large files) in a second one; on
    PostgreSQL the second way also stages rows on a second connection (`importer._Staging`)."""
    if request.param == "two processes":
        if importer._FORK is None:
            pytest.skip("no fork on this platform: imports stay in one process")
        monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    return str(request.param)


@pytest.mark.usefixtures("reading")
def test_a_full_disk_stops_the_import_keeping_every_batch_written_before_it(
    tmp_path: Path, sessions: sessionmaker[Session], database_fails: Callable[[str], Failure]
) -> None:
    path = _many_rows(tmp_path / "many.jsonl")
    mend = database_fails("disk full")
    report = import_file(path, sessions, batch_size=BATCH)
    assert report.stopped is not None and not report.ok
    assert "disk" in report.stopped.message and "full" in report.stopped.message
    assert 0 < report.added < ROWS and report.added % BATCH == 0  # whole batches, nothing half-written
    assert _count(sessions) == report.added
    assert report.stopped.line == report.added + 1  # the first row not imported
    assert f"{report.added:,} insights added before it are kept" in report.stopped.message
    mend()
    again = import_file(path, sessions, batch_size=BATCH)
    assert (again.added, again.duplicates, again.stopped) == (ROWS - report.added, report.added, None)
    assert _count(sessions) == ROWS


@pytest.mark.usefixtures("reading")
def test_any_other_database_failure_during_an_import_also_stops_it_with_a_plain_message(
    tmp_path: Path, sessions: sessionmaker[Session], database_fails: Callable[[str], Failure]
) -> None:
    path = _many_rows(tmp_path / "many.jsonl")
    mend = database_fails("other")
    report = import_file(path, sessions, batch_size=BATCH)
    mend()
    assert report.stopped is not None and report.stopped.line == report.added + 1
    assert "the database failed here (" in report.stopped.message
    assert 0 < report.added < ROWS and _count(sessions) == report.added


def test_podbrief_import_on_a_full_disk_says_what_was_kept_without_a_traceback(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(importer, "DEFAULT_BATCH_SIZE", 2_000)  # the command's batches, small enough for a test file
    deps = build_deps(Settings(database_url=database_url, data_dir=tmp_path))
    first, second = _many_rows(tmp_path / "many.jsonl", 5_000), _many_rows(tmp_path / "more.jsonl", 10)
    engine = deps.engine  # the second of the command's 2,000-row batches fails
    mend = _sqlite_failure(engine, "disk full", 300) if is_sqlite(engine) else _postgres_failure(engine, "disk full", 2_000)
    try:
        reports = import_all([first, second], deps.engine, deps.sessions)
    finally:
        mend()
        deps.engine.dispose()
    printed = capsys.readouterr()
    assert "Traceback" not in printed.out + printed.err
    kept = reports[0].added
    assert kept == 2_000 and len(reports) == 1
    assert f"  {first}:{kept + 1}: the database ran out of disk space here" in printed.err
    assert "run the same import again" in printed.err
    assert f"{second}: not imported" in printed.err


def test_ctrl_c_during_an_import_says_how_far_it_got_and_keeps_what_was_committed(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    path = _many_rows(tmp_path / "many.jsonl")

    def press_ctrl_c_at_row_700(progress: ImportProgress) -> None:  # in the middle of the fifth batch
        if progress.records >= 700:
            raise KeyboardInterrupt

    report = import_file(path, sessions, batch_size=150, progress=press_ctrl_c_at_row_700)
    assert report.stopped is not None and report.stopped.line == 601
    assert report.added == 600 == _count(sessions)
    assert report.stopped.message.startswith("interrupted (Ctrl-C) here: the 600 insights added before it are kept")


def test_a_failure_on_the_staging_connection_stops_the_import_keeping_the_committed_batches(
    tmp_path: Path, engine: Engine, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On PostgreSQL a large file's episodes are created by the staging connection (`importer._Staging`):
    a server failure there stops the import at the first row not committed, as one on the import's
    own connection does, and leaves no staging table behind."""
    if is_sqlite(engine) or importer._FORK is None:
        pytest.skip("rows are staged on a second connection on PostgreSQL only (large files, with fork)")
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "_CHUNK_ROWS", 7)
    path = tmp_path / "episodes.jsonl"
    path.write_text("".join(json.dumps({"text": f"Insight {n} on tariffs and batteries, take {n}.", "podcast": "Pod",
                                        "episode": f"Episode {(n - 1) // 10}"}) + "\n" for n in range(1, 601)))
    mend = _postgres_failure(engine, "other", 25, table="episodes")
    try:
        report = import_file(path, sessions, batch_size=BATCH)
    finally:
        mend()
    assert report.stopped is not None and "the database failed here (" in report.stopped.message
    assert 0 < report.added < 600 and report.added % BATCH == 0 and _count(sessions) == report.added
    assert report.stopped.line == report.added + 1
    with sessions() as session:
        assert session.execute(text("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'podbrief_import%'")).scalar() == 0
    rest = import_file(path, sessions, batch_size=BATCH)
    assert (rest.added, rest.stopped) == (600 - report.added, None)
