"""Reading import files: every format, the line of every bad row, and files that cannot be read."""

from __future__ import annotations

import contextlib
import json
import os
import random
from pathlib import Path

import pytest

from ingest import import_files
from ingest.import_files import RawRecord, RowError, detect_format, read_records
from ingest.records import InvalidRecord, parse_record


def _write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def _read(path: Path) -> list[tuple[int | None, object]]:
    """(line, fields) for records and (line, message) for errors, in order."""
    return [(item.line, item.fields if isinstance(item, RawRecord) else item.message) for item in read_records(path)]


def _only_error(path: Path) -> str:
    items = list(read_records(path))
    assert len(items) == 1 and isinstance(items[0], RowError) and items[0].line is None, items
    return items[0].message


# JSON Lines


def test_json_lines_yield_each_object_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", '{"text": "one"}\n\n{"text": "two"}\n')
    assert _read(path) == [(1, {"text": "one"}), (3, {"text": "two"})]


def test_a_broken_json_line_is_reported_at_its_line_and_reading_goes_on(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.ndjson", '{"text": "one"}\n{"text": }\n{"text": "three"}')
    assert _read(path) == [
        (1, {"text": "one"}),
        (2, "not valid JSON: Expecting value (column 10)"),
        (3, {"text": "three"}),
    ]


def test_json_lines_with_windows_line_endings_and_a_bom_are_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", b'\xef\xbb\xbf{"text": "one"}\r\n{"text": "two"}\r\n')
    assert _read(path) == [(1, {"text": "one"}), (2, {"text": "two"})]


def test_an_overlong_json_line_is_skipped_with_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(import_files, "MAX_LINE_LENGTH", 50)
    path = _write(tmp_path / "in.jsonl", '{"text": "' + "a" * 200 + '"}\n{"text": "two"}\n')
    assert _read(path) == [(1, "the line is longer than 50 characters"), (2, {"text": "two"})]


# JSON documents


def test_json_array_elements_carry_the_line_where_they_start(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.json", '[\n  {"text": "one"},\n\n  {\n    "text": "two"\n  },\n  "three"\n]\n')
    assert _read(path) == [(2, {"text": "one"}), (4, {"text": "two"}), (7, "three")]


def test_an_object_with_an_insights_list_is_read_like_an_array(tmp_path: Path) -> None:
    document = '{\n  "source": "export",\n  "insights": [\n    {"text": "one"},\n    {"text": "two"}\n  ]\n}'
    path = _write(tmp_path / "in.json", document)
    assert _read(path) == [(4, {"text": "one"}), (5, {"text": "two"})]


def test_a_one_line_json_array_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.json", json.dumps([{"text": "one"}, {"text": "two"}]))
    assert _read(path) == [(1, {"text": "one"}), (1, {"text": "two"})]


def test_a_broken_json_array_is_one_error_saying_where(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.json", '[\n  {"text": "one"},\n  {"text": "two"\n  {"text": "three"}\n]')
    assert _only_error(path) == (
        "the JSON is broken at line 4, column 3: Expecting ',' delimiter; nothing was imported from this file"
    )


def test_a_json_array_with_a_trailing_comma_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.json", '[{"text": "one"},\n]')
    assert (
        _only_error(path)
        == "the JSON is broken at line 2, column 1: Expecting value; nothing was imported from this file"
    )


def test_a_json_document_that_is_not_a_list_of_insights_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.json", '{\n  "items": []\n}')
    assert _only_error(path) == (
        'expected a JSON array of insights, or an object with an "insights" list; nothing was imported from this file'
    )


# CSV


def test_csv_rows_are_keyed_by_the_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", "text,podcast,topics\nOne,Work Life,a; b\n")
    assert _read(path) == [(2, {"text": "One", "podcast": "Work Life", "topics": "a; b"})]


def test_csv_rows_after_a_quoted_multi_line_cell_keep_their_physical_line(tmp_path: Path) -> None:
    content = 'text,podcast\n"first\nsecond\nthird",A\n\nplain,B\n"x\ny",C\n'
    path = _write(tmp_path / "in.csv", content)
    assert [line for line, _ in _read(path)] == [2, 6, 7]


def test_an_unterminated_csv_quote_is_reported_at_its_line_and_the_next_rows_are_read_on_their_own(
    tmp_path: Path,
) -> None:
    content = 'text,podcast\n"Unterminated,Pod A\nSecond row,Pod B\nThird row,"Pod C"\nFourth row,Pod D\n'
    items = _read(_write(tmp_path / "in.csv", content))
    assert items[0][0] == 2 and "quote" in str(items[0][1]) and "line 2" not in str(items[0][1])
    assert items[1:] == [
        (3, {"text": "Second row", "podcast": "Pod B"}),
        (4, {"text": "Third row", "podcast": "Pod C"}),
        (5, {"text": "Fourth row", "podcast": "Pod D"}),
    ]


def test_a_csv_quote_still_open_at_the_end_of_the_file_is_reported_and_the_rows_after_it_read(tmp_path: Path) -> None:
    content = 'text,podcast\nFirst row,Pod A\n"Unterminated,Pod B\nLast row,Pod C\n'
    items = _read(_write(tmp_path / "in.csv", content))
    assert items[0] == (2, {"text": "First row", "podcast": "Pod A"})
    assert items[1][0] == 3 and "quote" in str(items[1][1])
    assert items[2:] == [(4, {"text": "Last row", "podcast": "Pod C"})]


def test_quotes_inside_an_unquoted_csv_cell_are_kept_as_text(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", 'text,podcast\nShe said "no" twice,Pod A\n')
    assert _read(path) == [(2, {"text": 'She said "no" twice', "podcast": "Pod A"})]


def test_a_csv_row_with_more_cells_than_the_header_is_an_error_not_a_cut_short_insight(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", "text,podcast\nPrices rose, then fell,Pod A\nFine row,Pod B,\n")
    items = _read(path)
    assert items[0][0] == 2 and "3 cells" in str(items[0][1]) and "2 columns" in str(items[0][1])
    assert items[1:] == [(3, {"text": "Fine row", "podcast": "Pod B"})]


def test_an_overlong_csv_line_is_skipped_with_an_error_without_being_held_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_files, "MAX_LINE_LENGTH", 50)
    path = _write(tmp_path / "in.csv", "text,podcast\n" + "a" * 200 + ",A\nshort,B\n")
    assert _read(path) == [(2, "the line is longer than 50 characters"), (3, {"text": "short", "podcast": "B"})]


def test_an_overlong_line_inside_a_quoted_csv_cell_makes_that_row_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_files, "MAX_LINE_LENGTH", 50)
    path = _write(tmp_path / "in.csv", 'text,podcast\n"start\n' + "a" * 200 + '\nend",A\nshort,B\n')
    assert _read(path) == [(2, "a line of this row is longer than 50 characters"), (5, {"text": "short", "podcast": "B"})]


def test_a_csv_with_a_bom_has_a_clean_first_column_name(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", b"\xef\xbb\xbftext,podcast\r\nOne,A\r\n")
    assert _read(path) == [(2, {"text": "One", "podcast": "A"})]


def test_a_csv_separated_by_semicolons_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", 'text;topics\nOne;"a; b"\n')
    assert _read(path) == [(2, {"text": "One", "topics": "a; b"})]


def test_blank_and_empty_csv_rows_are_skipped(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", "\ntext,podcast\n,\n\nOne,A\n")
    assert _read(path) == [(5, {"text": "One", "podcast": "A"})]


def test_a_csv_without_a_text_column_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", "quote,show\nOne,A\n")
    assert (
        _only_error(path)
        == 'the first row must be a header naming the columns, with a "text" column (found: "quote", "show")'
    )


def test_a_csv_cell_over_the_field_limit_is_a_row_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", "text\n" + "a" * 200_000 + "\nshort\n")
    items = _read(path)
    assert items[0][0] == 2 and "this CSV row cannot be read" in str(items[0][1])
    assert items[-1] == (3, {"text": "short"})


# Format detection


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.jsonl", "text\n", "jsonl"),
        ("a.NDJSON", "", "jsonl"),
        ("a.csv", "[1]", "csv"),
        ("a.json", "[\n]", "json"),
        ("a.json", '{"text": "one"}\n{"text": "two"}\n', "jsonl"),
        ("a.json", '{"insights": []}', "json"),
        ("export", '  \n [{"text": "one"}]', "json"),
        ("export.txt", '{"text": "one"}\n', "jsonl"),
        ("export.txt", '{\n  "insights": []\n}', "json"),
        ("export.txt", "text,podcast\n", "csv"),
    ],
)
def test_the_format_comes_from_the_extension_then_the_first_character(
    tmp_path: Path, name: str, content: str, expected: str
) -> None:
    assert detect_format(_write(tmp_path / name, content)) == expected


# Files that cannot be read


def test_a_missing_file_is_one_clear_error(tmp_path: Path) -> None:
    items = list(read_records(tmp_path / "nope.csv"))
    assert items == [RowError(str(tmp_path / "nope.csv"), None, "no such file")]
    assert str(items[0]) == f"{tmp_path / 'nope.csv'}: no such file"


def test_a_folder_is_one_clear_error(tmp_path: Path) -> None:
    assert _only_error(tmp_path) == "this is a folder, not a file"


def test_a_named_pipe_is_one_clear_error_instead_of_waiting_forever(tmp_path: Path) -> None:
    fifo = tmp_path / "insights.jsonl"
    os.mkfifo(fifo)
    assert _only_error(fifo) == "this is not a regular file (a pipe, a device or a socket cannot be imported)"


def test_a_json_document_over_the_size_limit_is_one_error_pointing_to_json_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_files, "MAX_JSON_DOCUMENT_BYTES", 100)
    path = _write(tmp_path / "in.json", "[" + ",\n".join(f'{{"text": "insight number {n}"}}' for n in range(20)) + "]")
    message = _only_error(path)
    assert "larger than" in message and "JSON Lines" in message and "nothing was imported" in message


def test_a_latin_1_file_is_one_error_naming_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", "text\nCaf\u00e9 culture\n".encode("latin-1"))
    assert _only_error(path) == (
        "the file is not UTF-8 text (line 2 has the byte 0xe9); save it as UTF-8 and import it again"
    )


def test_a_utf_16_file_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.csv", "text\nOne\n".encode("utf-16"))
    assert _only_error(path) == "the file is UTF-16 text; save it as UTF-8 and import it again"


def test_an_empty_file_is_one_error(tmp_path: Path) -> None:
    assert _only_error(_write(tmp_path / "in.jsonl", b"\xef\xbb\xbf \n\n")) == "the file is empty"


def test_binary_garbage_is_one_error(tmp_path: Path) -> None:
    path = _write(tmp_path / "in.jsonl", bytes(range(256)))
    assert _only_error(path) == "the file contains NUL bytes (line 1): it is not UTF-8 text"


def test_text_garbage_is_reported_without_a_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path / "notes.txt", "Dear diary,\ntoday I listened to a podcast.\n")
    assert _only_error(path) == (
        'the first row must be a header naming the columns, with a "text" column (found: "Dear diary", "")'
    )


FUZZ_TOKENS = [
    "{",
    "}",
    "[",
    "]",
    '"',
    ",",
    ":",
    ";",
    "\n",
    "\r",
    " ",
    "\\",
    "a",
    "1",
    ".",
    "-",
    "\u00e9",
    "\ufeff",
    "\u2028",
    '"text"',
    "text",
    '"insights"',
    "null",
    "true",
    '"topics"',
    '"start_seconds"',
    "1:02:03",
]


@pytest.mark.parametrize("suffix", [".jsonl", ".json", ".csv", ".txt"])
def test_random_files_never_raise(tmp_path: Path, suffix: str) -> None:
    rng = random.Random(suffix)
    for attempt in range(300):
        if attempt % 3 == 0:
            content = rng.randbytes(rng.randrange(0, 200))
        else:
            content = "".join(rng.choice(FUZZ_TOKENS) for _ in range(rng.randrange(0, 80))).encode("utf-8")
        path = _write(tmp_path / f"fuzz{attempt}{suffix}", content)
        for item in read_records(path):
            assert isinstance(item, (RawRecord, RowError))
            if isinstance(item, RawRecord):
                with contextlib.suppress(InvalidRecord):
                    parse_record(item.fields)
