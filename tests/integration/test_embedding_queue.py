"""The embedding queue on SQLite and PostgreSQL: each insight embedded once, newest first, re-embedded
for a new model, resumed after a crash, never twice by two workers; and what `meaning status` counts.

The encoder here is a stand-in with the real interface (texts -> unit vectors, `model_id`) that
records what it was asked to embed; the real model's answers are tested in test_hybrid_search.py.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from storage.insights_store import InsightWriter
from tests.meeting import Meeting

np = pytest.importorskip("numpy", reason="the meaning extra (numpy) is not installed")

from ingest.meaning.backfill import backfill  # noqa: E402
from storage.embeddings_store import claim_batch, embedding_status, vectors_for  # noqa: E402

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


class RecordingEncoder:
    """Texts -> unit vectors (a hash of the text), remembering every text it embedded."""

    def __init__(self, model_id: str = "test-model-1", fail_after: int | None = None,
                 arrive: Callable[[], None] = lambda: None) -> None:
        self.model_id = model_id
        self.batch_size = 32
        self.texts: list[str] = []
        self._lock = threading.Lock()
        self._fail_after = fail_after
        self._arrive = arrive

    def __call__(self, texts: Sequence[str]) -> Any:
        self._arrive()  # at a meeting (tests.meeting): waits, holding its claim, for the other worker's batch
        with self._lock:
            if self._fail_after is not None and len(self.texts) + len(texts) > self._fail_after:
                raise RuntimeError("the process died here")
            self.texts.extend(texts)
        rows = np.array([[float((hash(t) >> s) % 97) + 1.0 for s in range(8)] for t in texts], dtype=np.float32)
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _add(sessions: sessionmaker[Session], count: int, start: int = 0) -> list[int]:
    with sessions.begin() as session:
        return InsightWriter(session).add(
            [NewInsight(f"Insight number {n} about copper smelting and zinc.", "Metals", published_at=NOW)
             for n in range(start, start + count)]
        ).added_ids


def _status(sessions: sessionmaker[Session], model_id: str, now: datetime = NOW) -> Any:
    with sessions() as session:
        return embedding_status(session, model_id=model_id, now=now)


def test_imported_insights_are_embedded_once_and_a_second_pass_embeds_nothing(sessions: sessionmaker[Session]) -> None:
    ids = _add(sessions, 70)
    encoder = RecordingEncoder()
    assert _status(sessions, encoder.model_id).pending == 70
    first = backfill(sessions, encoder, clock=lambda: NOW, batch=16)
    again = backfill(sessions, encoder, clock=lambda: NOW, batch=16)
    assert (first.embedded, first.batches, again.embedded) == (70, 5, 0)
    assert len(encoder.texts) == len(set(encoder.texts)) == 70
    state = _status(sessions, encoder.model_id)
    assert (state.embedded, state.pending, state.in_progress) == (70, 0, 0)
    with sessions() as session:
        stored = vectors_for(session, ids, model_id=encoder.model_id)
    expected = encoder([f"Insight number {n} about copper smelting and zinc." for n in range(70)])
    assert np.allclose(np.stack([stored[i] for i in ids]), expected, atol=2e-3), "float16 keeps the vector"


def test_newest_insights_are_claimed_first(sessions: sessionmaker[Session]) -> None:
    ids = _add(sessions, 10)
    with sessions.begin() as session:
        claimed, more = claim_batch(session, model_id="m", worker="w", now=NOW, lease=timedelta(minutes=5), limit=3)
    assert [i for i, _ in claimed.items] == sorted(ids, reverse=True)[:3] and more


def test_a_new_model_re_embeds_every_insight_and_its_vectors_replace_the_old_ones(sessions: sessionmaker[Session]) -> None:
    ids = _add(sessions, 12)
    backfill(sessions, RecordingEncoder("model-a"), clock=lambda: NOW)
    newer = RecordingEncoder("model-b")
    assert _status(sessions, "model-b").pending == 12 and _status(sessions, "model-b").other_model == 12
    assert backfill(sessions, newer, clock=lambda: NOW).embedded == 12
    with sessions() as session:
        assert len(vectors_for(session, ids, model_id="model-b")) == 12
        assert vectors_for(session, ids, model_id="model-a") == {}, "one vector per insight: the old model's is replaced"
    assert _status(sessions, "model-b").other_model == 0


def test_a_crashed_worker_s_batch_is_embedded_by_the_next_once_its_lease_runs_out(sessions: sessionmaker[Session]) -> None:
    _add(sessions, 20)
    crashing = RecordingEncoder(fail_after=10)
    with pytest.raises(RuntimeError):
        backfill(sessions, crashing, clock=lambda: NOW, batch=8)
    assert _status(sessions, crashing.model_id).embedded == 8, "the first batch was stored before the crash"
    # a process that dies outright never releases its claim: simulate it by claiming and walking away
    with sessions.begin() as session:
        abandoned, _ = claim_batch(session, model_id=crashing.model_id, worker="dead", now=NOW,
                                   lease=timedelta(minutes=5), limit=4)
    assert len(abandoned.items) == 4
    resumed = RecordingEncoder()
    assert backfill(sessions, resumed, clock=lambda: NOW, batch=8).embedded == 8, "leased rows wait"
    later = NOW + timedelta(minutes=6)
    assert backfill(sessions, resumed, clock=lambda: later, batch=8).embedded == 4
    assert _status(sessions, resumed.model_id, later).pending == 0
    assert set(resumed.texts).isdisjoint(crashing.texts), "what was stored before the crash is not redone"


def test_a_worker_that_lost_its_lease_stores_nothing(sessions: sessionmaker[Session]) -> None:
    from storage.embeddings_store import store_vectors

    ids = _add(sessions, 3)
    with sessions.begin() as session:
        slow, _ = claim_batch(session, model_id="m", worker="slow", now=NOW, lease=timedelta(minutes=5), limit=3)
    later = NOW + timedelta(minutes=10)
    with sessions.begin() as session:
        fast, _ = claim_batch(session, model_id="m", worker="fast", now=later, lease=timedelta(minutes=5), limit=3)
    assert {i for i, _ in fast.items} == set(ids)
    with sessions.begin() as session:
        assert store_vectors(session, slow, np.eye(3, 8, dtype=np.float32), model_id="m", now=later) == 0
        assert store_vectors(session, fast, np.eye(3, 8, dtype=np.float32), model_id="m", now=later) == 3


def test_two_workers_at_once_never_embed_the_same_insight(sessions: sessionmaker[Session]) -> None:
    _add(sessions, 300)
    # both hold a claim at the same moment: a claim must not wait for another worker's model run
    both_embedding = Meeting(workers=2, rounds=1, timeout=30)
    encoders = [RecordingEncoder(arrive=both_embedding.arrival()), RecordingEncoder(arrive=both_embedding.arrival())]
    results: list[Any] = []
    start = threading.Barrier(2)

    def work(encoder: RecordingEncoder, name: str) -> None:
        start.wait()
        results.append(backfill(sessions, encoder, clock=lambda: NOW, batch=10, worker=name))

    threads = [threading.Thread(target=work, args=(e, f"w{n}")) for n, e in enumerate(encoders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 2, "neither worker failed (a claim that waited on the other's batch breaks the meeting)"
    done = encoders[0].texts + encoders[1].texts
    assert len(done) == len(set(done)) == 300, "every insight embedded exactly once between the two"
    assert sum(r.embedded for r in results) == 300 and all(r.lost == 0 for r in results)
    assert all(e.texts for e in encoders), "both workers took part"


def test_a_claim_below_an_id_takes_the_next_older_insights_and_says_when_the_bottom_is_reached(
    sessions: sessionmaker[Session],
) -> None:
    ids = sorted(_add(sessions, 10), reverse=True)
    lease = timedelta(minutes=5)
    with sessions.begin() as session:
        first, more = claim_batch(session, model_id="m", worker="w", now=NOW, lease=lease, limit=4)
        assert more and first.lowest == ids[3]
        second, more = claim_batch(session, model_id="m", worker="w", now=NOW, lease=lease, limit=4, below=first.lowest)
        assert [i for i, _ in second.items] == ids[4:8] and more
        last, more = claim_batch(session, model_id="m", worker="w", now=NOW, lease=lease, limit=4, below=second.lowest)
    assert [i for i, _ in last.items] == ids[8:] and not more, "fewer than asked: nothing older is left"


def test_insights_imported_while_a_backfill_walks_down_are_embedded_by_the_same_run(
    sessions: sessionmaker[Session],
) -> None:
    _add(sessions, 30)

    class ImportingMeanwhile(RecordingEncoder):
        def __call__(self, texts: Sequence[str]) -> Any:
            if not self.texts:  # an import lands while the first batch is in the model
                _add(sessions, 5, start=100)
            return super().__call__(texts)

    encoder = ImportingMeanwhile()
    result = backfill(sessions, encoder, clock=lambda: NOW, batch=8)
    assert result.embedded == 35 and _status(sessions, encoder.model_id).pending == 0
    assert len(encoder.texts) == len(set(encoder.texts)) == 35
    assert encoder.texts[-5:] == [f"Insight number {n} about copper smelting and zinc." for n in range(104, 99, -1)], \
        "the older ones first, then back to the newest"
