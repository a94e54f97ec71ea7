"""Transcript parsers on small inline samples: every format quirk real feeds serve."""

from __future__ import annotations

import random

import pytest

from ingest.transcripts import (
    KIND_PREFERENCE,
    MAX_TRANSCRIPT_BYTES,
    TranscriptError,
    best_transcript,
    parse_html_transcript,
    parse_plain_text,
    parse_podcast_json,
    parse_show_notes,
    parse_srt,
    parse_transcript,
    parse_webvtt,
    rank_transcripts,
    transcript_kind,
)
from insights.transcript import Segment

# --- WebVTT -----------------------------------------------------------------------------


def test_webvtt_voice_spans_give_speakers_and_entities_are_decoded() -> None:
    data = b"WEBVTT\n\n00:00:11.610 --> 00:00:15.750\n<v Sarah>Welcome to Podcasting Q&amp;A, where you learn</v>\n"
    assert parse_webvtt(data) == [Segment("Welcome to Podcasting Q&A, where you learn", 11.61, 15.75, "Sarah")]


def test_webvtt_ignores_header_note_style_and_region_blocks_and_cue_settings() -> None:
    data = (
        b"WEBVTT - an episode\nKind: captions\n\nNOTE written by hand\n-->  not a cue\n\n"
        b"STYLE\n::cue { color: lime }\n\nREGION\nid:left width:40%\n\n"
        b"intro-1\n00:01.000 --> 00:04.500 align:start position:10% line:0\nHello there.\n"
    )
    assert parse_webvtt(data) == [Segment("Hello there.", 1.0, 4.5, None)]


def test_webvtt_strips_class_bold_and_timestamp_tags_but_keeps_their_words() -> None:
    data = b"WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<c.yellow>Good</c> <b>audio</b><00:00:02.000> <i>matters</i> &lt;a lot&gt;\n"
    assert [s.text for s in parse_webvtt(data)] == ["Good audio matters <a lot>"]


def test_webvtt_reads_hours_optional_crlf_and_a_byte_order_mark() -> None:
    data = "\ufeffWEBVTT\r\n\r\n01:02.250 --> 1:01:03.000\r\n<v Ann>First line\r\nsecond line\r\n".encode()
    assert parse_webvtt(data) == [Segment("First line second line", 62.25, 3663.0, "Ann")]


def test_webvtt_splits_a_cue_with_two_voices() -> None:
    data = b"WEBVTT\n\n00:05.000 --> 00:07.000\n<v.loud Bob Smith>Is it live?</v> <v Ann>It is.</v>\n"
    assert [(s.speaker, s.text) for s in parse_webvtt(data)] == [("Bob Smith", "Is it live?"), ("Ann", "It is.")]


def test_webvtt_speaker_carries_over_cues_without_a_voice_span() -> None:
    data = b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>One thing\n\n00:02.000 --> 00:03.000\nand another.\n"
    assert [s.speaker for s in parse_webvtt(data)] == ["Ann", "Ann"]


def test_webvtt_drops_the_line_a_roll_up_caption_repeats() -> None:
    data = b"WEBVTT\n\n00:01.000 --> 00:02.000\nsay hello\n\n00:02.000 --> 00:03.000\nsay hello\nto everyone\n"
    assert [s.text for s in parse_webvtt(data)] == ["say hello", "to everyone"]


def test_webvtt_with_seconds_only_cue_times_keeps_those_cues_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    # Published, though not valid WebVTT: the first 63 s of one real episode were timed like this.
    data = (
        b"WEBVTT\n\n0.000 --> 3.480\nWelcome back to the show.\n\n3.480 --> 62.9\nToday we talk about memory.\n\n"
        b"00:01:03.000 --> 00:01:05.500\nThe rest is standard.\n"
    )
    with caplog.at_level("INFO", logger="ingest.transcripts"):
        segments = parse_webvtt(data)
    assert segments == [
        Segment("Welcome back to the show.", 0.0, 3.48, None),
        Segment("Today we talk about memory.", 3.48, 62.9, None),
        Segment("The rest is standard.", 63.0, 65.5, None),
    ]
    assert any("2 cue" in r.getMessage() and "seconds" in r.getMessage() for r in caplog.records)


