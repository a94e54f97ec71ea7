"""Hostile-input strategies: random text and bytes salted with the fragments parsers look for."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

#: Bounded examples and sizes keep the whole property suite to a few seconds.
BOUNDED = settings(max_examples=200, deadline=None, derandomize=False)

COMMAND_WORDS = (
    "help", "search", "topics", "topic", "add", "remove", "clear", "digest", "at", "8:30", "7pm", "25:99", "0:00",
    "berlin", "Europe/Berlin", "America/New_York", "Mars/Olympus", "utc+14", "weekdays", "daily", "pause", "resume",
    "thread", "on", "off", "preview", "now", "me", "settings", "restrict", "feeds", "saved", "export", ",", ";",
    "hlep", "serch", "--help", "?", "*", "<!channel>", "<@U123>", "&amp;", "`", "\n", "\t", "\u200b", "\x00",
    "ﬁ", "İ", "🙂", "x" * 300,
)
TRANSCRIPT_FRAGMENTS = (
    "WEBVTT\n", "\ufeff", "00:00:01.000 --> 00:00:04.000\n", "1\n", "00:00:01,000 --> 00:00:02,500\n",
    "99:99:99,999 --> 00:00:00,000\n", "-->", "<v Alice>", "</v>", "NOTE ", "STYLE\n", "\n\n", "<p>", "</p>",
    "<span>", "<script>", "<!--", "<![CDATA[", "&amp;", "&#x0;", "&bogus;", '{"segments": [', '{"startTime": ',
    '"endTime": ', '"body": "', '"speaker": ', "1e999", "-1", "NaN", "null", "]}", "}", "[", '"', "\\u0000",
    "Alice: ", "[00:01:02] ", "(laughs) ", "Speaker 1 ", "00:01 ", "The Fed raised rates by a quarter point. ",
)
ENCODINGS = ("utf-8", "utf-16", "latin-1", "utf-8-sig")


def command_text() -> st.SearchStrategy[str]:
    """What someone might type after `/insights`: keywords, times, zones, markup and noise."""
    token = st.one_of(st.sampled_from(COMMAND_WORDS), st.text(max_size=12))
    return st.lists(token, max_size=12).flatmap(
        lambda parts: st.sampled_from((" ", "  ", ", ")).map(lambda sep: sep.join(parts))
    )


def transcript_bytes() -> st.SearchStrategy[bytes]:
    """Raw bytes, or transcript-looking text in one of several encodings."""
    text = st.lists(st.one_of(st.sampled_from(TRANSCRIPT_FRAGMENTS), st.text(max_size=20)), max_size=40).map("".join)
    encoded = st.tuples(text, st.sampled_from(ENCODINGS)).map(lambda pair: pair[0].encode(pair[1], "replace"))
    return st.one_of(st.binary(max_size=2_000), encoded)


def json_values(max_leaves: int = 12) -> st.SearchStrategy[object]:
    """Arbitrary JSON values, small."""
    scalars = st.one_of(
        st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30)
    )
    return st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                        max_leaves=max_leaves)


RECORD_KEYS = ("text", "Text", " TEXT ", "podcast", "episode", "url", "audio_url", "Audio-URL", "start_seconds",
               "Start Seconds", "published_at", "topics", "extra")
RECORD_VALUES = st.one_of(
    json_values(4),
    st.sampled_from(("", " ", "12:34", "1:02:03", "-5", "1e308", "nan", "inf", "2024-05-01", "2024-13-45T99:00Z",
                     "javascript:alert(1)", "https://example.com/a.mp3", "http://", "ftp://x", "a;b;;c",
                     "\x00", "\ud800", "x" * 3_000)),
)


def import_records() -> st.SearchStrategy[object]:
    """Dicts shaped like import records (often with a text field), or any JSON value."""
    shaped = st.dictionaries(st.one_of(st.sampled_from(RECORD_KEYS), st.text(max_size=10)), RECORD_VALUES, max_size=9)
    return st.one_of(shaped, json_values())
