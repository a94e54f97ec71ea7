"""Large files are read and checked in a second process: the import reports exactly what it reports in one.

`PARALLEL_MIN_BYTES` is lowered so small test files take the two-process path; each test
compares it with the one-process path or checks the crash-safety promises on it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from ingest import importer
from ingest.importer import ImportProgress, ImportReport, import_file
from storage.insights_store import count_insights

WORDS = ("grid", "battery", "solar", "heat", "pump", "tariff", "chip", "export", "rates", "bond", "yield", "wind")


def _mixed(path: Path, rows: int) -> Path:
    """Good rows, with a bad row every 37 lines, a repeat every 53 and a broken JSON line every 101."""
    with path.open("w", encoding="utf-8") as file:
        for n in range(1, rows + 1):
            if n % 101 == 0:
                file.write('{"text": "unterminated\n')
            elif n % 37 == 0:
                file.write(json.dumps({"text": "Rates rise.", "start_seconds": -4, "url": "ftp://x"}) + "\n")
            elif n % 53 == 0:
                file.write(json.dumps({"text": "Insight 1: battery grid grid decides evening prices."}) + "\n")
            else:
                words = " ".join(WORDS[(n // 12 ** k) % 12] for k in range(3))
                file.write(json.dumps({"text": f"Insight {n}: {words} decides evening prices.",
                                       "podcast": f"Pod {n % 3}", "episode": f"Episode {n % 11}",
                                       "published_at": "2024-05-01", "topics": ["energy"]}) + "\n")
    return path


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return count_insights(session)


def _summary(report: ImportReport) -> tuple[object, ...]:
    return (report.read, report.added, report.duplicates, report.invalid, [str(e) for e in report.errors],
            report.stopped)


@pytest.fixture
def two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    if importer._FORK is None:
        pytest.skip("no fork on this platform: imports stay in one process")
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "_CHUNK_ROWS", 7)  # many messages, some rows split across batches


def test_two_processes_report_every_row_as_one_process_does(
    tmp_path: Path, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _mixed(tmp_path / "mixed.jsonl", 1_200)
    alone = import_file(path, sessions, batch_size=100)
    with sessions.begin() as session:  # start again from an empty table
        session.execute(text("DELETE FROM insights"))
    if importer._FORK is None:
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "_CHUNK_ROWS", 7)
    together = import_file(path, sessions, batch_size=100)
    assert _summary(together) == _summary(alone)
    assert together.invalid == 1_200 // 37 + 1_200 // 101 - 1_200 // (37 * 101)
    assert (together.errors[0].line, together.errors[0].message) == (
        37, '"url": "ftp://x" is not a web address (it must start with http:// or https://); '
            '"start_seconds": -4 must be 0 or more')
    assert together.errors[2].line == 101 and together.errors[2].message.startswith("not valid JSON")
    assert _count(sessions) == together.added


@pytest.mark.usefixtures("two_processes")
def test_reimporting_with_two_processes_adds_nothing(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    path = _mixed(tmp_path / "mixed.jsonl", 500)
    first = import_file(path, sessions, batch_size=64)
    again = import_file(path, sessions, batch_size=64)
    assert first.added > 400 and again.added == 0 and again.duplicates == first.added + first.duplicates
    assert _count(sessions) == first.added


@pytest.mark.usefixtures("two_processes")
def test_ctrl_c_with_two_processes_keeps_the_committed_batches_and_a_rerun_adds_the_rest(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    path = _mixed(tmp_path / "mixed.jsonl", 900)

    def press_ctrl_c_at_row_450(progress: ImportProgress) -> None:
        if progress.records >= 450:
            raise KeyboardInterrupt

    stopped = import_file(path, sessions, batch_size=120, progress=press_ctrl_c_at_row_450)
    assert stopped.stopped is not None and stopped.stopped.message.startswith("interrupted (Ctrl-C) here")
    assert 0 < stopped.added == _count(sessions) < 800
    rest = import_file(path, sessions, batch_size=120)
    assert rest.ok is False and rest.stopped is None  # the bad rows are reported again, nothing stops it
    full = import_file(_mixed(tmp_path / "again.jsonl", 900), sessions)
    assert full.added == 0
    assert _count(sessions) == stopped.added + rest.added


def _stored(sessions: sessionmaker[Session]) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    with sessions() as session:
        rows = session.execute(text(
            "SELECT i.content_hash, i.text, i.search_text, p.title, e.title, i.published_at, i.topics, i.quote "
            "FROM insights i LEFT JOIN podcasts p ON p.id = i.podcast_id LEFT JOIN episodes e ON e.id = i.episode_id "
            "ORDER BY i.id"))
        terms = session.execute(text("SELECT term, doc_count FROM search_terms ORDER BY term"))
        return [tuple(str(v) for v in r) for r in rows], [tuple(r) for r in terms]


def test_rows_normalised_in_the_reading_process_are_stored_as_one_process_stores_them(
    tmp_path: Path, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = _mixed(tmp_path / "mixed.jsonl", 600)
    import_file(path, sessions, batch_size=100)
    alone = _stored(sessions)
    with sessions.begin() as session:  # start again from empty tables
        session.execute(text("DELETE FROM insights"))
        session.execute(text("DELETE FROM search_terms"))
    if importer._FORK is None:
        pytest.skip("no fork on this platform")
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(importer, "_CHUNK_ROWS", 7)
    import_file(path, sessions, batch_size=100)
    together = _stored(sessions)
    assert together == alone
    assert len(alone[0]) > 500 and alone[1]


def _good_rows(path: Path, first: int, last: int, bad_after: int = 0) -> Path:
    """Rows `first`..`last` (distinct texts, three podcasts), then `bad_after` broken lines."""
    with path.open("w", encoding="utf-8") as file:
        for n in range(first, last + 1):
            words = " ".join(WORDS[(n // 12 ** k) % 12] for k in range(3))
            file.write(json.dumps({"text": f"Insight {n}: {words} sets the price.", "podcast": f"Pod {n % 3}",
                                   "topics": ["energy"]}) + "\n")
        file.write('{"text": "unterminated\n' * bad_after)
    return path


@pytest.mark.usefixtures("two_processes")
@pytest.mark.parametrize("bad_after", [0, 3])
def test_vocabulary_counts_match_the_stored_rows_with_two_processes(
    tmp_path: Path, sessions: sessionmaker[Session], bad_after: int,
) -> None:
    """Term counts travel with a transaction's last chunk. A file whose last chunk ends on a chunk
    boundary inside a transaction (135 rows: chunks of 7, transactions of 100), then maybe bad
    lines, and a second file half of which is already stored, leave the vocabulary equal to the
    stored rows' terms."""
    from collections import Counter

    from sqlalchemy import select

    from storage.models import InsightRow, SearchTerm

    assert import_file(_good_rows(tmp_path / "a.jsonl", 1, 135, bad_after), sessions, batch_size=100).added == 135
    report = import_file(_good_rows(tmp_path / "b.jsonl", 68, 270), sessions, batch_size=100)
    assert (report.added, report.duplicates) == (135, 68)
    with sessions() as session:
        expected = Counter(term for stored in session.scalars(select(InsightRow.search_text))
                           for term in set(stored.split()))
        stored_counts = {row.term: row.doc_count for row in session.scalars(select(SearchTerm))}
    assert stored_counts == dict(expected)