def test_webvtt_reads_other_lenient_timings_without_spaces_or_with_long_fractions() -> None:
    data = b"WEBVTT\n\n00:00:01.0004-->00:00:02.5\nNo spaces around the arrow.\n\n2,5 --> 4\nComma seconds.\n"
    assert parse_webvtt(data) == [
        Segment("No spaces around the arrow.", 1.0, 2.5, None),
        Segment("Comma seconds.", 2.5, 4.0, None),
    ]


def test_srt_with_seconds_only_cue_times_keeps_those_cues() -> None:
    data = b"1\n0.000 --> 3.480\nWelcome back.\n\n2\n00:00:03,480 --> 00:00:05,000\nThen standard.\n"
    assert [(s.text, s.start, s.end) for s in parse_srt(data)] == [("Welcome back.", 0.0, 3.48), ("Then standard.", 3.48, 5.0)]


def test_webvtt_without_any_cue_is_empty() -> None:
    assert parse_webvtt(b"WEBVTT\n\nNOTE nothing here\n") == []
    assert parse_webvtt(b"<html><body>Not found</body></html>") == []


# --- SRT --------------------------------------------------------------------------------

SRT = b"""1
00:00:00,179 --> 00:00:02,399
Travis: When you first get
started in podcasting, it's

2
00:00:02,400 --> 00:00:04,799
almost guaranteed.

3
00:00:53,030 --> 00:00:57,770
Sarah: Creating good audio is
"""


def test_srt_speaker_prefixes_hold_until_the_next_speaker() -> None:
    assert parse_srt(SRT) == [
        Segment("When you first get started in podcasting, it's", 0.179, 2.399, "Travis"),
        Segment("almost guaranteed.", 2.4, 4.799, "Travis"),
        Segment("Creating good audio is", 53.03, 57.77, "Sarah"),
    ]


def test_srt_reads_dot_decimals_missing_numbers_and_missing_or_doubled_blank_lines() -> None:
    data = b"00:00:01.5 --> 00:00:02.000\nOne.\n7\n00:00:03,000 --> 00:00:04,000\n\n\nTwo.\n\n\n\n8\n00:00:05,000 --> 00:00:06,000\nThree."
    assert [(s.start, s.text) for s in parse_srt(data)] == [(1.5, "One."), (3.0, "Two."), (5.0, "Three.")]


def test_srt_strips_font_tags_and_positioning_codes() -> None:
    data = b'1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<i>Quiet</i> <font color="red">please</font>\n'
    assert [s.text for s in parse_srt(data)] == ["Quiet please"]


def test_srt_in_windows_1252_keeps_its_accents_and_crlf_is_read() -> None:
    data = "1\r\n00:00:01,000 --> 00:00:02,000\r\nJosé: Un café, s’il vous plaît.\r\n".encode("cp1252")
    assert parse_srt(data) == [Segment("Un café, s’il vous plaît.", 1.0, 2.0, "José")]


def test_srt_with_invalid_utf8_is_decoded_with_replacement_characters() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nbad \x81\x8d\x90 bytes \xe2\x82\n"
    (segment,) = parse_srt(data)
    assert segment.text.startswith("bad") and segment.text.endswith("bytes \ufffd")


def test_srt_label_like_a_sentence_is_not_taken_for_a_speaker() -> None:
    data = b"1\n00:00:01,000 --> 00:00:02,000\nHere is the thing: nobody listens.\n"
    assert parse_srt(data) == [Segment("Here is the thing: nobody listens.", 1.0, 2.0, None)]


# --- Podcasting 2.0 JSON ----------------------------------------------------------------


def _word(speaker: str, start: float | str, end: float | str, body: str) -> dict[str, object]:
    return {"speaker": speaker, "startTime": start, "endTime": end, "body": body}


