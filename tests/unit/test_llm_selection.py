"""The final choice across chunks: the model's ratings, spread over the episode, no repeats."""

from __future__ import annotations

from ingest.llm.quotes import Located
from ingest.llm.selection import Candidate, select

CLAIMS = [
    "Heat pumps cut winter heating bills in well insulated homes.",
    "Grid batteries smooth the evening peak when solar output fades.",
    "Smart meters reveal how much power devices waste on standby.",
    "Offshore wind farms produce most of their energy in the winter months.",
    "Hydrogen trucks only make sense on long routes with few refuelling stations.",
    "Utilities that publish outage maps in real time earn more trust from customers.",
    "Rooftop solar pays back faster where electricity prices peak at noon.",
]


def _candidate(chunk: int, rank: int, rating: float, sentence: int, text: str | None = None) -> Candidate:
    located = Located(sentence, sentence, float(sentence * 10), 100.0, f"quote {sentence}")
    return Candidate(text or CLAIMS[sentence % len(CLAIMS)], None, located, rating, chunk, rank, ())


def test_the_best_rated_come_first_but_one_chunk_fills_at_most_half_while_others_have_some() -> None:
    strong = [_candidate(0, rank, 9.0, rank) for rank in range(5)]
    weak = [_candidate(1, rank, 3.0, 103 + rank) for rank in range(2)]
    chosen = select([*weak, *strong], limit=4)
    assert [(c.start_seconds, c.score) for c in chosen] == [(0.0, 0.9), (10.0, 0.89), (1030.0, 0.28), (1040.0, 0.27)]


def test_picks_are_topped_up_from_any_chunk_when_the_others_run_out() -> None:
    strong = [_candidate(0, rank, 9.0, rank) for rank in range(5)]
    chosen = select([*strong, _candidate(1, 0, 3.0, 103)], limit=4)
    assert [c.start_seconds for c in chosen] == [0.0, 10.0, 20.0, 1030.0]


def test_the_same_sentences_seen_in_two_overlapping_chunks_are_picked_once() -> None:
    twice = [_candidate(0, 3, 8.0, 40), _candidate(1, 0, 8.0, 40)]
    near = _candidate(2, 0, 7.0, 90, text="Heat pumps cut the winter heating bills of well insulated homes.")
    assert twice[0].text == CLAIMS[5] and near.text != CLAIMS[0]
    other = _candidate(2, 1, 6.0, 91, text=CLAIMS[0])
    assert [c.text for c in select([*twice, other, near], limit=6)] == [CLAIMS[5], near.text]


def test_a_single_chunk_may_fill_every_pick() -> None:
    assert len(select([_candidate(0, rank, 5.0, rank) for rank in range(6)], limit=6)) == 6
