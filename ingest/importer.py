"""The import service behind `podbrief import FILE`: read a file, store its good rows, report the rest."""

from __future__ import annotations

import errno
import logging
import multiprocessing
import multiprocessing.process
import os
import queue
import secrets
import signal
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from queue import Empty
from typing import Any, NamedTuple

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ingest.import_files import RawRecord, RowError, StrPath, read_records
from ingest.records import InvalidRecord, parse_record
from insights.model import NewInsight
from storage.fulltext import bulk_fulltext
from storage.insights_store import AddResult, InsightPreparer, InsightWriter, PreparedBatch, PreparedInsight

#: Rows written and committed per transaction (one writer round-trip each). Large: the
#: full-text index and the vocabulary counts are written once per transaction.
DEFAULT_BATCH_SIZE = 20_000
#: `progress` is called after this many records, and once at the end.
PROGRESS_EVERY = 100
#: Files this large are read, checked and normalised in a second process while this one writes.
PARALLEL_MIN_BYTES = 4_000_000
#: Good rows per message from the reading process (normalised together), and messages it may run ahead by.
_CHUNK_ROWS = 2_000
_QUEUE_CHUNKS = 16
#: The reading process is forked (it needs nothing but the file); where fork is missing, no second process.
_FORK = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
#: Errors that stop an import where it is (the database cannot take rows); SQLite's go to the driver directly.
_STOPPING_ERRORS = (OperationalError, sqlite3.OperationalError, OSError)
#: Errors kept in the report; `ImportReport.invalid` still counts all of them.
MAX_ERRORS_KEPT = 1_000

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """How far an import has got: records processed (good or bad) and bytes of the file read.

    `bytes_read` is an estimate (reading is buffered) that reaches `total_bytes` at the end;
    use it with `total_bytes` for a progress bar.
    """

    records: int
    bytes_read: int
    total_bytes: int

    @property
    def fraction(self) -> float:
        """0.0 to 1.0, by bytes."""
        return min(1.0, self.bytes_read / self.total_bytes) if self.total_bytes else 1.0


@dataclass
class ImportReport:
    """What an import did.

    `read` counts rows found in the file (good and bad); `invalid` the rows rejected, whose
    errors (with file and line) are in `errors`, at most `MAX_ERRORS_KEPT` of them. An error
    with `line` None means the file could not be read at all. `stopped` says why the import
    ended before the end of the file (the disk is full, the database failed), at the first
    line that was not imported; everything counted in `added` is stored.
    """

    path: str
    read: int = 0
    added: int = 0
    duplicates: int = 0
    invalid: int = 0
    errors: list[RowError] = field(default_factory=list)
    stopped: RowError | None = None
    #: Where the rows not yet committed start: the line `stopped` names if the import stops now.
    first_uncommitted_line: int = 1

    @property
    def ok(self) -> bool:
        """True when every row of the file was imported or already there."""
        return not self.errors and self.stopped is None


ProgressCallback = Callable[[ImportProgress], None]


