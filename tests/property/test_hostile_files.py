"""Import records, import files and transcripts from hostile bytes: no unhandled exception."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from ingest.import_files import RawRecord, RowError, read_records
from ingest.records import InvalidRecord, parse_record
from ingest.transcripts import KIND_PREFERENCE, SHOW_NOTES, parse_transcript
from insights.model import NewInsight
from insights.transcript import Segment
from tests.property.strategies import BOUNDED, RECORD_KEYS, import_records, json_values, transcript_bytes

IMPORT_SUFFIXES = (".jsonl", ".ndjson", ".json", ".csv", ".txt", "")


@BOUNDED
@given(import_records())
def test_a_record_becomes_an_insight_or_a_readable_refusal(raw: object) -> None:
    try:
        insight = parse_record(raw)
    except InvalidRecord as error:
        assert str(error).strip()
    else:
        assert isinstance(insight, NewInsight) and insight.text.strip()


def _file_bytes() -> st.SearchStrategy[bytes]:
    """Random bytes, or JSON Lines / JSON / CSV built from hostile records."""
    records = st.lists(json_values(6), max_size=6)
    as_lines = records.map(lambda rs: "\n".join(json.dumps(r) for r in rs).encode())
    as_array = records.map(lambda rs: json.dumps(rs).encode())
    header = ",".join(RECORD_KEYS)
    cells = st.lists(st.lists(st.text(max_size=15), max_size=len(RECORD_KEYS) + 2), max_size=5)
    as_csv = cells.map(lambda rows: (header + "\n" + "\n".join(",".join(r) for r in rows)).encode("utf-8", "surrogatepass"))
    truncated = st.tuples(st.one_of(as_lines, as_array, as_csv), st.integers(0, 400)).map(lambda p: p[0][: p[1]])
    return st.one_of(st.binary(max_size=1_000), as_lines, as_array, as_csv, truncated)


@BOUNDED
@given(_file_bytes(), st.sampled_from(IMPORT_SUFFIXES))
def test_any_import_file_reads_as_records_and_row_errors(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"import{suffix}"
        path.write_bytes(data)
        for item in read_records(path):
            assert isinstance(item, (RawRecord, RowError))
            if isinstance(item, RowError):
                assert item.message.strip()
                continue
            with contextlib.suppress(InvalidRecord):  # refusing a record is fine; any other error is not
                parse_record(item.fields)


@BOUNDED
@given(transcript_bytes(), st.sampled_from((*KIND_PREFERENCE, SHOW_NOTES)))
def test_any_transcript_parses_to_segments_or_nothing(data: bytes, kind: str) -> None:
    segments = parse_transcript(data, kind)
    assert isinstance(segments, list)
    assert all(isinstance(s, Segment) for s in segments)
