"""WebVTT: cues with `<v Speaker>` voice spans; NOTE, STYLE and REGION blocks, cue settings and tags ignored."""

from __future__ import annotations

import logging
import re

from ingest.transcripts.common import clean_text, decode, lenient_clock, split_speaker
from insights.transcript import Segment

_BLOCKS = re.compile(r"\n[ \t]*\n+")
_TIMING = re.compile(r"^\s*([\d:.,]+|\S+(?=\s))\s*-->\s*(\S+)")
_TAG = re.compile(r"<([^>]*)>")
_SKIPPED_BLOCKS = ("NOTE", "STYLE", "REGION")

logger = logging.getLogger(__name__)

#: (speaker or None, text) pieces of one cue.
Pieces = list[tuple[str | None, str]]


def parse_webvtt(data: bytes) -> list[Segment]:
    """Segments of a WebVTT file, one per cue and voice; [] when it holds no cue."""
    segments: list[Segment] = []
    speaker: str | None = None
    previous_lines: list[str] = []
    lenient = 0
    for block in _BLOCKS.split(decode(data)):
        cue = _cue(block)
        if cue is None:
            continue
        start, end, lines, odd = cue
        lenient += odd
        lines = _without_rollup(lines, previous_lines)
        previous_lines = cue[2]
        for voice, text in _voices(" ".join(lines)):
            label, text = (voice, text) if voice else split_speaker(text)
            speaker = label or speaker
            text = clean_text(text)
            if text:
                segments.append(Segment(text, start, end, speaker))
    if lenient:
        logger.info("webvtt: read %d cue(s) with non-standard times (seconds only or long fractions)", lenient)
    return segments


def _cue(block: str) -> tuple[float, float | None, list[str], bool] | None:
    """(start, end, text lines, times not standard) of a cue block; None for the header, comments, styles and junk."""
    lines = block.strip("\n").split("\n")
    first = lines[0].strip()
    if first.startswith("WEBVTT") or first.split(" ", 1)[0] in _SKIPPED_BLOCKS:
        return None
    for i, line in enumerate(lines[:2]):  # an optional cue identifier, then the timing line
        timing = _TIMING.match(line)
        if timing:
            start, odd_start = lenient_clock(timing.group(1))
            if start is None:
                return None
            end, odd_end = lenient_clock(timing.group(2))
            return start, end if end is not None and end >= start else None, lines[i + 1 :], odd_start or odd_end
    return None


def _without_rollup(lines: list[str], previous: list[str]) -> list[str]:
    """Lines of a "roll-up" caption cue without the line repeated from the cue before."""
    if len(lines) > 1 and previous and lines[0].strip() == previous[-1].strip():
        return lines[1:]
    return lines


def _voices(text: str) -> Pieces:
    """The cue text split by voice span; every other tag dropped (kept inner text)."""
    pieces: Pieces = []
    voice: str | None = None
    position = 0
    for tag in _TAG.finditer(text):
        _append(pieces, voice, text[position : tag.start()])
        position = tag.end()
        inner = tag.group(1).strip()
        if re.match(r"v[.\s]", inner):
            voice = _voice_name(inner) or voice
        elif inner == "/v":
            voice = None
    _append(pieces, voice, text[position:])
    return pieces


def _voice_name(inner: str) -> str | None:
    """"Sarah" from "v Sarah" or "v.loud Sarah Jones"."""
    parts = inner.split(None, 1)
    return clean_text(parts[1]) or None if len(parts) == 2 else None


def _append(pieces: Pieces, voice: str | None, text: str) -> None:
    """Add text to the last piece when the voice is the same, else start a piece (blank text starts none)."""
    if pieces and pieces[-1][0] == voice:
        pieces[-1] = (voice, pieces[-1][1] + text)
    elif text.strip():
        pieces.append((voice, text))