def import_file(
    path: StrPath,
    sessions: sessionmaker[Session],
    *,
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import every valid row of `path`, committing each batch; importing again adds nothing.

    Good rows are kept even when other rows are bad. When the database cannot take a batch
    (a full disk, a lost connection: an OperationalError, or OSError) the import stops there and
    `report.stopped` says so; the batches committed before it stay, and so does Ctrl-C
    (KeyboardInterrupt). Other database errors propagate. `batch_size` (rows a transaction)
    defaults to `DEFAULT_BATCH_SIZE`.
    """
    if batch_size is None:
        batch_size = DEFAULT_BATCH_SIZE
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    report = ImportReport(os.fspath(path))
    try:
        _import_records(path, sessions, report, batch_size, progress)
    except KeyboardInterrupt:  # Ctrl-C: batches committed so far stay; say how far it got
        report.stopped = RowError(report.path, report.first_uncommitted_line,
                                  "interrupted (Ctrl-C) here: " + _kept(report.added) + "run the same import again to "
                                  "add the rest (rows already imported are skipped)")
    return report


def _import_records(path: StrPath, sessions: sessionmaker[Session], report: ImportReport, batch_size: int,
                    progress: ProgressCallback | None) -> None:
    total = _file_size(report.path)
    with _chunks(path, total, batch_size) as chunks, _staging(chunks, sessions, total) as staging:
        if staging is not None:
            chunks = staging.chunks()
        try:
            _write_chunks(chunks, sessions, report, progress, total, staging)
        except _STOPPING_ERRORS as error:  # staging the next rows failed
            report.stopped = RowError(report.path, report.first_uncommitted_line, _stopped_because(error, report.added))


def _write_chunks(chunks: Iterator[Chunk], sessions: sessionmaker[Session], report: ImportReport,
                  progress: ProgressCallback | None, total: int, staging: _Staging | None) -> None:
    pending: list[PreparedBatch] = []
    committed = True  # nothing read since the last commit
    bytes_read = 0
    for chunk in chunks:
        last, due = len(chunk.entries) - 1, False
        for at, (line, read_to, error) in enumerate(chunk.entries):
            if read_to >= 0:
                bytes_read = read_to
            if error is not None:
                _reject(report, error)
            elif committed:
                report.first_uncommitted_line = line or 0
                committed = False
            due = False
            if line is not None:  # a row of the file (not an error about the whole file)
                report.read += 1
                due = report.read % PROGRESS_EVERY == 0
                if due and at < last and progress is not None:  # the last row: after its commit, below
                    progress(ImportProgress(report.read, min(bytes_read, total), total))
        if chunk.batch is not None:
            pending.append(chunk.batch)
        if chunk.ends_transaction and pending:
            if not _write(sessions, pending, report, staging):
                return
            pending, committed = [], True
            if chunk.entries:
                report.first_uncommitted_line = (chunk.entries[-1][0] or 0) + 1
        if due and progress is not None:
            progress(ImportProgress(report.read, min(bytes_read, total), total))
    if progress is not None:
        progress(ImportProgress(report.read, total, total))


#: One row of a file, parsed: (line, bytes read so far or -1 when unknown, the insight or why not).
Parsed = tuple[int | None, int, NewInsight | RowError]
#: A row's place in the file: (line, bytes read so far or -1, the error that stands in for it or None).
Entry = tuple[int | None, int, RowError | None]


class Chunk(NamedTuple):
    """Consecutive rows of the file, and their good rows normalised (None when there are none).

    A chunk ends at its last good row. `ends_transaction` marks the chunk after which the rows read
    since the last commit are committed: every `batch_size` good rows, and the file's end. The
    reader decides it once; the writer and the staging connection both follow it.
    """

    entries: list[Entry]
    batch: PreparedBatch | None
    ends_transaction: bool


@contextmanager
def _chunks(path: StrPath, size: int, batch_size: int) -> Iterator[Iterator[Chunk]]:
    """The file's rows read, checked and normalised, in file order: in a second process for large files,
    so that work overlaps with writing the last rows (all database work runs in this one)."""
    if size < PARALLEL_MIN_BYTES or _FORK is None or (os.cpu_count() or 1) < 2:
        yield prepared_chunks(path, batch_size)
        return
    queue: multiprocessing.Queue[_Sent | str | None] = _FORK.Queue(maxsize=_QUEUE_CHUNKS)
    worker = _FORK.Process(target=_prepare_in_worker, args=(os.fspath(path), batch_size, queue),
                           name="podbrief-import-reader", daemon=True)
    worker.start()
    try:
        yield _received(queue, worker)
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(timeout=5)
        queue.close()


def prepared_chunks(path: StrPath, batch_size: int) -> Iterator[Chunk]:
    """The file's rows in chunks of at most `_CHUNK_ROWS` good rows, their good rows normalised.

    The term counts of a transaction's chunks travel with its last chunk (the others carry none):
    the writer adds them up once per transaction instead of once per chunk. After the last
    chunk of the file comes one with no rows when the counts of its transaction are still due.
    """
    preparer = InsightPreparer()
    limit = min(_CHUNK_ROWS, batch_size)
    entries: list[Entry] = []
    good: list[NewInsight] = []
    in_batch = 0
    carried: Counter[str] = Counter()
    for line, read_to, outcome in parse_rows(path):
        if isinstance(outcome, RowError):
            entries.append((line, read_to, outcome))
            continue
        entries.append((line, read_to, None))
        good.append(outcome)
        in_batch += 1
        if len(good) >= limit or in_batch >= batch_size:
            batch = preparer.prepare(good)
            ends = in_batch >= batch_size
            carried.update(batch.counts)
            if ends:
                batch.counts, carried, in_batch = carried, Counter(), 0
            else:
                batch.counts = Counter()
            yield Chunk(entries, batch, ends)
            entries, good = [], []
    if good:
        batch = preparer.prepare(good)
        carried.update(batch.counts)
        batch.counts = carried
        yield Chunk(entries, batch, True)
    elif entries or carried:
        yield Chunk(entries, PreparedBatch(0, [], carried) if carried else None, True)


def parse_rows(path: StrPath) -> Iterator[Parsed]:
    """Every row of the file in order, each an insight or the error that stands in for it."""
    name = os.fspath(path)
    for item in read_records(path):
        if isinstance(item, RawRecord):
            try:
                yield item.line, item.bytes_read, parse_record(item.fields)
            except InvalidRecord as error:
                yield item.line, item.bytes_read, RowError(name, item.line, str(error))
        else:
            yield item.line, -1, item


#: What the reading process sends per chunk: its entries, then per distinct good row a `NewInsight`'s
#: fields, identity, display text and terms as plain tuples (cheaper to pickle), the batch's size, its
#: term counts, and whether the chunk ends a transaction.
_Sent = tuple[list[Entry], "list[tuple[Any, ...]] | None", int, "Counter[str] | None", bool]


def _prepare_in_worker(path: str, batch_size: int, queue: multiprocessing.Queue[_Sent | str | None]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importing process's to handle
    try:
        for entries, batch, ends in prepared_chunks(path, batch_size):
            if batch is None:
                queue.put((entries, None, 0, None, ends))
                continue
            queue.put((entries, [tuple(p) for p in batch.unique], batch.size, batch.counts, ends))
        queue.put(None)
    except BaseException as error:  # reported to the importing process, which raises it
        queue.put(f"{type(error).__name__}: {error}")


def _received(queue: multiprocessing.Queue[_Sent | str | None],
              worker: multiprocessing.process.BaseProcess) -> Iterator[Chunk]:
    while True:
        try:
            sent = queue.get(timeout=1.0)
        except Empty:
            if not worker.is_alive() and queue.empty():
                raise RuntimeError(f"the file reader stopped unexpectedly (exit status {worker.exitcode})") from None
            continue
        if sent is None:
            return
        if isinstance(sent, str):
            raise RuntimeError(f"reading the file failed: {sent}")
        entries, rows, size, counts, ends = sent
        if rows is None or counts is None:
            yield Chunk(entries, None, ends)
            continue
        yield Chunk(entries, PreparedBatch(size, list(map(PreparedInsight._make, rows)), counts), ends)


class _Staging:
    """PostgreSQL bulk loads on two connections: while the import's own connection inserts one
    transaction's rows (`_write`), a thread stages the next transaction's on a second one
    (podcasts and episodes resolved, rows COPYed into an unlogged table, committed), so the
    server's INSERT never waits for this process to prepare rows. Two tables take turns;
    transactions still commit one at a time, in file order, on the import's connection, so what
    an interrupted import keeps is what it kept without staging (podcasts and episodes the
    staging connection created for rows not committed stay, without insights).
    """

    def __init__(self, chunks: Iterator[Chunk], sessions: sessionmaker[Session]) -> None:
        tag = f"{os.getpid()}_{secrets.token_hex(4)}"
        self._tables = (f"podbrief_import_{tag}_a", f"podbrief_import_{tag}_b")
        self._source, self._sessions = chunks, sessions
        self._staged: queue.Queue[tuple[Chunk, str] | BaseException | None] = queue.Queue()
        self._free = threading.Semaphore(len(self._tables))  # tables not holding uncommitted rows
        self._stop = threading.Event()
        self._table = self._tables[0]  # of the transaction whose chunks `chunks()` last gave
        self._created = threading.Event()
        self._thread = threading.Thread(target=self._run, name="podbrief-import-stage", daemon=True)

    def create(self) -> None:
        """Create the staging tables (committed); raises the driver's error when the database refuses."""
        with self._sessions.begin() as session:
            writer = InsightWriter(session)
            for table in self._tables:
                writer.create_staging(table)
        self._created.set()

    def start(self) -> None:
        self._thread.start()

    def chunks(self) -> Iterator[Chunk]:
        """The file's chunks, each staged (the transaction ending with it committed by the staging connection)."""
        while True:
            item = self._staged.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            chunk, self._table = item
            yield chunk

    def write(self, writer: InsightWriter, batches: list[PreparedBatch]) -> AddResult:
        """Insert the staged rows of the transaction just read (in `writer`'s transaction)."""
        return writer.add_staged(batches, self._table)

    def written(self) -> None:
        """The transaction `write` took is committed: its table may take the next one's rows."""
        self._free.release()

    def close(self) -> None:
        """Stop the staging thread and drop the staging tables."""
        self._stop.set()
        self._thread.join()
        if not self._created.is_set():
            return
        try:
            with self._sessions.begin() as session:
                writer = InsightWriter(session)
                for table in self._tables:
                    writer.drop_staging(table)
        except _STOPPING_ERRORS as error:  # the database is gone: the (unlogged, emptied) tables stay behind
            log.warning("could not drop the import's staging tables %s (%s); drop them by hand",
                        " and ".join(self._tables), type(getattr(error, "orig", None) or error).__name__)

    def _run(self) -> None:
        try:
            with self._sessions() as session:
                self._stage_all(session, InsightWriter(session))
        except BaseException as error:  # given to the importing thread, which stops there
            self._staged.put(error)
        else:
            self._staged.put(None)

    def _stage_all(self, session: Session, writer: InsightWriter) -> None:
        turn, holding = 0, False
        for chunk in self._source:
            if not holding:
                while not self._free.acquire(timeout=0.2):
                    if self._stop.is_set():
                        return
                holding = True
            table = self._tables[turn]
            if chunk.batch is not None:
                writer.stage(chunk.batch, table)
            if chunk.ends_transaction:  # `_write_chunks` writes this table's rows after this chunk
                session.commit()
                turn, holding = (turn + 1) % len(self._tables), False
            self._staged.put((chunk, table))
            if self._stop.is_set():
                return
        session.commit()


@contextmanager
def _staging(chunks: Iterator[Chunk], sessions: sessionmaker[Session], size: int) -> Iterator[_Staging | None]:
    """A `_Staging` for large files on PostgreSQL (with psycopg), else None."""
    if size < PARALLEL_MIN_BYTES:
        yield None
        return
    with sessions() as session:
        stages = InsightWriter(session).stages
    if not stages:
        yield None
        return
    staging = _Staging(chunks, sessions)
    try:
        staging.create()
    except DBAPIError as error:  # e.g. no CREATE privilege: import on one connection, as before staging
        log.warning("could not create the import's staging tables (%s); importing on one connection",
                    type(error.orig).__name__)
        yield None
        return
    staging.start()
    try:
        yield staging
    finally:
        staging.close()


def _reject(report: ImportReport, error: RowError) -> None:
    if error.line is not None:
        report.invalid += 1
    if len(report.errors) < MAX_ERRORS_KEPT:
        report.errors.append(error)


def _write(sessions: sessionmaker[Session], batches: list[PreparedBatch], report: ImportReport,
           staging: _Staging | None = None) -> bool:
    """One transaction, one writer, per batch; False (and `report.stopped`) when the database cannot take it.

    The batch's rows enter the full-text index in one statement, in the same transaction. With
    `staging`, they were staged by its connection already and go in by one INSERT ... SELECT.
    """
    try:
        with sessions.begin() as session, bulk_fulltext(session.connection()):
            writer = InsightWriter(session)
            result = writer.add_prepared(batches) if staging is None else staging.write(writer, batches)
    except _STOPPING_ERRORS as error:
        report.stopped = RowError(report.path, report.first_uncommitted_line, _stopped_because(error, report.added))
        return False
    if staging is not None:
        staging.written()
    report.added += result.added
    report.duplicates += result.duplicates
    return True


def _kept(added: int) -> str:
    if not added:
        return "nothing from this file was imported; "
    return f"the {added:,} insights added before it are kept, nothing from this line on was imported; "


def _stopped_because(error: BaseException, added: int) -> str:
    kept = _kept(added)
    if _is_disk_full(error):
        return (f"the database ran out of disk space here (disk full): {kept}free some space and run the same "
                "import again (rows already imported are skipped)")
    return (f"the database failed here ({_reason(error)}): {kept}run the same import again once the database "
            "works (rows already imported are skipped)")


def _is_disk_full(error: BaseException) -> bool:
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, OSError):
        return cause.errno == errno.ENOSPC
    if isinstance(cause, sqlite3.Error):
        return getattr(cause, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "disk is full" in str(cause)
    return getattr(cause, "sqlstate", None) == "53100" or "No space left on device" in str(cause)  # PostgreSQL disk_full


def _reason(error: BaseException) -> str:
    """The driver's own first line, without SQL or parameters."""
    cause = getattr(error, "orig", None) or error
    if isinstance(cause, OSError):
        return cause.strerror or type(cause).__name__
    first = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
    return first if len(first) <= 200 else first[:199] + "…"


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0
