"""Podcasting 2.0 JSON transcripts: `{"version", "segments": [{"speaker", "startTime", "endTime", "body"}]}`.

Word-level segments are merged into sentences within a speaker's turn, so one
segment reads as one sentence (or a turn's piece up to a pause).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

from ingest.transcripts.common import clean_text, decode, seconds
from insights.transcript import Segment

#: A silence at least this long (seconds) between two words ends the merged segment.
PAUSE_SECONDS = 2.0
#: Merged segments are cut after this many characters even without punctuation.
MAX_MERGED_CHARS = 400
_SENTENCE_END = (".", "!", "?", "…", '."', '?"', '!"', ".”", "?”", "!”")
_ATTACHED = (",", ".", ";", ":", "!", "?", ")", "]", "…", "'s", "’s", "n't", "%")


@dataclass
class _Turn:
    """Words being merged into one segment."""

    speaker: str | None
    start: float | None
    end: float | None
    parts: list[str] = field(default_factory=list)

    def text(self) -> str:
        """The words joined, punctuation attached to the word before it."""
        joined = ""
        for part in self.parts:
            joined += part if not joined or part.startswith(_ATTACHED) else " " + part
        return clean_text(joined)


def parse_podcast_json(data: bytes) -> list[Segment]:
    """Segments of a JSON transcript, words merged into sentences; [] when it is not one."""
    try:
        document = json.loads(decode(data))
    except (ValueError, RecursionError):
        return []
    raw = document.get("segments") if isinstance(document, Mapping) else document
    if not isinstance(raw, list):
        return []
    merged: list[Segment] = []
    turn: _Turn | None = None
    for item in raw:
        word = _word(item)
        if word is None:
            continue
        speaker, start, end, body = word
        if turn is None or _starts_new(turn, speaker, start):
            _flush(turn, merged)
            turn = _Turn(speaker, start, end)
        turn.parts.append(body)
        turn.start = turn.start if turn.start is not None else start
        turn.end = end if end is not None else turn.end
    _flush(turn, merged)
    return merged


def _word(item: object) -> tuple[str | None, float | None, float | None, str] | None:
    """(speaker, start, end, body) of one JSON segment; None when it has no text."""
    if not isinstance(item, Mapping):
        return None
    body = item.get("body", item.get("text"))
    if not isinstance(body, str) or not body.strip():
        return None
    speaker = item.get("speaker")
    speaker = clean_text(speaker) or None if isinstance(speaker, str) else None
    start, end = seconds(item.get("startTime")), seconds(item.get("endTime"))
    if start is not None and end is not None and end < start:
        end = None
    return speaker, start, end, body.strip()


def _starts_new(turn: _Turn, speaker: str | None, start: float | None) -> bool:
    """True when the next word belongs in a new segment: new speaker, sentence end, pause, or length."""
    if speaker != turn.speaker or not turn.parts:
        return bool(turn.parts)
    if turn.parts[-1].rstrip().endswith(_SENTENCE_END):
        return True
    if start is not None and turn.end is not None and start - turn.end >= PAUSE_SECONDS:
        return True
    return sum(len(p) + 1 for p in turn.parts) >= MAX_MERGED_CHARS


def _flush(turn: _Turn | None, merged: list[Segment]) -> None:
    """Append the merged words as one segment, if there are any."""
    if turn is not None and turn.parts:
        text = turn.text()
        if text:
            merged.append(Segment(text, turn.start, turn.end, turn.speaker))
