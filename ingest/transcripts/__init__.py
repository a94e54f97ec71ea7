"""Transcripts from bytes to `Segment`s, whatever the format a feed links to.

    kind = transcript_kind(link_type, link_url)          # "json", "vtt", "srt", "html", "text" or None
    segments = parse_transcript(data, kind)              # [] when the file holds no usable text
    ranked = rank_transcripts(links, lambda l: transcript_kind(l.type, l.url))  # best first

Parsers never raise on malformed input: they return what they could read, or [].
`TranscriptError` is raised only for an unknown kind or a file over the size cap.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from ingest.transcripts.common import MAX_TRANSCRIPT_BYTES, TranscriptError
from ingest.transcripts.html_transcript import parse_html_transcript
from ingest.transcripts.plain_text import parse_plain_text
from ingest.transcripts.podcast_json import parse_podcast_json
from ingest.transcripts.show_notes import parse_show_notes
from ingest.transcripts.subrip import parse_srt
from ingest.transcripts.webvtt import parse_webvtt
from insights.transcript import Segment

__all__ = [
    "KIND_PREFERENCE",
    "MAX_TRANSCRIPT_BYTES",
    "SHOW_NOTES",
    "TranscriptError",
    "best_transcript",
    "parse_html_transcript",
    "parse_plain_text",
    "parse_podcast_json",
    "parse_show_notes",
    "parse_srt",
    "parse_transcript",
    "parse_webvtt",
    "rank_transcripts",
    "sniff_kind",
    "transcript_kind",
]

#: Transcript kinds, best first: timed and speaker-labelled formats before untimed ones.
KIND_PREFERENCE = ("json", "vtt", "srt", "html", "text")
#: The kind of an item's show notes, used when it has no transcript.
SHOW_NOTES = "notes"

_PARSERS: dict[str, Callable[[bytes], list[Segment]]] = {
    "json": parse_podcast_json,
    "vtt": parse_webvtt,
    "srt": parse_srt,
    "html": parse_html_transcript,
    "text": parse_plain_text,
    SHOW_NOTES: parse_show_notes,
}
_MIME_KINDS = {
    "application/json": "json",
    "text/json": "json",
    "text/vtt": "vtt",
    "application/srt": "srt",
    "text/srt": "srt",
    "application/x-subrip": "srt",
    "text/x-srt": "srt",
    "application/x-srt": "srt",
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "text",
}
_EXTENSION_KINDS = {
    ".json": "json",
    ".vtt": "vtt",
    ".webvtt": "vtt",
    ".srt": "srt",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".md": "text",
}

T = TypeVar("T")
_SRT_TIMING = re.compile(rb"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.MULTILINE)


def parse_transcript(data: bytes, kind: str) -> list[Segment]:
    """Segments of a transcript of `kind` (one of `KIND_PREFERENCE`, or "notes" for show notes).

    A "text" transcript that is really WebVTT, SRT or JSON (served as text/plain) is
    read as what it is.
    """
    parser = _PARSERS.get(kind)
    if parser is None:
        raise TranscriptError(f"unknown transcript kind {kind!r}; expected one of {', '.join(_PARSERS)}")
    if kind == "text":
        parser = _PARSERS[sniff_kind(data) or kind]
    return parser(data)


def sniff_kind(data: bytes) -> str | None:
    """"vtt", "srt" or "json" when the first bytes say so, else None."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"WEBVTT"):
        return "vtt"
    if head.startswith((b"{", b"[")) and b'"segments"' in head:
        return "json"
    return "srt" if _SRT_TIMING.search(head) else None


def transcript_kind(mime_type: str | None, url: str | None = None) -> str | None:
    """The kind of a transcript from its MIME type (any case, parameters ignored), else its URL's extension."""
    if mime_type:
        kind = _MIME_KINDS.get(mime_type.split(";", 1)[0].strip().lower())
        if kind:
            return kind
    if url:
        suffix = PurePosixPath(unquote(urlsplit(url.strip()).path)).suffix.lower()
        return _EXTENSION_KINDS.get(suffix)
    return None


def rank_transcripts(options: Iterable[T], kind_of: Callable[[T], str | None]) -> list[tuple[str, T]]:
    """(kind, option) for every option of a known kind, best kind first (ties keep their order)."""
    known = [(kind, option) for option in options if (kind := kind_of(option)) in KIND_PREFERENCE]
    return sorted(known, key=lambda pair: KIND_PREFERENCE.index(pair[0]))


def best_transcript(options: Iterable[T], kind_of: Callable[[T], str | None]) -> tuple[str, T] | None:
    """The (kind, option) to fetch first among an item's transcripts; None when none is readable."""
    ranked = rank_transcripts(options, kind_of)
    return ranked[0] if ranked else None
