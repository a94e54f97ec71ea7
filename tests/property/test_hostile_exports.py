"""Whatever an insight says, its exports stay inert: no spreadsheet formula, no Markdown link, image or HTML."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.saving.export import export_csv, export_markdown
from insights.model import Insight
from storage.saved_store import Saved
from tests.property.strategies import BOUNDED

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
FRAGMENTS = ("=", "+", "-", "@", "\t", ";", ",", '"', "'", "＝", " ", "1+1", "cmd|' /C calc'!A0", "HYPERLINK(",
             "[", "]", "(", ")", "!", "<", ">", "img src=x", "a href=", "javascript:", "https://evil.example", "*", "_",
             "`", "\\", "&", "&lt;", "#", "|", "~", "1.", "\n")
TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def hostile_text() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), min_size=1, max_size=20).map("".join)


def _saved(text: str, name: str, topic: str) -> Saved:
    insight = Insight(3, text, podcast=name, episode=name, url="https://example.org/ep/3",
                      audio_url="https://cdn.example.org/3.mp3", start_seconds=5.0, topics=(topic,))
    return Saved(insight, NOW)


@BOUNDED
@given(hostile_text(), hostile_text(), hostile_text())
def test_no_cell_can_start_a_formula_whichever_separator_splits_the_file(text: str, name: str, topic: str) -> None:
    table = export_csv([_saved(text, name, topic)])
    lines = re.split(r"\r\n|\r|\n", table)  # what spreadsheets end a row at (str.splitlines knows more)
    pieces = [piece for delimiter in (",", ";", "\t") for line in lines for piece in line.split(delimiter)]
    assert [p for p in pieces if p.lstrip(' "').startswith(TRIGGERS)] == []


@BOUNDED
@given(hostile_text(), hostile_text(), hostile_text())
def test_markdown_has_exactly_the_one_episode_link_and_no_html(text: str, name: str, topic: str) -> None:
    parser = MarkdownIt("commonmark", {"html": True})
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    html = parser.render(export_markdown([_saved(text, name, topic)], NOW))
    assert re.findall(r"<(?:a|img|script|iframe|style)\b[^>]*>", html) == ['<a href="https://example.org/ep/3">']
