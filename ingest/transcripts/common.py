"""What every transcript parser needs: forgiving decoding, clock times, speaker prefixes, times filled in."""

from __future__ import annotations

import bisect
import html
import itertools
import math
import re
from collections.abc import Sequence

from insights.transcript import Segment

#: Transcripts larger than this are refused (a long episode's transcript is well under 2 MB).
MAX_TRANSCRIPT_BYTES = 20_000_000
#: Longest speaker label taken from a "Name:" prefix.
MAX_SPEAKER_LENGTH = 40

_CLOCK = re.compile(r"^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*$")
_SPACE = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])(?=\s|$)")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_SPEAKER_PREFIX = re.compile(r"^(?:>>\s*|-\s+)?([^\W\d_][\w.,'’ -]{0,%d}?):\s+(?=\S)" % MAX_SPEAKER_LENGTH)  # noqa: UP031 (regex braces read worse in an f-string)
_LEADING_MARKS = re.compile(r"^(?:>>+|-\s)\s*")
_WORDY = re.compile(r"[^\W_]")
_NOT_SPEAKERS = frozenset(["note", "notes", "warning", "example", "tip", "quote", "update", "edit", "source", "q", "a", "answer", "question"])


class TranscriptError(ValueError):
    """A transcript that cannot be used at all; `str(error)` says why, for a person."""


def decode(data: bytes) -> str:
    """Text of `data`: BOM honoured, UTF-8 (else Windows-1252, else UTF-8 with replacements), LF line ends."""
    if len(data) > MAX_TRANSCRIPT_BYTES:
        raise TranscriptError(f"the transcript is {len(data):,} bytes; the limit is {MAX_TRANSCRIPT_BYTES:,}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = _legacy_decode(data)
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _legacy_decode(data: bytes) -> str:
    """Windows-1252 when it decodes cleanly (old SRT files), else UTF-8 with U+FFFD for bad bytes."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace")


def parse_clock(value: str) -> float | None:
    """Seconds of "1:02", "00:01:02", "01:02.5" or "00:00:01,250"; None when it is not a clock."""
    match = _CLOCK.match(value)
    if not match:
        return None
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) >= 60 or (hours is not None and int(minutes) >= 60):
        return None
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
    return total + (int(fraction) / 10 ** len(fraction) if fraction else 0.0)


_LENIENT_CLOCK = re.compile(r"^\s*(?:(?:(\d{1,3}):)?(\d{1,2}):)?(\d{1,6})(?:[.,](\d+))?\s*$")


def lenient_clock(value: str) -> tuple[float | None, bool]:
    """(seconds, True when the form is not standard) of a cue time; (None, False) when it is not a time.

    Besides `parse_clock`'s forms this reads what publishers serve though no spec allows it:
    seconds only ("0.000", "3,48", "62"), and fractions longer than milliseconds.
    """
    standard = parse_clock(value)
    if standard is not None:
        return standard, False
    match = _LENIENT_CLOCK.match(value)
    if not match:
        return None, False
    hours, minutes, secs, fraction = match.groups()
    if (minutes is not None and int(secs) >= 60) or (hours is not None and int(minutes) >= 60):
        return None, False
    total = int(hours or 0) * 3600 + int(minutes or 0) * 60 + int(secs)
    return round(total + (int(fraction) / 10 ** len(fraction) if fraction else 0.0), 3), True


def seconds(value: object) -> float | None:
    """A non-negative finite number of seconds from JSON (number or numeric string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        clock = parse_clock(value)
        if clock is not None:
            return clock
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def clean_text(text: str, *, unescape: bool = True) -> str:
    """One line of readable text: entities decoded, white space collapsed, no space before punctuation."""
    if unescape and "&" in text:
        text = html.unescape(text)
    text = _SPACE.sub(" ", text).strip()
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)


def split_speaker(text: str) -> tuple[str | None, str]:
    """("Travis", "When you…") from "Travis: When you…"; (None, text) when there is no speaker label."""
    text = text.strip()
    match = _SPEAKER_PREFIX.match(text)
    if not match:
        return None, _LEADING_MARKS.sub("", text)
    label = match.group(1).strip(" ,")
    if not plausible_speaker(label):
        return None, text
    return label, text[match.end() :]


def plausible_speaker(label: str) -> bool:
    """True for "Travis", "Speaker 2" or "Mireille B. Reece, Psy.D"; False for "Here is the thing"."""
    tokens = label.split()
    if not tokens or len(tokens) > 5 or not tokens[0][0].isupper() or label.casefold() in _NOT_SPEAKERS:
        return False
    return all(t[0].isupper() or t[0].isdigit() for t in tokens if _WORDY.match(t) and len(t) > 3)


def with_speakers(raw: Sequence[tuple[float | None, float | None, str]]) -> list[Segment]:
    """Segments from (start, end, text) cues whose text may begin "Name:"; the speaker carries on until the next."""
    segments: list[Segment] = []
    speaker: str | None = None
    for start, end, text in raw:
        label, rest = split_speaker(text)
        speaker = label or speaker
        rest = clean_text(rest)
        if _WORDY.search(rest):
            segments.append(Segment(rest, start, end, speaker))
    return segments


def fill_times(segments: Sequence[Segment]) -> list[Segment]:
    """Segments with every start and end filled in, where anchors allow it.

    A segment without a start gets one interpolated by character offset between the
    anchored segments around it (the text before the first anchor starts at 0:00), and
    each segment ends where the next begins. After the last anchor, times follow the
    document's own pace (characters per second between its anchors). With no anchor at
    all, the segments are returned unchanged.
    """
    offsets = list(itertools.accumulate((len(s.text) + 1 for s in segments[:-1]), initial=0))
    anchors = [(offsets[i], s.start) for i, s in enumerate(segments) if s.start is not None]
    if not anchors:
        return list(segments)
    if anchors[0][0] > 0:
        anchors.insert(0, (0, 0.0))
    pace = _pace(anchors)
    starts = [s.start if s.start is not None else _estimate(offsets[i], anchors, pace) for i, s in enumerate(segments)]
    filled: list[Segment] = []
    for i, (segment, start) in enumerate(zip(segments, starts, strict=True)):
        end = starts[i + 1] if i + 1 < len(segments) else _last_end(segment, start, pace)
        if start is not None and end is not None:
            end = max(end, start)
        filled.append(Segment(segment.text, start, end, segment.speaker))
    return filled


def _last_end(segment: Segment, start: float | None, pace: float | None) -> float | None:
    """When the last segment ends: as given, else after its text at the document's pace."""
    if segment.end is not None or start is None or not pace:
        return segment.end
    return round(start + len(segment.text) / pace, 3)


def _pace(anchors: Sequence[tuple[int, float]]) -> float | None:
    """Characters per second between the first and the last anchor, when they are apart."""
    (first_offset, first_time), (last_offset, last_time) = anchors[0], anchors[-1]
    if last_time - first_time <= 0 or last_offset <= first_offset:
        return None
    return (last_offset - first_offset) / (last_time - first_time)


def _estimate(offset: int, anchors: Sequence[tuple[int, float]], pace: float | None) -> float | None:
    """The time at `offset`: linear between the anchors around it, or at the document's pace after the last."""
    i = bisect.bisect_right(anchors, offset, key=lambda a: a[0])
    before = anchors[i - 1]
    after = anchors[i] if i < len(anchors) else None
    if after is not None and after[1] >= before[1]:
        share = (offset - before[0]) / (after[0] - before[0])
        return round(before[1] + share * (after[1] - before[1]), 3)
    if after is None and pace:
        return round(before[1] + (offset - before[0]) / pace, 3)
    return before[1]
