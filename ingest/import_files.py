"""Reading import files (JSON Lines, JSON arrays, CSV) record by record, with line numbers.

`read_records(path)` yields, in file order, a `RawRecord` for each record and a `RowError`
for each row that cannot be read. A `RowError` whose `line` is None is about the whole file
(missing, a folder, not UTF-8, broken JSON...) and ends the reading; such problems are found
before any record is yielded, except for a file that changes or vanishes while being read.
JSON Lines and CSV are streamed; a JSON document is read whole (it has to be, to be checked).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal, TextIO

from ingest.json_document import BrokenJson, array_elements
from ingest.records import field_name

Format = Literal["jsonl", "json", "csv"]
StrPath = str | os.PathLike[str]

EXTENSIONS: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
#: A JSON Lines record longer than this is skipped with an error, not loaded into memory.
MAX_LINE_LENGTH = 1_000_000
#: A JSON document is parsed whole (several times its size in memory); larger ones must be JSON Lines.
MAX_JSON_DOCUMENT_BYTES = 100_000_000
_CHUNK = 1 << 20
_PEEK = 1 << 16
_SAVE_AS_UTF8 = "save it as UTF-8 and import it again"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as found in a file.

    `line` is where it starts; `fields` is the decoded JSON value (usually a dict) or, for CSV,
    a dict of header -> cell; `bytes_read` is roughly how far into the file reading has got.
    """

    line: int
    fields: object
    bytes_read: int


