"""Show notes (an item's `content:encoded` or description, HTML or plain) as paragraphs without times."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from ingest.transcripts.common import clean_text, decode
from insights.transcript import Segment

#: Elements whose start or end ends a paragraph.
BLOCK_TAGS = frozenset(
    ["address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"]
)
#: Elements whose content is never text for people.
SKIPPED_TAGS = frozenset(["head", "script", "style", "template", "title", "noscript", "svg"])
_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_BULLET = re.compile(r"^\s*(?:[-*•·▪–]|\d{1,3}[.)])\s+")
_URL_ONLY = re.compile(r"^(?:https?://|www\.)\S+$")
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
#: A paragraph whose letters are mostly link text is a link list entry, not prose.
MAX_LINK_SHARE = 0.5


class BlockText(HTMLParser):
    """The text of an HTML fragment as paragraphs, broken at block elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        #: Share of each paragraph's letters inside links.
        self.link_shares: list[float] = []
        self._current: list[str] = []
        self._skipping = 0
        self._in_link = 0
        self._link_letters = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        elif tag in BLOCK_TAGS:
            self.end_paragraph()
        elif tag == "a":
            self._in_link += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in BLOCK_TAGS:
            self.end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in BLOCK_TAGS:
            self.end_paragraph()
        elif tag == "a":
            self._in_link = max(0, self._in_link - 1)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self._current.append(data)
            if self._in_link:
                self._link_letters += sum(c.isalpha() for c in data)

    def end_paragraph(self) -> None:
        text = clean_text("".join(self._current), unescape=False)
        linked, self._link_letters = self._link_letters, 0
        self._current = []
        if text:
            self.paragraphs.append(text)
            self.link_shares.append(linked / max(1, sum(c.isalpha() for c in text)))

    def close(self) -> None:
        super().close()
        self.end_paragraph()


def html_paragraphs(markup: str, *, max_link_share: float = 1.0) -> list[str]:
    """The paragraphs of an HTML fragment (scripts, styles and tags dropped, entities decoded).

    Paragraphs more than `max_link_share` of whose letters are link text are left out.
    """
    parser = BlockText()
    parser.feed(markup)
    parser.close()
    return [p for p, share in zip(parser.paragraphs, parser.link_shares, strict=True) if share <= max_link_share]


def text_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text: blank-line separated, with list items on lines of their own."""
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        current: list[str] = []
        for line in block.split("\n"):
            if _BULLET.match(line) and current:
                paragraphs.append(" ".join(current))
                current = []
            current.append(_BULLET.sub("", line))
        paragraphs.append(" ".join(current))
    return [clean_text(p) for p in paragraphs if p.strip()]


def looks_like_html(text: str) -> bool:
    """True when `text` carries HTML tags."""
    return _HTML_TAG.search(text) is not None


def parse_show_notes(notes: str | bytes) -> list[Segment]:
    """Show notes as segments (one per paragraph, no times); link lists, bare URLs and empty paragraphs dropped."""
    text = decode(notes) if isinstance(notes, bytes) else notes.replace("\r\n", "\n").replace("\r", "\n")
    paragraphs = html_paragraphs(text, max_link_share=MAX_LINK_SHARE) if looks_like_html(text) else text_paragraphs(text)
    return [Segment(p) for p in paragraphs if not _URL_ONLY.match(p) and any(c.isalpha() for c in p)]
