"""Writing and reading insights, their podcasts and episodes, as domain objects."""

from __future__ import annotations

import json
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import chain, islice
from typing import Any, NamedTuple

from sqlalchemy import Dialect, Row, Select, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeEngine

from insights.model import Insight, NewInsight
from insights.text import clean_display_text, normalise_content, search_text, without_stopwords, words, words_hash
from storage.clock import as_utc
from storage.models import Episode, InsightRow, Podcast, SearchTerm
from storage.sql_helpers import upsert_insert

#: Insights prepared and written together (identity is checked within a batch first).
BATCH_SIZE = 2000
#: Rows per multi-row INSERT on SQLite: 13 values each stays under SQLite's 32,766
#: variables. Fewer, larger statements also mean fewer FTS5 segment flushes.
SQLITE_ROWS_PER_STATEMENT = 2000
#: SQLite page cache (KiB) while adding insights; restored afterwards. At 1M insights the
#: b-trees that take random inserts (content hash, published_at) and the full-text index hold
#: ~130 MB: with 64 MiB each 20,000-row batch's INSERT cost 1.8 s of CPU, with 256 MiB 1.2 s.
#: A ceiling: pages are only cached once touched.
BULK_CACHE_KIB = 262144

#: The columns an insight is inserted with, in the order of the prepared tuples.
_INSERT_COLUMNS = (
    "content_hash",
    "text",
    "search_text",
    "podcast_id",
    "episode_id",
    "url",
    "audio_url",
    "start_seconds",
    "published_at",
    "topics",
    "quality",
    "created_at",
    "quote",
)
#: The inserted columns as a staging table of PostgreSQL's COPY path declares them.
_POSTGRES_STAGING_COLUMNS = """(
    content_hash bytea, text text, search_text text, podcast_id bigint, episode_id bigint,
    url varchar(2000), audio_url varchar(2000), start_seconds double precision,
    published_at timestamptz, topics json, quality double precision, created_at timestamptz, quote text
)"""
#: The staging table of PostgreSQL's COPY path in one session, emptied at each commit.
_POSTGRES_STAGING = f"CREATE TEMPORARY TABLE IF NOT EXISTS insight_load {_POSTGRES_STAGING_COLUMNS} ON COMMIT DELETE ROWS"
#: A staging table another connection can read (`InsightWriter.stage`): a name of the caller's, no WAL.
_POSTGRES_SHARED_STAGING = "CREATE UNLOGGED TABLE {table} " + _POSTGRES_STAGING_COLUMNS
_POSTGRES_TERM_STAGING = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS term_load (term varchar(64), doc_count integer) ON COMMIT DELETE ROWS"
)
_SQLITE_TERM_UPSERT = (
    "INSERT INTO search_terms (term, doc_count) VALUES (?, ?) "
    "ON CONFLICT (term) DO UPDATE SET doc_count = search_terms.doc_count + excluded.doc_count"
)


@dataclass
class AddResult:
    """What `add_insights` did: how many rows were new and how many already existed."""

    added: int = 0
    duplicates: int = 0
    added_ids: list[int] = field(default_factory=list)