def test_json_word_segments_merge_into_sentences_per_speaker() -> None:
    words = [
        _word("Darth Vader", 0.5, 0.75, "I"),
        _word("Darth Vader", 1, 1.25, "am"),
        _word("Darth Vader", 1.5, 2.0, "your"),
        _word("Darth Vader", 2.25, 2.5, "father."),
        _word("Darth Vader", 2.6, 2.7, "Search"),
        _word("Darth Vader", 2.7, 2.9, "your"),
        _word("Darth Vader", 2.9, 3.1, "feelings"),
        _word("Darth Vader", 3.1, 3.2, "."),
        _word("Luke", 3.5, 4.0, "Nooooo"),
    ]
    data = repr({"version": "1.0.0", "segments": words}).replace("'", '"').encode()
    assert parse_podcast_json(data) == [
        Segment("I am your father.", 0.5, 2.5, "Darth Vader"),
        Segment("Search your feelings.", 2.6, 3.2, "Darth Vader"),
        Segment("Nooooo", 3.5, 4.0, "Luke"),
    ]


def test_json_sentence_level_segments_stay_as_they_are_and_string_times_are_read() -> None:
    data = b'{"segments": [{"speaker": "Ann", "startTime": "00:01:02.5", "endTime": "65", "body": "Hi there. "}]}'
    assert parse_podcast_json(data) == [Segment("Hi there.", 62.5, 65.0, "Ann")]


def test_json_pause_splits_a_sentence_and_missing_times_are_none() -> None:
    data = b'{"segments": [{"body": "so"}, {"body": "then", "startTime": 1, "endTime": 1.2}, {"body": "later", "startTime": 9}]}'
    assert parse_podcast_json(data) == [Segment("so then", 1.0, 1.2, None), Segment("later", 9.0, None, None)]


@pytest.mark.parametrize(
    "data",
    [b"", b"not json", b"[1, 2", b'{"segments": "nope"}', b'{"segments": [1, null, {"body": 3}]}', b"[" * 100_000],
)
def test_json_that_is_not_a_transcript_is_empty(data: bytes) -> None:
    assert parse_podcast_json(data) == []


# --- HTML -------------------------------------------------------------------------------


def test_html_cite_time_and_paragraphs_give_speaker_start_and_text() -> None:
    data = (
        b"<cite>Travis:</cite>\n<time>0:00</time>\n<p>It&#39;s almost guaranteed &amp; true.</p>\n"
        b"<cite>Sarah:</cite>\n<time>00:01:02</time>\n<p>Creating good<br>audio is key.</p>\n"
    )
    first, second = parse_html_transcript(data)
    assert first == Segment("It's almost guaranteed & true.", 0.0, 62.0, "Travis")
    assert (second.text, second.start, second.speaker) == ("Creating good audio is key.", 62.0, "Sarah")
    assert second.end is not None and second.end > 62.0  # at the pace of the text before it


def test_html_ignores_scripts_and_styles_and_survives_broken_markup() -> None:
    data = b"<html><head><title>T</title><style>p{}</style></head><script>var p = '<p>x</p>';</script>"
    data += b"<cite>Ann</cite><time datetime='1:05'>later</time><p>Unclosed <b>bold words"
    assert parse_html_transcript(data) == [Segment("Unclosed bold words", 65.0, None, "Ann")]


def test_html_paragraphs_without_times_get_times_between_their_neighbours() -> None:
    data = b"<time>0:10</time><p>aaaa aaaa</p><p>bbbb bbbb</p><time>0:30</time><p>cccc</p>"
    starts = [s.start or 0.0 for s in parse_html_transcript(data)]
    assert starts[0] == 10.0 and 10.0 < starts[1] < 30.0 and starts[2] == 30.0


# --- Plain text and Markdown ------------------------------------------------------------


