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

Note for future migrations: on SQLite, Alembic's batch mode rebuilds a table it
alters, which drops these triggers; call `create_fulltext_index` again after it.
"""

from __future__ import annotations

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
