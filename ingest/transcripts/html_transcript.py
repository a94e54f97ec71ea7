"""HTML transcripts (Podcasting 2.0 style): `<cite>Speaker:</cite> <time>0:53</time> <p>words…</p>`.

Parsed with the standard library's `html.parser` (no regular expressions over markup).
Text outside `<p>` counts too, broken at block elements, so a page of plain
paragraphs reads like show notes.
"""

from __future__ import annotations

from html.parser import HTMLParser

from ingest.transcripts.common import clean_text, decode, fill_times, parse_clock
from ingest.transcripts.show_notes import BLOCK_TAGS, SKIPPED_TAGS
from insights.transcript import Segment


class _TranscriptParser(HTMLParser):
    """Collects (speaker, time, text) from cite, time and paragraph text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.segments: list[Segment] = []
        self._speaker: str | None = None
        self._time: float | None = None
        self._label: str | None = None  # "cite" or "time" while inside one
        self._buffer: list[str] = []
        self._paragraph: list[str] = []
        self._datetime: str | None = None
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        elif tag in ("cite", "time"):
            self._end_paragraph()
            self._label, self._buffer = tag, []
            self._datetime = dict(attrs).get("datetime") if tag == "time" else None
        elif tag == "br":
            self._paragraph.append(" ")
        elif tag in BLOCK_TAGS:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag == "cite" and self._label == "cite":
            self._speaker = clean_text("".join(self._buffer)).rstrip(":").strip() or self._speaker
            self._label = None
        elif tag == "time" and self._label == "time":
            self._time = _clock("".join(self._buffer), self._datetime, self._time)
            self._label = None
        elif tag in BLOCK_TAGS and tag != "br":
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        (self._buffer if self._label else self._paragraph).append(data)

    def _end_paragraph(self) -> None:
        text = clean_text("".join(self._paragraph), unescape=False)
        if text:
            self.segments.append(Segment(text, self._time, None, self._speaker))
            self._time = None
        self._paragraph = []

    def close(self) -> None:
        super().close()
        self._end_paragraph()


def _clock(text: str, datetime_attribute: str | None, current: float | None) -> float | None:
    """The time a `<time>` element gives (its text, else its datetime attribute), else `current`."""
    for candidate in (text, datetime_attribute or ""):
        found = parse_clock(candidate)
        if found is not None:
            return found
    return current


def parse_html_transcript(data: bytes) -> list[Segment]:
    """Segments of an HTML transcript: one per paragraph, speakers from `<cite>`, starts from `<time>`."""
    parser = _TranscriptParser()
    parser.feed(decode(data))
    parser.close()
    return fill_times(parser.segments)