@dataclass(frozen=True, slots=True)
class RowError:
    """A row that cannot be imported, and why; `line` is None when the whole file cannot be read."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.message}"


def read_records(path: StrPath) -> Iterator[RawRecord | RowError]:
    """Every record of the file in order, or the errors that stand in for unreadable rows."""
    name = os.fspath(path)
    problem = check_file(Path(name))
    if problem is not None:
        yield RowError(name, None, problem)
        return
    readers = {"jsonl": _read_jsonl, "json": _read_json, "csv": _read_csv}
    try:
        yield from readers[detect_format(name)](Path(name), name)
    except (OSError, UnicodeError) as error:  # changed or vanished while being read
        yield RowError(name, None, f"the file could not be read to the end: {error}")


def check_file(path: Path) -> str | None:
    """Why the file cannot be imported at all (missing, a folder, not UTF-8 text, empty), or None.

    Reads the whole file once, in chunks, so a wrong encoding is found before anything is imported.
    """
    try:
        mode = path.stat().st_mode
        if stat.S_ISDIR(mode):
            return "this is a folder, not a file"
        if not stat.S_ISREG(mode):  # opening a pipe would wait for a writer forever
            return "this is not a regular file (a pipe, a device or a socket cannot be imported)"
        with path.open("rb") as file:
            return _check_content(file)
    except FileNotFoundError:
        return "no such file"
    except IsADirectoryError:
        return "this is a folder, not a file"
    except PermissionError:
        return "permission denied: the file cannot be read"
    except OSError as error:
        return f"the file cannot be read: {error.strerror or error}"


def detect_format(path: StrPath) -> Format:
    """The format by extension (.jsonl/.ndjson, .json, .csv), else by the first non-space character.

    `[` means a JSON array; `{` means JSON Lines when the first line is a whole record, else a
    JSON document (`{"insights": [...]}`); anything else is CSV. A `.json` file whose first line
    is a whole record is read as JSON Lines too.
    """
    by_extension = EXTENSIONS.get(Path(path).suffix.lower())
    if by_extension in ("jsonl", "csv"):
        return by_extension
    head = _first_line(Path(path))
    if head.startswith("["):
        return "json"
    if head.startswith("{"):
        return "jsonl" if _is_record_line(head) else "json"
    return by_extension or "csv"


def _check_content(file: BinaryIO) -> str | None:
    chunk = file.read(_CHUNK)
    if chunk.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return f"the file is UTF-16 text; {_SAVE_AS_UTF8}"
    chunk = chunk.removeprefix(codecs.BOM_UTF8)
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines, blank = 0, True
    while chunk:
        if b"\x00" in chunk:
            line = lines + chunk.count(b"\n", 0, chunk.index(b"\x00")) + 1
            return f"the file contains NUL bytes (line {line}): it is not UTF-8 text"
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            line = lines + error.object.count(b"\n", 0, error.start) + 1
            byte = error.object[error.start]
            return f"the file is not UTF-8 text (line {line} has the byte 0x{byte:02x}); {_SAVE_AS_UTF8}"
        lines += chunk.count(b"\n")
        blank = blank and not chunk.strip()
        chunk = file.read(_CHUNK)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return f"the file is not UTF-8 text (it ends in the middle of a character); {_SAVE_AS_UTF8}"
    return "the file is empty" if blank else None


def _first_line(path: Path) -> str:
    """The first non-blank line (at most the first 64 KiB of the file)."""
    with path.open(encoding="utf-8-sig", errors="replace") as file:
        head = file.read(_PEEK)
    return head.lstrip().split("\n", 1)[0]


def _is_record_line(line: str) -> bool:
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        return False
    return isinstance(value, dict) and "insights" not in value


def _read_jsonl(path: Path, name: str) -> Iterator[RawRecord | RowError]:
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig") as file:
        number = 0
        while line := file.readline(MAX_LINE_LENGTH):
            number += 1
            if len(line) >= MAX_LINE_LENGTH and not line.endswith("\n"):
                _skip_rest_of_line(file)
                yield RowError(name, number, f"the line is longer than {MAX_LINE_LENGTH:,} characters")
            elif line.strip():
                yield _json_line(name, number, line, raw.tell())


def _skip_rest_of_line(file: TextIO) -> None:
    while (rest := file.readline(MAX_LINE_LENGTH)) and not rest.endswith("\n"):
        pass


def _json_line(name: str, number: int, line: str, bytes_read: int) -> RawRecord | RowError:
    try:
        return RawRecord(number, json.loads(line), bytes_read)
    except json.JSONDecodeError as error:
        return RowError(name, number, f"not valid JSON: {error.msg} (column {error.colno})")
    except RecursionError:
        return RowError(name, number, "not valid JSON: nested too deeply")
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        return RowError(name, number, f"not valid JSON: {error}")


def _read_json(path: Path, name: str) -> Iterator[RawRecord | RowError]:
    size = path.stat().st_size
    if size > MAX_JSON_DOCUMENT_BYTES:
        yield RowError(name, None, f"this JSON document is larger than {_size(MAX_JSON_DOCUMENT_BYTES)} ({_size(size)}); "
                                   "save it as JSON Lines (one insight per line, read a line at a time) and import "
                                   "that; nothing was imported from this file")
        return
    text = path.read_text(encoding="utf-8-sig")
    try:
        elements = array_elements(text)
    except BrokenJson as error:
        yield RowError(name, None, f"{error}; nothing was imported from this file")
        return
    bytes_per_char = path.stat().st_size / max(len(text), 1)
    for line, offset, value in elements:
        yield RawRecord(line, value, int(offset * bytes_per_char))


def _read_csv(path: Path, name: str) -> Iterator[RawRecord | RowError]:
    """Rows keyed by the header; `line` is the physical line where the row starts.

    Quotes are read strictly: a quote that is never closed where a cell ends is an error at the
    line that opened it, and reading starts again on the next line, so one stray quote cannot
    merge the rows after it into one record.
    """
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as file:
        delimiter = _delimiter(_first_line(path))
        taken: list[str] = []  # the physical lines of the row being read
        overlong = [False]  # set when a line of the row was too long and was skipped
        rows = csv.reader(_tracked([], file, taken, overlong), delimiter=delimiter, strict=True)
        header: list[str] | None = None
        end = 0  # the last physical line consumed so far
        while True:
            taken.clear()
            try:
                row = next(rows, None)
            except csv.Error as error:
                if not taken:
                    return
                yield RowError(name, end + 1, _csv_problem(error))
                end += 1
                again = taken[1:]  # read again, after the bad line
                taken.clear()
                overlong[0] = False
                rows = csv.reader(_tracked(again, file, taken, overlong), delimiter=delimiter, strict=True)
                continue
            if row is None:
                return
            start, end = end + 1, end + len(taken)
            if overlong[0]:
                overlong[0] = False
                which = "the line" if len(taken) == 1 else "a line of this row"
                yield RowError(name, start, f"{which} is longer than {MAX_LINE_LENGTH:,} characters")
                continue
            if not any(cell.strip() for cell in row):
                continue
            if header is None:
                header = row
                if "text" not in {field_name(cell) for cell in header}:
                    yield RowError(name, None, _no_text_column(header))
                    return
                continue
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header):]):
                yield RowError(name, start, _too_many_cells(len(row), len(header), delimiter))
                continue
            yield RawRecord(start, dict(zip(header, row, strict=False)), raw.tell())


def _tracked(again: list[str], file: TextIO, taken: list[str], overlong: list[bool]) -> Iterator[str]:
    """The lines in `again`, then the file's, for `csv.reader`; each is also appended to `taken`
    (which the caller clears per row). A line longer than `MAX_LINE_LENGTH` is skipped unread
    (an empty line instead) and `overlong[0]` set."""
    append = taken.append
    for line in again:
        append(line)
        yield line
    readline, limit = file.readline, MAX_LINE_LENGTH
    while line := readline(limit):
        if len(line) >= limit and line[-1] not in "\r\n":
            while (rest := readline(limit)) and rest[-1] not in "\r\n":
                pass
            overlong[0] = True
            line = "\n"
        append(line)
        yield line


def _csv_problem(error: csv.Error) -> str:
    reason = str(error)
    if "expected after" in reason or "end of data" in reason:
        return ("a quote (\") opened on this line is not closed where a cell ends; this line was skipped and "
                "the next lines read on their own. Double a quote inside a quoted cell (\"\")")
    return f"this CSV row cannot be read: {reason}"


def _too_many_cells(found: int, columns: int, delimiter: str) -> str:
    shown = {"\t": "tab"}.get(delimiter, delimiter)
    return (f"this row has {found} cells but the header has {columns} columns; put a cell containing "
            f'"{shown}" in quotes')


def _delimiter(header: str) -> str:
    """`,` unless the header row is clearly split by `;` or tabs (spreadsheets in some locales)."""
    counts = {candidate: header.count(candidate) for candidate in (",", ";", "\t")}
    best = max(counts, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def _size(count: int) -> str:
    return f"{count / 1_000_000:,.0f} MB" if count >= 1_000_000 else f"{count:,} bytes"


def _no_text_column(header: list[str]) -> str:
    found = ", ".join(json.dumps(cell[:30], ensure_ascii=False) for cell in header[:8])
    more = ", ..." if len(header) > 8 else ""
    return f'the first row must be a header naming the columns, with a "text" column (found: {found}{more})'
