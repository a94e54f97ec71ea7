"""Plain-text and Markdown transcripts: paragraphs, speaker labels and inline timestamps when present.

Speakers: `**Name:**` (Markdown), `Name:` at the start of a paragraph, or a header line
such as `Name (00:01:02):` or `Name  1:02` (Rev / Otter exports); a speaker holds until
the next label. Timestamps: `[MM:SS]`, `\\[MM:SS\\]`, `(HH:MM:SS)` anywhere, or a clock at
the start of a paragraph. Text between timestamps gets times interpolated by
character offset (see `fill_times`).
"""

from __future__ import annotations

import re

from ingest.transcripts.common import (
    MAX_SPEAKER_LENGTH,
    clean_text,
    decode,
    fill_times,
    parse_clock,
    plausible_speaker,
    split_speaker,
)
from insights.transcript import Segment

_CLOCK = r"\d{1,3}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!>])")
_BOLD_SPEAKER = re.compile(r"^\s*(?:\*\*|__)([^*_\n]{1,%d}?)(?::(?:\*\*|__)|(?:\*\*|__):)\s*" % MAX_SPEAKER_LENGTH)  # noqa: UP031 (regex braces read worse in an f-string)
_HEADER = re.compile(r"^\s*([^\W\d_][\w.,'’ -]{0,%d}?)\s*[(\[]?(%s)[)\]]?\s*:?\s*$" % (MAX_SPEAKER_LENGTH, _CLOCK))  # noqa: UP031 (regex braces read worse in an f-string)
_INLINE_TIME = re.compile(r"[\[(](%s)[\])]|^\s*(%s)\b\s*[-–—:]?\s*" % (_CLOCK, _CLOCK), re.MULTILINE)  # noqa: UP031 (regex braces read worse in an f-string)
_EMPHASIS = re.compile(r"\*\*|__|(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)")
_HEADING = re.compile(r"^\s*#{1,6}\s+", re.MULTILINE)
#: A Markdown block quote's markers ("> ", "> > ") at the start of a line: the words are talk, the marks are not.
_BLOCK_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+", re.MULTILINE)
_BLANK_LINES = re.compile(r"\n[ \t]*\n")


def parse_plain_text(data: bytes) -> list[Segment]:
    """Segments of a text transcript: one per paragraph piece, with speaker and start when known."""
    text = _BLOCK_QUOTE.sub("", _HEADING.sub("", decode(data)))
    text = _MARKDOWN_ESCAPE.sub(r"\1", text)
    segments: list[Segment] = []
    speaker: str | None = None
    pending: float | None = None  # a timestamp not yet followed by any words
    for paragraph in _paragraphs(text):
        label, time, paragraph = _speaker_and_time(paragraph)
        speaker = label or speaker
        for start, piece in _timed_pieces(paragraph, time):
            piece = clean_text(_EMPHASIS.sub("", piece))
            start = start if start is not None else pending
            if any(c.isalnum() for c in piece):
                segments.append(Segment(piece, start, None, speaker))
                pending = None
            else:
                pending = start
    return fill_times(segments)


def _paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; a header line ("Name (0:01):") starts one of its own."""
    found: list[str] = []
    for block in _BLANK_LINES.split(text):
        current: list[str] = []
        for line in block.split("\n"):
            if _HEADER.match(line) and current:
                found.append("\n".join(current))
                current = []
            current.append(line)
        found.append("\n".join(current))
    return [p for p in found if p.strip()]


def _speaker_and_time(paragraph: str) -> tuple[str | None, float | None, str]:
    """(speaker, start, rest) of a paragraph's leading label, when it has one."""
    first, _, rest = paragraph.strip().partition("\n")
    header = _HEADER.match(first)
    if header and plausible_speaker(header.group(1).strip(" ,")):
        return header.group(1).strip(" ,"), parse_clock(header.group(2)), rest
    bold = _BOLD_SPEAKER.match(paragraph)
    if bold:
        return clean_text(bold.group(1)).rstrip(":") or None, None, paragraph[bold.end() :]
    label, rest = split_speaker(paragraph)
    return label, None, rest


def _timed_pieces(paragraph: str, start: float | None) -> list[tuple[float | None, str]]:
    """The paragraph cut at each inline timestamp: (time or None, text after it)."""
    pieces: list[tuple[float | None, str]] = []
    position = 0
    for match in _INLINE_TIME.finditer(paragraph):
        pieces.append((start, paragraph[position : match.start()]))
        start = parse_clock(match.group(1) or match.group(2))
        position = match.end()
    pieces.append((start, paragraph[position:]))
    return pieces