@contextmanager
def _bulk_write_cache(session: Session) -> Iterator[None]:
    """On SQLite, a larger page cache while writing: the content-hash, published_at and
    full-text b-trees take random inserts, which thrash a small cache as the table grows."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    previous: int = session.execute(text("PRAGMA cache_size")).scalar_one()
    session.execute(text(f"PRAGMA cache_size=-{BULK_CACHE_KIB}"))
    try:
        yield
    finally:
        session.execute(text(f"PRAGMA cache_size={int(previous)}"))


class PreparedInsight(NamedTuple):
    """One new insight, normalised: everything but the podcast and episode ids.

    A plain tuple underneath: a bulk import's reading process sends these as tuples and the
    writing process rebuilds them with `_make` (a dataclass holding a `NewInsight` cost ~4 µs a row
    to rebuild there, on the import's critical path).
    """

    podcast: str | None
    episode: str | None
    url: str | None
    audio_url: str | None
    start_seconds: float | None
    published_at: datetime | None
    topics: tuple[str, ...]
    quote: str | None
    digest: bytes
    #: The display text (`insights.text`).
    text: str
    #: The indexed terms, space-separated (stored as `insights.search_text`).
    search_text: str


@dataclass(slots=True)
class PreparedBatch:
    """A batch of insights normalised by `InsightPreparer`, ready for `InsightWriter.add_prepared`.

    `size` counts the items given (repeats too); `unique` holds them without repeats within the
    batch; `counts` says how many of `unique` hold each term. Only the sum of `counts` over the
    batches of one `add_prepared` call is written, so a producer may carry several batches'
    counts on one of them (and empty counters on the others).
    """

    size: int
    unique: list[PreparedInsight]
    counts: Counter[str]


class InsightPreparer:
    """The pure half of adding insights: words, identity, display text and indexed terms.

    It touches no database, so a bulk import runs it in its file-reading process while the
    writing process only writes.
    """

    #: Distinct (podcast, episode, topics) whose terms are remembered (the same for a whole episode).
    MAX_REMEMBERED = 20_000

    def __init__(self) -> None:
        self._extra_terms: dict[tuple[str | None, str | None, tuple[str, ...]], list[str]] = {}

    def prepare(self, batch: Sequence[NewInsight]) -> PreparedBatch:
        """Normalise a batch; repeats within it are dropped (and counted in `size`)."""
        unique: dict[bytes, PreparedInsight] = {}
        counts: Counter[str] = Counter()
        for item in batch:
            folded = words(item.text)
            digest = words_hash(folded)
            if digest not in unique:
                terms = without_stopwords(folded) + self._terms_of_extras(item)
                unique[digest] = PreparedInsight(
                    item.podcast, item.episode, item.url, item.audio_url, item.start_seconds, item.published_at,
                    item.topics, item.quote, digest, clean_display_text(item.text), " ".join(terms),
                )
                counts.update(set(terms))
        return PreparedBatch(len(batch), list(unique.values()), counts)

    def _terms_of_extras(self, item: NewInsight) -> list[str]:
        """The podcast, episode and topic terms indexed with the text."""
        key = (item.podcast, item.episode, item.topics)
        found = self._extra_terms.get(key)
        if found is None:
            if len(self._extra_terms) >= self.MAX_REMEMBERED:
                self._extra_terms.clear()
            found = self._extra_terms[key] = search_text("", item.podcast, item.episode, *item.topics).split()
        return found


class InsightWriter:
    """Adds insights in batches, resolving podcasts and episodes once per name.

    Vocabulary document counts are gathered in memory and written once per `add`
    call (one upsert per distinct term, not one per term per batch). On SQLite the
    rows go straight to the driver in multi-row INSERTs (the ORM's per-row parameter
    handling was most of the import time); values are converted by the same SQLAlchemy
    type processors, so what is stored is identical.
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._dialect = session.get_bind().dialect
        self._podcasts: dict[str, int] = {}
        self._episodes: dict[tuple[int, str], int] = {}
        self._podcast_by_title: dict[str, int] = {}
        self._episode_by_title: dict[tuple[int, str], int] = {}
        self._preparer = InsightPreparer()
        # SQLite rows go to the driver, converted by SQLAlchemy's own processors; other
        # dialects' rows go through SQLAlchemy, which converts them itself.
        columns = InsightRow.__table__.c
        raw = self._dialect.name == "sqlite"
        #: PostgreSQL through psycopg: bulk rows go in by COPY (`_copy_cursor`).
        self._copies = self._dialect.name == "postgresql" and self._dialect.driver == "psycopg"
        self._date_to_db = _bind_processor(columns.published_at.type, self._dialect) if raw else None
        self._json_to_db = _bind_processor(columns.topics.type, self._dialect) if raw else None
        self._converted: dict[Any, Any] = {}
        self._sqlite_sql: dict[int, str] = {}

    def add(self, items: Iterable[NewInsight]) -> AddResult:
        """Store new insights; ones whose normalised content already exists are skipped.

        While one batch is written, the next is normalised in a worker thread (the
        database drivers release the GIL while the database works); only the pure
        normalisation runs there, every database call stays on the caller's thread.
        """
        return self.add_prepared(self._prepared_batches(items))

    def add_prepared(self, batches: Iterable[PreparedBatch]) -> AddResult:
        """Store batches an `InsightPreparer` made (here or in another process); as `add`."""
        result = AddResult()
        counts: Counter[str] = Counter()
        self._session.flush()  # the raw SQLite writes below do not autoflush the ORM
        with _bulk_write_cache(self._session):
            for prepared in batches:
                self._add_batch(prepared, result, counts)
            self._count_terms(counts)
        self._converted.clear()
        return result

    def _prepared_batches(self, items: Iterable[NewInsight]) -> Iterator[PreparedBatch]:
        """The batches prepared, preparing one batch ahead in a thread."""
        prepare = self._preparer.prepare
        batches = _batches(items, BATCH_SIZE)
        first = next(batches, None)
        if first is None:
            return
        if len(first) < BATCH_SIZE:  # a small add: no thread
            yield prepare(first)
            yield from map(prepare, batches)
            return
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="insight-prepare") as pool:
            ahead: deque[Future[PreparedBatch]] = deque()
            ahead.append(pool.submit(prepare, first))
            for batch in batches:
                ahead.append(pool.submit(prepare, batch))
                yield ahead.popleft().result()
            while ahead:
                yield ahead.popleft().result()

    def _add_batch(self, prepared: PreparedBatch, result: AddResult, counts: Counter[str]) -> None:
        unique = prepared.unique
        result.duplicates += prepared.size - len(unique)
        counts.update(prepared.counts)
        if not unique:
            return
        rows = self._rows(unique)
        inserted = self._insert_sqlite(rows) if self._dialect.name == "sqlite" else self._insert_generic(rows)
        self._account(inserted, unique, result, counts)

    @staticmethod
    def _account(inserted: list[tuple[int, bytes]], unique: list[PreparedInsight], result: AddResult,
                 counts: Counter[str]) -> None:
        """Count what an INSERT of `unique` did; the terms of rows that already existed come off `counts`."""
        result.added += len(inserted)
        result.duplicates += len(unique) - len(inserted)
        inserted.sort()  # ids in insertion order, whatever order RETURNING used
        result.added_ids.extend(row_id for row_id, _ in inserted)
        if len(inserted) < len(unique):
            new = {bytes(digest) for _, digest in inserted}
            counts.subtract(chain.from_iterable(set(p.search_text.split()) for p in unique if p.digest not in new))

    def _rows(self, unique: list[PreparedInsight]) -> list[tuple[Any, ...]]:
        """The INSERT values of each prepared insight, in `_INSERT_COLUMNS` order (their podcasts and
        episodes resolved first, missing ones created)."""
        self._resolve_podcasts(unique)
        self._resolve_episodes(unique)
        now = self._to_db(self._date_to_db, datetime.now(UTC))
        podcasts, episodes = self._podcast_by_title, self._episode_by_title
        rows = []
        for item in unique:
            podcast_id = podcasts[item.podcast] if item.podcast else None
            episode_id = episodes[(podcast_id, item.episode)] if podcast_id and item.episode else None
            rows.append(
                (
                    item.digest,
                    item.text,
                    item.search_text,
                    podcast_id,
                    episode_id,
                    item.url,
                    item.audio_url,
                    item.start_seconds,
                    self._to_db(self._date_to_db, item.published_at),
                    self._to_db(self._json_to_db, tuple(item.topics)),
                    0.5,
                    now,
                    clean_display_text(item.quote) if item.quote else None,
                )
            )
        return rows

    def _to_db(self, processor: Callable[[Any], Any] | None, value: Any) -> Any:
        """`value` as the driver receives it; the same dates and topics recur for a whole
        episode, so each distinct value is converted once per `add`."""
        if processor is None or value is None:
            return list(value) if isinstance(value, tuple) else value
        key = (processor, value)
        converted = self._converted.get(key)
        if converted is None:
            converted = self._converted[key] = processor(list(value) if isinstance(value, tuple) else value)
        return converted

    def _insert_sqlite(self, rows: list[tuple[Any, ...]]) -> list[tuple[int, bytes]]:
        """Multi-row INSERT ... ON CONFLICT DO NOTHING RETURNING through the driver."""
        cursor = self._session.connection().connection.cursor()
        inserted: list[tuple[int, bytes]] = []
        try:
            for start in range(0, len(rows), SQLITE_ROWS_PER_STATEMENT):
                part = rows[start : start + SQLITE_ROWS_PER_STATEMENT]
                cursor.execute(self._sqlite_insert(len(part)), list(chain.from_iterable(part)))
                inserted.extend(cursor.fetchall())
        finally:
            cursor.close()
        return inserted

    def _sqlite_insert(self, count: int) -> str:
        sql = self._sqlite_sql.get(count)
        if sql is None:
            values = "(" + ", ".join("?" * len(_INSERT_COLUMNS)) + ")"
            sql = self._sqlite_sql[count] = (
                f"INSERT INTO insights ({', '.join(_INSERT_COLUMNS)}) VALUES "
                + ", ".join([values] * count)
                + " ON CONFLICT (content_hash) DO NOTHING RETURNING id, content_hash"
            )
        return sql

    def _insert_generic(self, rows: list[tuple[Any, ...]]) -> list[tuple[int, bytes]]:
        """PostgreSQL (and any other dialect): SQLAlchemy's batched INSERT ... RETURNING."""
        if self._copies:
            return self._insert_postgres_copy(rows)
        table = InsightRow.__table__
        statement = (
            upsert_insert(self._session, table)
            .on_conflict_do_nothing(index_elements=["content_hash"])
            .returning(table.c.id, table.c.content_hash)
        )
        params = [dict(zip(_INSERT_COLUMNS, row, strict=True)) for row in rows]
        return [(r.id, r.content_hash) for r in self._session.execute(statement, params)]

    @contextmanager
    def _copy_cursor(self, what: str) -> Iterator[Any]:
        """A psycopg cursor on the session's connection; a driver error is raised as SQLAlchemy raises
        one (callers catch OperationalError), without the rows."""
        dbapi = self._dialect.loaded_dbapi
        driver = self._session.connection().connection.dbapi_connection
        try:
            with driver.cursor() as cursor:  # type: ignore[union-attr]
                yield cursor
        except dbapi.Error as error:
            raise DBAPIError.instance(what, None, error, dbapi.Error, hide_parameters=True,
                                      dialect=self._dialect) from error

    def _insert_postgres_copy(self, rows: list[tuple[Any, ...]]) -> list[tuple[int, bytes]]:
        """PostgreSQL through psycopg: COPY the rows into a temporary table, then one
        INSERT ... SELECT ... ON CONFLICT DO NOTHING RETURNING (the same rows, checks and
        conflicts as the INSERT, without a parameter set per row)."""
        with self._copy_cursor("COPY insight_load ...") as cursor:
            cursor.execute(_POSTGRES_STAGING)
            _copy_rows(cursor, "insight_load", rows)
            inserted = _insert_staged_rows(cursor, "insight_load")
            cursor.execute("TRUNCATE insight_load")
        return inserted

    @property
    def stages(self) -> bool:
        """True where rows can be staged by another connection (`stage`, `add_staged`): PostgreSQL with psycopg."""
        return self._copies

    def create_staging(self, table: str) -> None:
        """Create the unlogged staging table `table` (a plain identifier the caller made unique)."""
        self._session.execute(text(_POSTGRES_SHARED_STAGING.format(table=_table_name(table))))

    def drop_staging(self, table: str) -> None:
        """Drop a staging table `create_staging` made."""
        self._session.execute(text(f"DROP TABLE IF EXISTS {_table_name(table)}"))

    def stage(self, batch: PreparedBatch, table: str) -> None:
        """Resolve the batch's podcasts and episodes (creating missing ones) and COPY its rows into `table`.

        The first half of a bulk load on a second connection, while the first one inserts the
        batch staged before: commit this session, then `add_staged` on the other connection.
        """
        if batch.unique:
            rows = self._rows(batch.unique)
            with self._copy_cursor(f"COPY {table} ...") as cursor:
                _copy_rows(cursor, table, rows)

    def add_staged(self, batches: Sequence[PreparedBatch], table: str) -> AddResult:
        """Store the rows `stage` put in `table` for these batches (one INSERT ... SELECT), empty `table`
        in this transaction, and count the new rows' terms; as `add_prepared` does with them."""
        result = AddResult()
        counts: Counter[str] = Counter()
        unique: dict[bytes, PreparedInsight] = {}
        for batch in batches:
            result.duplicates += batch.size - len(batch.unique)
            counts.update(batch.counts)
            for item in batch.unique:
                if item.digest in unique:  # also in an earlier batch of this transaction: one row, counted once
                    result.duplicates += 1
                    counts.subtract(set(item.search_text.split()))
                else:
                    unique[item.digest] = item
        with self._copy_cursor(f"INSERT INTO insights ... FROM {table}") as cursor:
            inserted = _insert_staged_rows(cursor, table)
            cursor.execute(f"TRUNCATE {table}")
        self._account(inserted, list(unique.values()), result, counts)
        self._count_terms(counts)
        return result

    def _resolve_podcasts(self, items: Iterable[PreparedInsight]) -> None:
        """Ids for every podcast title in `items`, creating missing podcasts in one statement."""
        wanted: dict[str, str] = {}
        for item in items:
            if item.podcast and item.podcast not in self._podcast_by_title:
                wanted.setdefault(item.podcast, normalise_content(item.podcast)[:300] or item.podcast[:300])
        missing = {key: title for title, key in wanted.items() if key not in self._podcasts}
        if missing:
            now = datetime.now(UTC)
            self._session.execute(
                upsert_insert(self._session, Podcast.__table__).on_conflict_do_nothing(index_elements=["title_key"]),
                [{"title": clean_display_text(t)[:300], "title_key": k, "created_at": now} for k, t in missing.items()],
            )
            found = self._session.execute(select(Podcast.title_key, Podcast.id).where(Podcast.title_key.in_(missing)))
            self._podcasts.update({row.title_key: row.id for row in found})
        for title, key in wanted.items():
            self._podcast_by_title[title] = self._podcasts[key]

    def _resolve_episodes(self, items: Iterable[PreparedInsight]) -> None:
        """Ids for every (podcast, episode) in `items`, creating missing episodes in one statement."""
        wanted: dict[tuple[int, str], tuple[tuple[int, str], PreparedInsight]] = {}
        for item in items:
            if not (item.podcast and item.episode):
                continue
            podcast_id = self._podcast_by_title[item.podcast]
            if (podcast_id, item.episode) in self._episode_by_title or (podcast_id, item.episode) in wanted:
                continue
            key = normalise_content(item.episode)[:500] or item.episode[:500]
            wanted[(podcast_id, item.episode)] = ((podcast_id, key), item)
        missing = {pair: item for pair, item in wanted.values() if pair not in self._episodes}
        if missing:
            now = datetime.now(UTC)
            self._session.execute(
                upsert_insert(self._session, Episode.__table__).on_conflict_do_nothing(
                    index_elements=["podcast_id", "episode_key"]
                ),
                [
                    {
                        "podcast_id": podcast_id,
                        "episode_key": key,
                        "title": clean_display_text(item.episode or "")[:500],
                        "url": item.url,
                        "audio_url": item.audio_url,
                        "published_at": item.published_at,
                        "created_at": now,
                    }
                    for (podcast_id, key), item in missing.items()
                ],
            )
            # Two IN lists, not a row-value IN: SQLite scanned the whole episodes index for the latter
            # (EXPLAIN QUERY PLAN), each batch of a 1M import; the few extra pairs this finds are dropped.
            found = self._session.execute(
                select(Episode.podcast_id, Episode.episode_key, Episode.id).where(
                    Episode.podcast_id.in_({podcast_id for podcast_id, _ in missing}),
                    Episode.episode_key.in_({key for _, key in missing}),
                )
            )
            self._episodes.update({pair: row.id for row in found if (pair := (row.podcast_id, row.episode_key)) in missing})
        for title_pair, (pair, _) in wanted.items():
            self._episode_by_title[title_pair] = self._episodes[pair]

    def _count_terms(self, counts: Counter[str]) -> None:
        counts = +counts  # terms that only rows already stored held drop out
        if not counts:
            return
        # Sorted so concurrent importers take row locks in the same order (no deadlocks).
        if self._dialect.name == "sqlite":
            cursor = self._session.connection().connection.cursor()
            try:
                cursor.executemany(_SQLITE_TERM_UPSERT, sorted(counts.items()))
            finally:
                cursor.close()
            return
        if self._copies:
            self._count_terms_postgres_copy(sorted(counts.items()))
            return
        insert = upsert_insert(self._session, SearchTerm.__table__)
        statement = insert.on_conflict_do_update(
            index_elements=["term"], set_={"doc_count": SearchTerm.doc_count + insert.excluded.doc_count}
        )
        self._session.execute(statement, [{"term": t, "doc_count": c} for t, c in sorted(counts.items())])

    def _count_terms_postgres_copy(self, counts: list[tuple[str, int]]) -> None:
        """PostgreSQL through psycopg: the counts COPYed into a temporary table, then one upsert
        (SQLAlchemy's batched upsert spent seconds per 100,000 imported rows in Python)."""
        with self._copy_cursor("COPY term_load ...") as cursor:
            cursor.execute(_POSTGRES_TERM_STAGING)
            with cursor.copy("COPY term_load (term, doc_count) FROM STDIN") as copy:
                for row in counts:
                    copy.write_row(row)
            cursor.execute(
                "INSERT INTO search_terms (term, doc_count) SELECT term, doc_count FROM term_load ORDER BY term "
                "ON CONFLICT (term) DO UPDATE SET doc_count = search_terms.doc_count + excluded.doc_count"
            )
            cursor.execute("TRUNCATE term_load")


