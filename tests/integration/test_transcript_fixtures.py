"""The parsers and the extractor on real public transcripts (../shared/fixtures; skipped when absent)."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from ingest.transcripts import parse_transcript
from insights.extraction import extract_insights, transcript_sentences
from insights.text import words
from insights.transcript import Segment

#: When each speaker's turn begins in the Buzzsprout episode, per its HTML transcript.
HTML_TURNS = [
    ("Travis", 0), ("Sarah", 53), ("Travis", 102), ("Gilon", 219), ("Travis", 263),
    ("Gilon", 322), ("Travis", 376), ("Sarah", 562), ("Gilon", 617), ("Travis", 691),
]  # fmt: skip
BRAIN_SCIENCE_SPEAKERS = {"Mireille B. Reece, Psy.D", "Adam Stacoviak"}


def _read(fixtures_dir: Path, name: str, kind: str) -> list[Segment]:
    return parse_transcript((fixtures_dir / "transcripts" / name).read_bytes(), kind)


def _turns(segments: list[Segment]) -> list[tuple[str | None, float | None]]:
    """(speaker, start of the turn) for each change of speaker."""
    return [(speaker, next(group).start) for speaker, group in itertools.groupby(segments, key=lambda s: s.speaker)]


def test_buzzsprout_srt_has_222_cues_three_speakers_and_exact_cue_times(fixtures_dir: Path) -> None:
    segments = _read(fixtures_dir, "buzzsprout-example.srt", "srt")
    assert len(segments) == 222
    assert {s.speaker for s in segments} == {"Travis", "Sarah", "Gilon"}
    assert segments[0] == Segment("When you first get started in podcasting, it's", 0.179, 2.399, "Travis")
    assert segments[17] == Segment("Creating good audio is really key to keeping your", 53.03, 57.77, "Sarah")
    assert segments[6].text == "before starting our very first podcast. Now, as you're"  # "podcast ." tidied
    assert segments[-1].text == "best thing to do is to batch your episodes." and segments[-1].end == 754.769


def test_buzzsprout_html_has_the_same_ten_turns_as_the_srt(fixtures_dir: Path) -> None:
    html = _read(fixtures_dir, "buzzsprout-example.html", "html")
    srt_turns = _turns(_read(fixtures_dir, "buzzsprout-example.srt", "srt"))
    assert [(s.speaker, s.start) for s in html] == HTML_TURNS
    assert [speaker for speaker, _ in srt_turns] == [speaker for speaker, _ in HTML_TURNS]
    for (_, srt_start), (_, html_start) in zip(srt_turns, HTML_TURNS, strict=True):
        assert srt_start is not None and abs(srt_start - html_start) < 1.0
    assert html[0].text.startswith("When you first get started in podcasting, it's almost guaranteed")
    assert all(s.end is not None and s.end > s.start for s in html if s.start is not None)


def test_buzzsprout_vtt_voice_spans_and_entity(fixtures_dir: Path) -> None:
    segments = _read(fixtures_dir, "buzzsprout-example.vtt", "vtt")
    assert len(segments) == 7
    assert [s.speaker for s in segments] == ["Sarah"] * 5 + ["Gillian"] * 2
    assert segments[2] == Segment("include in one? Welcome to Podcasting Q&A, where you learn", 6.09, 11.61, "Sarah")
    assert segments[5].start == 19.08 and segments[5].text.startswith("Hi Buzzsprout, Gillian here")


def test_podcastindex_json_words_are_merged_into_two_lines(fixtures_dir: Path) -> None:
    assert _read(fixtures_dir, "podcastindex-example.json", "json") == [
        Segment("I am your father.", 0.5, 2.5, "Darth Vader"),
        Segment("Nooooo", 2.75, 3.0, "Luke"),
    ]


def test_changelog_markdown_has_125_turns_two_speakers_and_its_inline_timestamps(fixtures_dir: Path) -> None:
    segments = _read(fixtures_dir, "changelog-brain-science-1.md", "text")
    turns = _turns(segments)
    assert len(turns) == 125
    assert {speaker for speaker, _ in turns} == BRAIN_SCIENCE_SPEAKERS
    anchored = [s for s in segments if s.text.startswith(("And we don't always get to pick", "We sort of joke"))]
    assert [(s.start, s.speaker) for s in anchored] == [  # \[04:06\] and \[12:15\]
        (246.0, "Mireille B. Reece, Psy.D"),
        (735.0, "Mireille B. Reece, Psy.D"),
    ]
    starts = [s.start for s in segments if s.start is not None]
    assert len(starts) == len(segments) and starts == sorted(starts)  # times between anchors are interpolated
    assert not any(re.search(r"\\|\*\*|\[\d\d:\d\d\]", s.text) for s in segments)


def test_a_sentence_of_the_srt_starting_a_cue_gets_that_cues_start(fixtures_dir: Path) -> None:
    sentences = transcript_sentences(_read(fixtures_dir, "buzzsprout-example.srt", "srt"))
    (creating,) = [s for s in sentences if s.text.startswith("Creating good audio is really key")]
    assert (creating.start, creating.speaker) == (53.03, "Sarah")
    (moving,) = [s for s in sentences if s.text.startswith("Now, as you're listening")]
    assert moving.start is not None and 19.62 < moving.start < 22.289  # inside cue 7, by character offset


@pytest.mark.parametrize(
    ("name", "kind"),
    [("buzzsprout-example.srt", "srt"), ("buzzsprout-example.html", "html"), ("changelog-brain-science-1.md", "text")],
)
def test_extracted_insights_start_inside_the_segment_where_their_words_are(
    fixtures_dir: Path, name: str, kind: str
) -> None:
    segments = _read(fixtures_dir, name, kind)
    insights = extract_insights(segments, limit=6)
    assert 2 <= len(insights) <= 6  # Brain Science #1 (45 minutes) gets its 3-an-hour quota of 2
    stream, owners = _word_stream(segments)
    for insight in insights:
        first_words = words(insight.text)[:5]
        position = _find(stream, first_words)
        assert position is not None, insight.text
        owner = segments[owners[position]]
        assert insight.start_seconds is not None and owner.start is not None and owner.end is not None
        assert owner.start - 0.01 <= insight.start_seconds <= owner.end + 0.01, insight.text
        assert 12 <= len(insight.text.split()) <= 60 and insight.topics


def _word_stream(segments: list[Segment]) -> tuple[list[str], list[int]]:
    stream: list[str] = []
    owners: list[int] = []
    for i, segment in enumerate(segments):
        found = words(segment.text)
        stream += found
        owners += [i] * len(found)
    return stream, owners


def _find(stream: list[str], wanted: list[str]) -> int | None:
    for i in range(len(stream) - len(wanted) + 1):
        if stream[i : i + len(wanted)] == wanted:
            return i
    return None


def test_the_same_episode_gives_the_same_insights_from_srt_and_html(fixtures_dir: Path) -> None:
    from_srt = extract_insights(_read(fixtures_dir, "buzzsprout-example.srt", "srt"))
    from_html = extract_insights(_read(fixtures_dir, "buzzsprout-example.html", "html"))
    assert [i.text for i in from_srt][:3] == [i.text for i in from_html][:3]
    for a, b in zip(from_srt, from_html, strict=False):
        assert a.start_seconds is not None and b.start_seconds is not None
        assert abs(a.start_seconds - b.start_seconds) < 15.0  # HTML times are interpolated over whole turns