def _staging_tables(sessions: sessionmaker[Session]) -> list[str]:
    with sessions() as session:
        return list(session.scalars(text("SELECT tablename FROM pg_tables WHERE tablename LIKE 'podbrief_import%'")))


@pytest.fixture
def postgres_staging(sessions: sessionmaker[Session], two_processes: None) -> None:
    with sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("rows are staged on a second connection on PostgreSQL only")


@pytest.mark.usefixtures("postgres_staging")
def test_staging_tables_are_gone_after_an_import_and_after_ctrl_c(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    path = _mixed(tmp_path / "mixed.jsonl", 900)
    assert import_file(path, sessions, batch_size=100).added > 0
    assert _staging_tables(sessions) == []

    def press_ctrl_c_at_row_450(progress: ImportProgress) -> None:
        if progress.records >= 450:
            raise KeyboardInterrupt

    with sessions.begin() as session:
        session.execute(text("DELETE FROM insights"))
    stopped = import_file(path, sessions, batch_size=100, progress=press_ctrl_c_at_row_450)
    assert stopped.stopped is not None and 0 < stopped.added == _count(sessions)
    assert _staging_tables(sessions) == []


@pytest.mark.usefixtures("postgres_staging")
def test_a_database_that_refuses_the_staging_tables_still_imports_on_one_connection(
    tmp_path: Path, sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
) -> None:
    """A database user without the CREATE privilege: the import says so in the log and goes on as before staging."""
    from sqlalchemy.exc import ProgrammingError

    from storage.insights_store import InsightWriter

    def refuse(self: InsightWriter, table: str) -> None:
        raise ProgrammingError("CREATE UNLOGGED TABLE ...", {}, Exception("permission denied for schema public"))

    monkeypatch.setattr(InsightWriter, "create_staging", refuse)
    path = _mixed(tmp_path / "mixed.jsonl", 600)
    report = import_file(path, sessions, batch_size=100)
    assert report.stopped is None and report.added == _count(sessions) > 500
    assert "could not create the import's staging tables" in caplog.text
    assert _staging_tables(sessions) == []