def test_markdown_block_quotes_read_without_their_quote_markers() -> None:
    data = (
        b"**Jerod Santo:** The post puts it plainly:\n\n"
        b"> On January 14, global telnet traffic fell off a cliff.\n> > Nested too.\n\n"
        b"**Jerod Santo:** That is the news."
    )
    texts = [s.text for s in parse_plain_text(data)]
    assert not any(t.lstrip().startswith(">") for t in texts)
    assert any(t.startswith("On January 14, global telnet traffic fell off a cliff.") for t in texts)
    assert parse_plain_text(b"Ann: Three > two, and that is arithmetic.")[0].text == "Three > two, and that is arithmetic."


def test_markdown_bold_speakers_and_escaped_timestamps_are_read() -> None:
    data = (
        b"**Ann Lee, PhD:** Opening words here.\n\n**Bob:** \\[01:40\\] Something later.\n\n"
        b"\\[02:00\\] More from Bob.\n\n**Ann Lee, PhD:** \\[laughs\\] Right."
    )
    segments = parse_plain_text(data)
    assert [(s.speaker, s.start, s.text) for s in segments[1:3]] == [
        ("Bob", 100.0, "Something later."),
        ("Bob", 120.0, "More from Bob."),
    ]
    assert segments[0].speaker == "Ann Lee, PhD" and segments[0].start == 0.0
    assert segments[3].text == "[laughs] Right." and segments[3].speaker == "Ann Lee, PhD"


def test_plain_text_brackets_and_parentheses_timestamps_split_a_paragraph() -> None:
    segments = parse_plain_text(b"Intro words [00:10] first point (00:01:00) second point")
    assert [(s.start, s.text) for s in segments] == [(0.0, "Intro words"), (10.0, "first point"), (60.0, "second point")]


def test_plain_text_rev_style_header_lines_give_speaker_and_time() -> None:
    data = b"Speaker 1 (00:01:05):\nWelcome back.\nSarah Jones  1:10\nThanks, glad to be here."
    segments = parse_plain_text(data)
    assert [(s.speaker, s.start, s.text) for s in segments] == [
        ("Speaker 1", 65.0, "Welcome back."),
        ("Sarah Jones", 70.0, "Thanks, glad to be here."),
    ]


def test_plain_text_without_timestamps_has_paragraphs_and_name_prefixes_without_times() -> None:
    segments = parse_plain_text(b"Ann: First paragraph.\nstill first.\n\nSecond paragraph.\r\n\r\nBob: Third.")
    assert segments == [
        Segment("First paragraph. still first.", None, None, "Ann"),
        Segment("Second paragraph.", None, None, "Ann"),
        Segment("Third.", None, None, "Bob"),
    ]


# --- Show notes -------------------------------------------------------------------------


def test_show_notes_html_becomes_untimed_paragraphs_without_links_or_scripts() -> None:
    notes = (
        "<p>Good audio keeps listeners.<br/>Second line &amp; more.</p><ul><li>Tip one</li><li>Tip two</li></ul>"
        "<p>https://example.com/episode</p><script>alert(1)</script><div>Last words</div>"
    )
    assert [s.text for s in parse_show_notes(notes)] == [
        "Good audio keeps listeners.",
        "Second line & more.",
        "Tip one",
        "Tip two",
        "Last words",
    ]
    assert all(s.start is None and s.speaker is None for s in parse_show_notes(notes))


def test_show_notes_link_lists_are_dropped_and_prose_around_a_link_is_kept() -> None:
    # As in the Podcasting 2.0 feed's notes: a list of article titles, each one link.
    notes = (
        "<p>Batching recordings frees the rest of the month for <a href='https://a.example'>promotion</a>.</p>"
        "<ul><li><a href='https://nyt.example/btc'>NYTimes climate btc article - Bitcoin Uses More Electricity Than "
        "Many Countries. How Is That Possible?</a></li><li><a href='https://b.example'>Podcast Index</a> - "
        "home</li></ul>"
    )
    assert [s.text for s in parse_show_notes(notes)] == ["Batching recordings frees the rest of the month for promotion."]


