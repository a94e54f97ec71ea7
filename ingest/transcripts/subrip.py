"""SubRip (SRT): numbered cues, `Speaker:` prefixes that hold until the next speaker, tags stripped.

Cues are found by their timing lines, so missing or doubled blank lines, missing
numbers and comma or dot decimal separators are all read alike.
"""

from __future__ import annotations

import logging
import re

from ingest.transcripts.common import decode, lenient_clock, with_speakers
from insights.transcript import Segment

_TIMING = re.compile(r"^\s*(\d[\d:.,]*)\s*-->\s*(\d[\d:.,]*)")
_MARKUP = re.compile(r"<[^>]{0,200}>|\{\\[^}]{0,200}\}")

logger = logging.getLogger(__name__)


def parse_srt(data: bytes) -> list[Segment]:
    """Segments of an SRT file, one per cue; [] when it holds no cue."""
    lines = decode(data).split("\n")
    cues: list[tuple[float | None, float | None, str]] = []
    timing: tuple[float | None, float | None] | None = None
    text: list[str] = []
    lenient = 0
    for line in lines:
        match = _TIMING.match(line)
        if match is None:
            text.append(line)
            continue
        if timing is not None:
            cues.append((*timing, _cue_text(text)))
        (start, odd_start), (end, odd_end) = lenient_clock(match.group(1)), lenient_clock(match.group(2))
        lenient += odd_start or odd_end
        timing = (start, end if start is not None and end is not None and end >= start else None)
        text = []
    if timing is not None:
        cues.append((*timing, _cue_text(text, last=True)))
    if lenient:
        logger.info("srt: read %d cue(s) with non-standard times (seconds only or long fractions)", lenient)
    return with_speakers([cue for cue in cues if cue[0] is not None])


def _cue_text(lines: list[str], *, last: bool = False) -> str:
    """A cue's text: its lines up to the blank line, without the next cue's number."""
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if not last and lines and lines[-1].strip().isdigit():
        lines = lines[:-1]  # the number of the next cue
    return _MARKUP.sub("", " ".join(line.strip() for line in lines))
