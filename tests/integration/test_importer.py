"""Importing insight files into SQLite and PostgreSQL: good rows kept, bad rows explained, nothing twice."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from ingest.import_files import RowError
from ingest.importer import ImportProgress, import_file
from storage.insights_store import count_insights, get_insight

CHIPS = "New export controls on advanced chips reshape the semiconductor supply chain."
RATES = "Central banks expect rates will rise through next year."
DOCS = "Remote teams write more, so their documentation ages better."


def _jsonl(path: Path, *records: object) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return count_insights(session)


def test_good_rows_are_kept_and_bad_rows_are_reported_with_file_and_line(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    path = _jsonl(
        tmp_path / "mixed.jsonl",
        {"text": CHIPS, "podcast": "Chip War"},
        {"text": RATES, "published_at": "yesterday"},
        {"text": RATES},
        {"podcast": "Work Life"},
        {"text": DOCS},
    )
    report = import_file(path, sessions, batch_size=2)
    assert (report.read, report.added, report.duplicates, report.invalid) == (5, 3, 0, 2)
    assert [str(e) for e in report.errors] == [
        f'{path}:2: "published_at": "yesterday" is not an ISO 8601 date (example: 2024-05-01 or 2024-05-01T09:30:00Z)',
        f'{path}:4: "text" is missing or empty',
    ]
    assert _count(sessions) == 3


def test_reimporting_the_same_file_adds_nothing(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    path = _jsonl(tmp_path / "in.jsonl", {"text": CHIPS}, {"text": RATES}, {"text": DOCS})
    first = import_file(path, sessions, batch_size=2)
    again = import_file(path, sessions, batch_size=2)
    assert (first.added, first.duplicates) == (3, 0)
    assert (again.read, again.added, again.duplicates, again.ok) == (3, 0, 3, True)
    assert _count(sessions) == 3


def test_the_same_insight_in_json_lines_and_csv_is_one_insight(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    jsonl = _jsonl(tmp_path / "in.jsonl", {"text": CHIPS, "podcast": "Chip War"})
    csv = tmp_path / "in.csv"
    csv.write_text(
        'text,podcast\n"  new EXPORT controls on advanced chips, reshape the semiconductor supply-chain ",Chip War\n',
        encoding="utf-8",
    )
    import_file(jsonl, sessions)
    report = import_file(csv, sessions)
    assert (report.added, report.duplicates) == (0, 1)
    assert _count(sessions) == 1


def test_topics_from_csv_equal_topics_from_json(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    csv = tmp_path / "in.csv"
    csv.write_text(f"text,topics\n{CHIPS},a; b\n", encoding="utf-8")
    document = tmp_path / "in.json"
    document.write_text(json.dumps([{"text": RATES, "topics": ["a", "b"]}]), encoding="utf-8")
    import_file(csv, sessions)
    import_file(document, sessions)
    with sessions() as session:
        topics = [insight.topics for i in (1, 2) if (insight := get_insight(session, i))]
    assert topics == [("a", "b"), ("a", "b")]


def test_every_field_of_a_csv_row_is_stored(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    csv = tmp_path / "in.csv"
    header = "text,podcast,episode,url,audio_url,start_seconds,published_at,topics"
    cells = [f'"{CHIPS}"', "Chip War", "Ep 1", "https://chips.example/1", "https://cdn.example/1.mp3", "1:02:03"]
    row = ",".join([*cells, "2024-05-01T11:30:00+02:00", "chips; trade"])
    csv.write_bytes(f"\ufeff{header}\r\n{row}\r\n".encode())
    report = import_file(csv, sessions)
    with sessions() as session:
        insight = get_insight(session, 1)
    assert report.ok and insight is not None
    assert (insight.text, insight.podcast, insight.episode, insight.url) == (
        CHIPS,
        "Chip War",
        "Ep 1",
        "https://chips.example/1",
    )
    assert insight.moment_url == "https://cdn.example/1.mp3#t=3723"
    assert insight.published_at == datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
    assert insight.topics == ("chips", "trade")


def test_a_file_that_cannot_be_read_adds_nothing_and_says_why(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes("text\nCaf\u00e9 culture is back\n".encode("latin-1"))
    report = import_file(path, sessions)
    assert (report.read, report.added, report.invalid, report.ok) == (0, 0, 0, False)
    assert report.errors == [
        RowError(
            str(path),
            None,
            "the file is not UTF-8 text (line 2 has the byte 0xe9); save it as UTF-8 and import it again",
        )
    ]
    assert _count(sessions) == 0


def test_each_batch_is_committed_before_progress_is_reported(tmp_path: Path, sessions: sessionmaker[Session]) -> None:
    path = _jsonl(tmp_path / "many.jsonl", *({"text": f"Insight number {n} about podcasts"} for n in range(250)))
    seen: list[tuple[int, int]] = []

    def progress(update: ImportProgress) -> None:
        seen.append((update.records, _count(sessions)))
        assert 0 <= update.bytes_read <= update.total_bytes == path.stat().st_size

    report = import_file(path, sessions, batch_size=100, progress=progress)
    assert report.added == 250
    assert seen == [(100, 100), (200, 200), (250, 250)]


def test_vocabulary_counts_match_the_stored_rows_when_a_file_repeats_stored_insights(
    tmp_path: Path, sessions: sessionmaker[Session]
) -> None:
    from collections import Counter

    from sqlalchemy import select

    from storage.models import InsightRow, SearchTerm

    first = _jsonl(tmp_path / "first.jsonl", {"text": CHIPS, "podcast": "Chip War", "topics": ["trade"]})
    assert import_file(first, sessions).added == 1
    # The stored insight again (under another podcast), beside new ones in the same batch:
    # only the new rows' terms may be counted, and a term only the repeat holds not at all.
    second = _jsonl(
        tmp_path / "second.jsonl",
        {"text": CHIPS, "podcast": "Zanzibar Podcast"},
        {"text": RATES, "podcast": "Chip War"},
        {"text": DOCS},
    )
    report = import_file(second, sessions)
    assert (report.added, report.duplicates) == (2, 1)
    with sessions() as session:
        expected = Counter(
            term for text in session.scalars(select(InsightRow.search_text)) for term in set((text or "").split())
        )
        stored = {row.term: row.doc_count for row in session.scalars(select(SearchTerm))}
    assert stored == dict(expected)
    assert "zanzibar" not in stored  # only the repeated (not stored) row carried it
