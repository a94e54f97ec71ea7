"""A transcript cut into chunks the model reads one request at a time.

Chunks end at sentence boundaries and the next one repeats the last sentences of the
previous one (`OVERLAP_CHARS`), so a point made across a boundary is seen whole once.
Each turn starts with its time and speaker (`[1:02:03] Ann: ...`), which tells the model
who says what and where it is in the episode. A sentence longer than a chunk (machine
transcripts without punctuation) is cut at words into pieces.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from insights.extraction.sentences import Sentence

#: Characters of transcript per request (about 3,000 tokens: fits an 8k-token context
#: with the instructions and the answer).
CHUNK_CHARS = 12_000
#: Characters of the previous chunk's end repeated at the start of the next one.
OVERLAP_CHARS = 600
#: Requests per episode at most: a longer episode gets proportionally larger chunks.
MAX_CHUNKS = 16
#: Tokens of a request besides the transcript (instructions, topic list, time and speaker
#: headers), tokens kept for the answer, and characters per token of English talk (a
#: conservative figure for Llama and Qwen tokenizers).
PROMPT_TOKENS = 700
ANSWER_TOKENS = 1_000
CHARS_PER_TOKEN = 3.5


def chunk_chars_for(context_tokens: int) -> int:
    """Chunk size that fits a model's context window (never larger than `CHUNK_CHARS`)."""
    return max(1_000, min(CHUNK_CHARS, int((context_tokens - PROMPT_TOKENS - ANSWER_TOKENS) * CHARS_PER_TOKEN)))


@dataclass(frozen=True, slots=True)
class Chunk:
    """The sentences `first`..`last` (inclusive) of a transcript, as sent to the model."""

    number: int
    first: int
    last: int
    text: str
    start: float | None

    def describe(self, total: int) -> str:
        """`chunk 3 of 9 (from 24:10)`, for log lines."""
        where = f" (from {clock(self.start)})" if self.start is not None else ""
        return f"chunk {self.number + 1} of {total}{where}"


@dataclass(frozen=True, slots=True)
class _Piece:
    """A sentence, or a word-bounded part of an over-long one."""

    sentence: int
    text: str


def chunk_transcript(
    sentences: Sequence[Sentence],
    chunk_chars: int = CHUNK_CHARS,
    *,
    overlap_chars: int = OVERLAP_CHARS,
    max_chunks: int = MAX_CHUNKS,
) -> list[Chunk]:
    """The whole transcript in at most `max_chunks` chunks of about `chunk_chars` each."""
    if not sentences:
        return []
    total = sum(len(s.text) + 1 for s in sentences)
    size = max(chunk_chars, math.ceil(total / max(1, max_chunks)) + overlap_chars)
    while True:
        chunks = _chunks(sentences, size, min(overlap_chars, size // 4))
        if len(chunks) <= max_chunks:
            return chunks
        size = math.ceil(size * 1.2)


def _chunks(sentences: Sequence[Sentence], size: int, overlap: int) -> list[Chunk]:
    pieces = _pieces(sentences, max(200, size // 2))
    chunks: list[Chunk] = []
    begin = 0
    while begin < len(pieces):
        end, used = begin, 0
        while end < len(pieces) and (end == begin or used + len(pieces[end].text) + 1 <= size):
            used += len(pieces[end].text) + 1
            end += 1
        chunks.append(_chunk(len(chunks), sentences, pieces[begin:end]))
        if end == len(pieces):
            break
        back, repeated = end, 0
        while back - 1 > begin and repeated + len(pieces[back - 1].text) <= overlap:
            back -= 1
            repeated += len(pieces[back].text) + 1
        begin = back
    return chunks


def _pieces(sentences: Sequence[Sentence], longest: int) -> list[_Piece]:
    """Every sentence as a piece; one longer than `longest` cut at words into several."""
    pieces: list[_Piece] = []
    for index, sentence in enumerate(sentences):
        if len(sentence.text) <= longest:
            pieces.append(_Piece(index, sentence.text))
            continue
        part: list[str] = []
        used = 0
        for word in sentence.text.split():
            if part and used + len(word) + 1 > longest:
                pieces.append(_Piece(index, " ".join(part)))
                part, used = [], 0
            part.append(word)
            used += len(word) + 1
        if part:
            pieces.append(_Piece(index, " ".join(part)))
    return pieces


def _chunk(number: int, sentences: Sequence[Sentence], pieces: Sequence[_Piece]) -> Chunk:
    """The chunk's text: one paragraph per turn, headed by its time and speaker."""
    lines: list[str] = []
    turn: int | None = None
    for piece in pieces:
        sentence = sentences[piece.sentence]
        if sentence.turn != turn or not lines:
            when = f"[{clock(sentence.start)}] " if sentence.start is not None else ""
            lines.append(f"{when}{sentence.speaker or 'Speaker'}: {piece.text}")
            turn = sentence.turn
        else:
            lines[-1] += " " + piece.text
    first, last = pieces[0].sentence, pieces[-1].sentence
    return Chunk(number, first, last, "\n".join(lines), sentences[first].start)


def clock(seconds: float | None) -> str:
    """12:34 or 1:02:03 (`?` when unknown)."""
    if seconds is None:
        return "?"
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
