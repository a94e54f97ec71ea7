"""Saved insights and posted messages carry the time their caller gives (the injected clock), as aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from storage.clock import as_utc
from storage.insights_store import InsightWriter
from storage.messages_store import PostedRecord, posted_message, posted_records, record_posted_message
from storage.models import InsightRow
from storage.saved_store import list_saved, save_insight, saved_keys

PINNED = datetime(2024, 3, 5, 7, 30, tzinfo=UTC)


def _one_insight(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(text="Tariffs moved the soybean trade to Brazil.", podcast="Trade Pod")])
        insight_id = session.scalar(select(InsightRow.id))
    assert insight_id is not None
    return insight_id


def test_a_save_is_dated_by_the_clock_it_is_given(sessions: sessionmaker[Session]) -> None:
    insight_id = _one_insight(sessions)
    with sessions.begin() as session:
        assert save_insight(session, "T1", "U1", insight_id, now=PINNED)
        assert not save_insight(session, "T1", "U1", insight_id, now=PINNED + timedelta(days=1))  # a retry
    with sessions() as session:
        [saved] = list_saved(session, "T1", "U1")
    assert saved.saved_at == PINNED and saved.saved_at.tzinfo is not None


def test_a_posted_message_is_dated_by_the_clock_it_is_given(sessions: sessionmaker[Session]) -> None:
    insight_id = _one_insight(sessions)
    with sessions.begin() as session:
        record_posted_message(session, "T1", "C1", "1700000000.000100", insight_id, now=PINNED)
    with sessions() as session:
        row = posted_message(session, "T1", "C1", "1700000000.000100")
    assert row is not None and as_utc(row.posted_at) == PINNED


def test_as_utc_makes_naive_values_utc_and_converts_other_zones() -> None:
    assert as_utc(datetime(2024, 3, 5, 7, 30)) == PINNED
    assert as_utc(datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=2)))) == PINNED
    assert as_utc(datetime(2024, 3, 5, 9, 30, tzinfo=timezone(timedelta(hours=2)))).tzinfo is UTC
    assert as_utc(None) is None


def test_many_posted_messages_are_looked_up_in_one_query_each_by_its_whole_key(sessions: sessionmaker[Session]) -> None:
    insight_id = _one_insight(sessions)
    with sessions.begin() as session:
        record_posted_message(session, "T1", "C1", "1.1", insight_id, now=PINNED)
        record_posted_message(session, "T1", "C2", "1.2", None, "digest_header", now=PINNED)
        record_posted_message(session, "T2", "C1", "1.3", insight_id, now=PINNED)
    wanted = {("T1", "C1", "1.1"), ("T1", "C2", "1.2"), ("T1", "C1", "1.3"), ("T2", "C2", "1.1"), ("T9", "C9", "9.9")}
    with sessions() as session:
        found = posted_records(session, wanted)
        assert posted_records(session, set()) == {}
    assert found == {("T1", "C1", "1.1"): PostedRecord("insight", insight_id),
                     ("T1", "C2", "1.2"): PostedRecord("digest_header", None)}  # T2's 1.3 is not T1's


def test_which_of_many_saves_exist_is_read_in_one_query_each_by_its_whole_key(sessions: sessionmaker[Session]) -> None:
    insight_id = _one_insight(sessions)
    with sessions.begin() as session:
        save_insight(session, "T1", "U1", insight_id, now=PINNED)
        save_insight(session, "T2", "U2", insight_id, now=PINNED)
    asked = {("T1", "U1", insight_id), ("T1", "U2", insight_id), ("T2", "U1", insight_id), ("T1", "U1", insight_id + 1)}
    with sessions() as session:
        assert saved_keys(session, asked) == {("T1", "U1", insight_id)}  # T2's save is U2's, not U1's
        assert saved_keys(session, set()) == set()