def _table_name(table: str) -> str:
    """`table`, checked to be a plain identifier (it is written into SQL)."""
    if not table.isidentifier():
        raise ValueError(f"not a table name: {table!r}")
    return table


def _copy_rows(cursor: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
    """COPY INSERT rows (in `_INSERT_COLUMNS` order) into a staging table; topics as JSON text."""
    topics_at = _INSERT_COLUMNS.index("topics")
    as_json: dict[tuple[str, ...], str] = {}
    with cursor.copy(f"COPY {table} ({', '.join(_INSERT_COLUMNS)}) FROM STDIN") as copy:
        for row in rows:
            topics = tuple(row[topics_at])
            if topics not in as_json:
                as_json[topics] = json.dumps(list(topics), ensure_ascii=False)
            copy.write_row((*row[:topics_at], as_json[topics], *row[topics_at + 1 :]))


def _insert_staged_rows(cursor: Any, table: str) -> list[tuple[int, bytes]]:
    """The staged rows inserted (conflicting content hashes skipped): their (id, content hash)."""
    columns = ", ".join(_INSERT_COLUMNS)
    cursor.execute(
        f"INSERT INTO insights ({columns}) SELECT {columns} FROM {table} "
        "ON CONFLICT (content_hash) DO NOTHING RETURNING id, content_hash"
    )
    return [(int(row_id), bytes(digest)) for row_id, digest in cursor.fetchall()]


def _batches(items: Iterable[NewInsight], size: int) -> Iterator[list[NewInsight]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _bind_processor(type_: TypeEngine[Any], dialect: Dialect) -> Callable[[Any], Any] | None:
    """SQLAlchemy's conversion of a Python value of `type_` for `dialect`'s driver."""
    return type_.dialect_impl(dialect).bind_processor(dialect)


def insight_query() -> Select[*tuple[Any, ...]]:
    """The columns a domain `Insight` is built from."""
    return (
        select(
            InsightRow.id,
            InsightRow.text,
            Podcast.title.label("podcast"),
            Episode.title.label("episode"),
            InsightRow.url,
            InsightRow.audio_url,
            InsightRow.start_seconds,
            InsightRow.published_at,
            InsightRow.topics,
            InsightRow.quote,
            Episode.transcript_kind,
        )
        .outerjoin(Podcast, Podcast.id == InsightRow.podcast_id)
        .outerjoin(Episode, Episode.id == InsightRow.episode_id)
    )


def to_insight(row: Row[Any]) -> Insight:
    return Insight(
        id=row.id,
        text=row.text,
        podcast=row.podcast,
        episode=row.episode,
        url=row.url,
        audio_url=row.audio_url,
        start_seconds=row.start_seconds,
        published_at=as_utc(row.published_at),
        topics=tuple(row.topics or ()),
        quote=row.quote,
        machine_transcribed=row.transcript_kind == "auto",  # episodes_store.AUTO_TRANSCRIPT
    )


def get_insight(session: Session, insight_id: int, *, team_id: str | None = None) -> Insight | None:
    """The insight, or None when there is none (or, with `team_id`, that workspace may not see it)."""
    from storage.tenancy import may_see  # tenancy reads the models this module's callers write

    if team_id is not None and not may_see(session, team_id, insight_id):
        return None
    row = session.execute(insight_query().where(InsightRow.id == insight_id)).first()
    return to_insight(row) if row else None


def count_insights(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(InsightRow)) or 0
