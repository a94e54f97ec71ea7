"""Chunking a transcript for the language model: whole sentences, small overlaps, times, bounded count."""

from __future__ import annotations

import itertools

from ingest.llm.chunks import chunk_transcript
from insights.extraction import transcript_sentences
from insights.transcript import Segment


def _sentences(count: int, *, timed: bool = True) -> list[Segment]:
    return [
        Segment(f"Sentence {n} says battery storage helps grid number {n} stay stable.", n * 5.0 if timed else None,
                n * 5.0 + 4 if timed else None, "Ann" if n % 20 < 10 else "Bob")
        for n in range(count)
    ]  # fmt: skip


def test_chunks_cover_every_sentence_in_order_and_overlap_a_little() -> None:
    sentences = transcript_sentences(_sentences(600))
    chunks = chunk_transcript(sentences, 4_000, overlap_chars=300)
    covered = [i for c in chunks for i in range(c.first, c.last + 1)]
    assert set(covered) == set(range(len(sentences)))
    assert all(b.first <= a.last and b.first > a.first for a, b in itertools.pairwise(chunks))  # overlap, progress
    assert all(len(c.text) <= 4_200 for c in chunks)


def test_a_chunk_ends_on_a_whole_sentence_and_every_turn_starts_with_its_time_and_speaker() -> None:
    sentences = transcript_sentences(_sentences(300))
    for chunk in chunk_transcript(sentences, 3_000):
        assert chunk.text.endswith("stay stable.")
        lines = chunk.text.split("\n")
        assert all(line.startswith("[") and ("] Ann: " in line or "] Bob: " in line) for line in lines)
    assert "[16:40] Ann: Sentence 200 says" in "\n".join(c.text for c in chunk_transcript(sentences, 3_000))


def test_a_long_transcript_gets_larger_chunks_rather_than_more_than_the_cap() -> None:
    sentences = transcript_sentences(_sentences(5_000))
    chunks = chunk_transcript(sentences, 2_000, max_chunks=5)
    assert len(chunks) <= 5 and chunks[-1].last == len(sentences) - 1 and chunks[0].first == 0


def test_a_sentence_longer_than_a_chunk_is_cut_at_words_across_chunks() -> None:
    unpunctuated = " ".join(f"word{n}" for n in range(3_000))  # a machine transcript without full stops
    sentences = transcript_sentences([Segment(unpunctuated, 0.0, 1_200.0, "Speaker 1")])
    chunks = chunk_transcript(sentences, 2_000, max_chunks=100)
    assert len(chunks) > 10 and all(len(c.text) <= 2_000 + len("[0:00] Speaker 1: ") for c in chunks)
    assert "word0 " in chunks[0].text and chunks[-1].text.endswith("word2999")


def test_untimed_text_is_chunked_without_times() -> None:
    chunks = chunk_transcript(transcript_sentences(_sentences(50, timed=False)), 1_000)
    assert chunks and all(not c.text.startswith("[") and c.start is None for c in chunks)
    assert chunks[0].describe(len(chunks)) == f"chunk 1 of {len(chunks)}"
