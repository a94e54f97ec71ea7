"""The bulk import's full-text path: rows indexed in their own transaction, the trigger always back.

An import indexes each batch in one statement instead of the per-row insert trigger (SQLite);
these tests check that what it stores is exactly what the trigger would have stored, that the
index is searchable the moment the import returns, and that a failed batch leaves neither rows
nor a table without its trigger.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from ingest.importer import import_file
from insights.model import NewInsight
from storage.db import is_sqlite
from storage.fulltext import bulk_fulltext
from storage.insights_store import InsightWriter, count_insights
from storage.search_index import SearchIndex

WORDS = ("grid", "battery", "solar", "heat", "pump", "tariff", "chip", "export", "rates", "bond", "yield", "wind")


def _text(n: int) -> str:
    return f"Note {n}: {' '.join(WORDS[(n // 12 ** k) % 12] for k in range(3))} shape prices zone{n}."


def _rows(path: Path, count: int, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as file:
        for n in range(start, start + count):
            file.write(json.dumps({"text": _text(n), "podcast": f"Pod {n % 5}"}) + "\n")
    return path


def _trigger_present(engine: Engine) -> bool:
    with engine.connect() as connection:
        found: int = connection.execute(
            text("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'insights_fts_insert'")
        ).scalar_one()
    return bool(found)


def _fts_consistent(engine: Engine) -> None:
    """SQLite's own check that the FTS5 index holds exactly the rows of its content table."""
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO insights_fts(insights_fts, rank) VALUES ('integrity-check', 1)"))


def test_an_import_is_searchable_when_it_returns_and_the_index_matches_the_table(
    tmp_path: Path, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    report = import_file(_rows(tmp_path / "a.jsonl", 450), sessions, batch_size=200)
    assert (report.added, report.ok) == (450, True)
    with sessions() as session:
        found = SearchIndex(engine).search(session, "zone437", 5).matches
    assert found[0].insight.text == _text(437)  # the exact word first (typo tolerance may add neighbours)
    if is_sqlite(engine):
        assert _trigger_present(engine)
        _fts_consistent(engine)


def test_rows_written_after_an_import_by_the_ordinary_path_are_indexed_too(
    tmp_path: Path, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    import_file(_rows(tmp_path / "a.jsonl", 30), sessions, batch_size=7)
    with sessions.begin() as session:  # a feed scan's write: the per-row trigger, put back by the import
        InsightWriter(session).add([NewInsight(text="A heat pump tariff for flatbread bakeries.")])
    with sessions() as session:
        found = SearchIndex(engine).search(session, "flatbread", 5).matches
    assert [m.insight.text for m in found] == ["A heat pump tariff for flatbread bakeries."]
    if is_sqlite(engine):
        _fts_consistent(engine)


def test_a_batch_that_fails_stores_nothing_and_leaves_the_trigger_in_place(
    engine: Engine, sessions: sessionmaker[Session]
) -> None:
    with pytest.raises(RuntimeError), sessions.begin() as session, bulk_fulltext(session.connection()):
        InsightWriter(session).add([NewInsight(text="Battery storage evens out the evening peak.")])
        raise RuntimeError("the batch fails after its insert")
    with sessions() as session:
        assert count_insights(session) == 0
    if is_sqlite(engine):
        assert _trigger_present(engine)
        _fts_consistent(engine)
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(text="Battery storage evens out the evening peak.")])
    with sessions() as session:
        assert len(SearchIndex(engine).search(session, "battery evening", 5).matches) == 1


def test_a_second_import_into_a_filled_table_indexes_only_its_own_rows(
    tmp_path: Path, engine: Engine, sessions: sessionmaker[Session]
) -> None:
    import_file(_rows(tmp_path / "a.jsonl", 100), sessions)
    report = import_file(_rows(tmp_path / "b.jsonl", 100, start=50), sessions)  # half of it already there
    assert (report.added, report.duplicates) == (50, 50)
    with sessions() as session:
        assert SearchIndex(engine).search(session, "zone149", 5).matches[0].insight.text == _text(149)
    if is_sqlite(engine):
        _fts_consistent(engine)
