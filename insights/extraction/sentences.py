"""A transcript's segments as sentences, each with its speaker and start time.

Consecutive timed segments of one speaker form a turn; sentences are cut over the
whole turn (an SRT cue often ends mid-sentence), and a sentence starting inside a
segment gets a time interpolated by character offset between the segment's start
and end. Untimed segments (show notes, plain paragraphs) are turns of their own.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from insights.extraction.filler import remove_filler
from insights.transcript import Segment

#: Words that end with a dot without ending a sentence (folded, without the final dot).
ABBREVIATIONS = frozenset(
    ["mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "etc", "e.g", "i.e", "eg", "ie", "inc", "ltd", "co", "corp", "dept", "est", "fig", "gen", "gov", "approx", "no", "nos", "vol", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "psy.d", "ph.d", "u.s", "u.k", "a.m", "p.m"]
)
_BOUNDARY = re.compile(r"([.!?…]+)([\"”’')\]]*)\s+")
_LAST_WORD = re.compile(r"([\w.]+)$")
_OPENERS = "\"“'‘([¿¡"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a transcript: as said (`raw`), without filler (`text`), when and by whom."""

    text: str
    raw: str
    start: float | None
    end: float | None
    speaker: str | None
    turn: int
    index: int


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) character spans of the sentences of `text` (abbreviations and initials kept whole)."""
    spans: list[tuple[int, int]] = []
    start = len(text) - len(text.lstrip())
    for match in _BOUNDARY.finditer(text):
        following = text[match.end() : match.end() + 1]
        if not following or not (following.isupper() or following.isdigit() or following in _OPENERS):
            continue
        if match.group(1) == "." and _is_abbreviation(text[start : match.start()]):
            continue
        spans.append((start, match.end(2)))
        start = match.end()
    if text[start:].strip():
        spans.append((start, len(text.rstrip())))
    return spans


def _is_abbreviation(before: str) -> bool:
    """True when the word before a dot is an abbreviation or an initial ("Dr", "e.g", "B")."""
    found = _LAST_WORD.search(before)
    if not found:
        return False
    word = found.group(1)
    return word.lower().rstrip(".") in ABBREVIATIONS or (len(word) == 1 and word.isupper())


def transcript_sentences(segments: Sequence[Segment]) -> list[Sentence]:
    """Every sentence of the transcript in order, with start and end times where known."""
    sentences: list[Sentence] = []
    for turn_number, turn in enumerate(_turns(segments)):
        text, offsets = _joined(turn)
        for begin, finish in split_sentences(text):
            raw = text[begin:finish]
            start = _time_at(begin, turn, offsets)
            end = _time_at(finish, turn, offsets, at_end=True)
            cleaned = remove_filler(raw)
            sentences.append(Sentence(cleaned, raw, start, end, turn[0].speaker, turn_number, len(sentences)))
    return sentences


def _turns(segments: Sequence[Segment]) -> list[list[Segment]]:
    """Runs of timed segments by one speaker; each untimed segment on its own."""
    turns: list[list[Segment]] = []
    for segment in segments:
        if not segment.text.strip():
            continue
        last = turns[-1][-1] if turns else None
        if last is not None and last.speaker == segment.speaker and None not in (last.start, segment.start):
            turns[-1].append(segment)
        else:
            turns.append([segment])
    return turns


def _joined(turn: Sequence[Segment]) -> tuple[str, list[int]]:
    """The turn's text, its segments joined by spaces, and where each segment begins in it."""
    offsets: list[int] = []
    parts: list[str] = []
    position = 0
    for segment in turn:
        text = segment.text.strip()
        offsets.append(position)
        parts.append(text)
        position += len(text) + 1
    return " ".join(parts), offsets


def _time_at(offset: int, turn: Sequence[Segment], offsets: Sequence[int], *, at_end: bool = False) -> float | None:
    """When the character at `offset` of the joined turn is said: interpolated inside its segment."""
    i = max(0, bisect.bisect_right(offsets, offset - 1 if at_end else offset) - 1)
    segment = turn[i]
    if segment.start is None:
        return None
    length = len(segment.text.strip())
    if segment.end is None or segment.end <= segment.start or not length:
        return segment.end if at_end and segment.end is not None else segment.start
    share = min(1.0, max(0.0, (offset - offsets[i]) / length))
    return round(segment.start + share * (segment.end - segment.start), 3) if share else segment.start
