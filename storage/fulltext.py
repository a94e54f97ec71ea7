"""The database's own full-text index over `insights.search_text`.

SQLite: an FTS5 external-content table kept in sync by triggers.
PostgreSQL: a generated `tsvector` column with a GIN index.
Both index the same pre-normalised terms (see `insights.text.search_text`) with no
stemming, so both databases propose the same candidates.

The FTS5 table keeps only which insights hold each term (`detail=none`: no positions,
no columns) and no per-row sizes (`columnsize=0`): candidate queries are ANDs and ORs of
single terms, newest first, and the ranking reads `search_text` itself, so neither
phrase/NEAR queries nor bm25 are needed. This makes the index about a third of the size,
and the doclists of common words a search must read much shorter.

A bulk load (`bulk_fulltext`) does not pay the insert trigger once per row: inside the
load's own transaction it drops the trigger, and before the block ends indexes every row
the block added in one statement and re-creates the trigger. SQLite's DDL is
transactional and it has one writer, so no other connection ever sees the table without
its trigger, and a crash or rollback takes back the rows, their index entries and the
trigger change together.

Note for future migrations: on SQLite, Alembic's batch mode rebuilds a table it
alters, which drops these triggers; call `create_fulltext_index` again after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress

from sqlalchemy import Connection, text

_SQLITE_CREATE = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS insights_fts USING fts5(
        search_text, content='insights', content_rowid='id',
        tokenize='unicode61 remove_diacritics 2', detail=none, columnsize=0)""",
    """CREATE TRIGGER IF NOT EXISTS insights_fts_insert AFTER INSERT ON insights BEGIN
        INSERT INTO insights_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS insights_fts_delete AFTER DELETE ON insights BEGIN
        INSERT INTO insights_fts(insights_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS insights_fts_update AFTER UPDATE OF search_text ON insights BEGIN
        INSERT INTO insights_fts(insights_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text);
        INSERT INTO insights_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO insights_fts(insights_fts) VALUES ('rebuild')",
]
_SQLITE_INSERT_TRIGGER = "insights_fts_insert"
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS insights_fts_insert",
    "DROP TRIGGER IF EXISTS insights_fts_delete",
    "DROP TRIGGER IF EXISTS insights_fts_update",
    "DROP TABLE IF EXISTS insights_fts",
]
_POSTGRES_CREATE = [
    """ALTER TABLE insights ADD COLUMN IF NOT EXISTS search_vector tsvector
        GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED""",
    "CREATE INDEX IF NOT EXISTS ix_insights_search_vector ON insights USING GIN (search_vector)",
]
_POSTGRES_DROP = [
    "DROP INDEX IF EXISTS ix_insights_search_vector",
    "ALTER TABLE insights DROP COLUMN IF EXISTS search_vector",
]


def create_fulltext_index(connection: Connection) -> None:
    """Create (or re-create after a table rebuild) the full-text index."""
    statements = _SQLITE_CREATE if connection.dialect.name == "sqlite" else _POSTGRES_CREATE
    for statement in statements:
        connection.execute(text(statement))


def drop_fulltext_index(connection: Connection) -> None:
    statements = _SQLITE_DROP if connection.dialect.name == "sqlite" else _POSTGRES_DROP
    for statement in statements:
        connection.execute(text(statement))


@contextmanager
def bulk_fulltext(connection: Connection) -> Iterator[None]:
    """Index the insights a bulk load inserts in one statement at the end of the block.

    SQLite only (elsewhere it does nothing: PostgreSQL's generated column is computed by the
    insert itself). Call it inside the transaction that inserts the rows and commit after the
    block: the per-row insert trigger is dropped for the block, then the rows with ids above
    the largest before it are indexed and the trigger re-created, all in that transaction.
    """
    if connection.dialect.name != "sqlite":
        yield
        return
    trigger = connection.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", (_SQLITE_INSERT_TRIGGER,)
    ).scalar()
    if trigger is None:  # no full-text index here (or already suspended by an outer block)
        yield
        return
    driver = connection.connection.dbapi_connection
    if driver is not None and not getattr(driver, "in_transaction", True):
        # pysqlite does not open a transaction before DDL: without this the DROP would commit alone.
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    before = connection.exec_driver_sql("SELECT coalesce(max(id), 0) FROM insights").scalar()
    connection.exec_driver_sql(f"DROP TRIGGER {_SQLITE_INSERT_TRIGGER}")
    indexed = False
    try:
        yield
        connection.exec_driver_sql(
            "INSERT INTO insights_fts(rowid, search_text) SELECT id, search_text FROM insights WHERE id > ?",
            (before,),
        )
        indexed = True
    finally:
        if indexed:
            connection.exec_driver_sql(str(trigger))
        else:  # the caller will roll back; should it commit anyway, nothing is left unindexed
            _restore_after_failure(connection, str(trigger), int(before or 0))


def _restore_after_failure(connection: Connection, trigger: str, before: int) -> None:
    """After a failed block: index what it did insert and put the trigger back, if the connection still works."""
    with suppress(Exception):  # a broken connection: the rollback that follows restores the trigger
        connection.exec_driver_sql(
            "INSERT INTO insights_fts(rowid, search_text) SELECT id, search_text FROM insights WHERE id > ?",
            (before,),
        )
        connection.exec_driver_sql(trigger)