def test_show_notes_in_plain_text_split_at_blank_lines_and_list_items() -> None:
    notes = b"In this episode we talk gear.\nMore on gear.\n\n- Microphones\n- Headphones\n\n* * *"
    assert [s.text for s in parse_show_notes(notes)] == [
        "In this episode we talk gear. More on gear.",
        "Microphones",
        "Headphones",
    ]


# --- Choosing and dispatching -----------------------------------------------------------


@pytest.mark.parametrize(
    ("mime", "url", "kind"),
    [
        ("application/json", None, "json"),
        ("TEXT/VTT", None, "vtt"),
        ("text/vtt; charset=utf-8", None, "vtt"),
        ("application/srt", None, "srt"),
        ("text/srt", None, "srt"),
        ("application/x-subrip", None, "srt"),
        ("Text/HTML", None, "html"),
        ("text/plain", None, "text"),
        (None, "https://example.com/ep1/transcript.SRT?token=1#x", "srt"),
        ("application/octet-stream", "https://example.com/t.vtt", "vtt"),
        ("", "https://example.com/transcript.md", "text"),
        ("application/pdf", "https://example.com/transcript.pdf", None),
        (None, None, None),
    ],
)
def test_transcript_kind_from_mime_type_then_url_extension(mime: str | None, url: str | None, kind: str | None) -> None:
    assert transcript_kind(mime, url) == kind


def test_the_best_transcript_follows_json_vtt_srt_html_text() -> None:
    links = [("text/plain", "a.txt"), ("application/x-subrip", "b.srt"), ("application/pdf", "c.pdf"), ("text/vtt", "d.vtt")]
    ranked = rank_transcripts(links, lambda link: transcript_kind(*link))
    assert [kind for kind, _ in ranked] == ["vtt", "srt", "text"]
    assert best_transcript(links, lambda link: transcript_kind(*link)) == ("vtt", ("text/vtt", "d.vtt"))
    assert best_transcript([("application/pdf", "c.pdf")], lambda link: transcript_kind(*link)) is None
    assert KIND_PREFERENCE == ("json", "vtt", "srt", "html", "text")


def test_parse_transcript_dispatches_by_kind_and_refuses_unknown_kinds_and_huge_files() -> None:
    assert parse_transcript(SRT, "srt") == parse_srt(SRT)
    assert parse_transcript(b"<p>Notes.</p>", "notes") == [Segment("Notes.")]
    with pytest.raises(TranscriptError, match="unknown transcript kind"):
        parse_transcript(SRT, "pdf")
    with pytest.raises(TranscriptError, match="limit"):
        parse_transcript(b" " * (MAX_TRANSCRIPT_BYTES + 1), "text")


def test_a_text_transcript_that_is_really_srt_vtt_or_json_is_read_as_such() -> None:
    assert parse_transcript(SRT, "text") == parse_srt(SRT)
    vtt = b"\xef\xbb\xbfWEBVTT\n\n00:01.000 --> 00:02.000\n<v Ann>Hi.\n"
    assert parse_transcript(vtt, "text") == [Segment("Hi.", 1.0, 2.0, "Ann")]
    json_transcript = b'{"segments": [{"speaker": "Ann", "startTime": 1, "endTime": 2, "body": "Hi."}]}'
    assert parse_transcript(json_transcript, "text") == [Segment("Hi.", 1.0, 2.0, "Ann")]
    assert parse_transcript(b"Ann: Just text at 10:30 today.", "text") == [Segment("Just text at 10:30 today.", None, None, "Ann")]


@pytest.mark.parametrize("kind", ["json", "vtt", "srt", "html", "text", "notes"])
def test_random_bytes_never_make_a_parser_raise(kind: str) -> None:
    rng = random.Random(kind)
    for _ in range(150):
        junk = bytes(rng.randrange(256) for _ in range(rng.randrange(600)))
        for data in (junk, b"WEBVTT\n\n00:01.000 --> 00:02.000\n" + junk, b"1\n00:00:01,000 --> 00:00:02,000\n" + junk):
            assert all(isinstance(s, Segment) for s in parse_transcript(data, kind))
