"""A bounded view of a cleared feed: its channel and its newest items, every part capped.

    view = reduce_feed(cleared)          # raises XmlRefused with a reason for people
    feedparser.parse(io.BytesIO(view.cleared.body))

feedparser's cost grows with everything a document holds (hostile shapes cost it tens of
seconds per megabyte, its HTML sanitizer most per tag), so it never reads a body as fetched.
expat, a C tokenizer, walks the cleared document once (up to `SURVEY_ELEMENTS` elements and
`SURVEY_ITEMS` items): it refuses nesting deeper than `MAX_DEPTH`, writes the channel's own
elements (capped at `CHANNEL_LIMIT`) and only notes where each item starts and ends and
when it was published. The newest `MAX_ITEMS` items (by their date, by their place in the
feed when undated) within `ITEMS_BUDGET` bytes are then read again (`ITEM_READ_LIMIT` bytes
each at most) and written out in the order the feed lists them, each text capped at
`TEXT_LIMIT` characters, each item at `ITEM_LIMIT` bytes, and the HTML in all their notes at
`MARKUP_BUDGET` tags and references, newest first. What parsers get is well-formed XML
without comments, PIs, CDATA or references other than XML's own five and numeric ones, so
its cost is bounded whatever the body held.

References to entities nobody declared (`&nbsp;`, common in real feeds, or millions of
`&a;`) do not stop expat: an HTML entity becomes its character, any other literal text
(`&a;`), and past `SKIPPED_LIMIT` of them they are dropped without a call back into Python.
A body that breaks anyway (a stray `&`, a control character) is mended once and read again;
one still broken keeps what came before the fault (`ReducedFeed.broken_at`).
"""

from __future__ import annotations

import heapq
import html.entities
import itertools
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from xml.parsers import expat

from ingest.xml_safety import ClearedXml, XmlRefused

#: Items kept, newest first; well above what a scan reads (`max_episodes_per_feed`, 20 by default).
MAX_ITEMS = 200
#: Bytes of items kept in all (an item as written out, up to `ITEM_LIMIT` each).
ITEMS_BUDGET = 600_000
ITEM_LIMIT = 256 * 1024
#: Bytes of one item read to write it (what follows is left out): a huge item costs no more than this.
ITEM_READ_LIMIT = 2_000_000
#: Bytes of the channel's own elements (title, links, images, categories …).
CHANNEL_LIMIT = 256 * 1024
#: Characters of text per element (show notes, a description); the rest is cut.
TEXT_LIMIT = 100_000
#: HTML tags and references (`<` and `&` in text) in all the kept items: feedparser's sanitizer costs per
#: each. Items are written newest first; text past the budget is cut before its next one (titles stay).
MARKUP_BUDGET = 10_000
#: Elements written in all the kept items, and in the channel: feedparser costs per element too (a real
#: item has 15 to 40). An item past the budget keeps the elements it came to first; later ones are left out.
ITEM_ELEMENTS_BUDGET = 8_000
CHANNEL_ELEMENTS = 1_000
ATTRIBUTE_LIMIT = 8 * 1024
ATTRIBUTES_PER_ELEMENT = 64
#: The walk stops after this many elements or items (a 10 MB real feed has some 40,000 elements and
#: 2,000 items); what came before is used, as if the feed ended there.
SURVEY_ELEMENTS = 150_000
SURVEY_ITEMS = 10_000
#: Element nesting refused beyond this: feeds nest a handful deep (HTML in notes is text).
MAX_DEPTH = 64
#: A start tag longer than this is refused before expat builds its attributes.
TAG_LIMIT = 64 * 1024

_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>\n'
_CHUNK = 1024 * 1024
_ITEM_CHUNK = 64 * 1024
_ITEM_TAGS = frozenset({"item", "entry"})
_DATE_TAGS = frozenset({"pubDate", "pubdate", "published", "updated", "dc:date", "date", "issued", "modified"})
_MARKUP = re.compile(r"[<&]")
_LONG_TAG = re.compile(rb"<[A-Za-z_:][^<>]{%d}" % TAG_LIMIT)
_STRAY_AMPERSAND = re.compile(rb"&(?![A-Za-z_:][A-Za-z0-9_:.-]{0,40};|#[0-9]{1,7};|#x[0-9a-fA-F]{1,6};)")
_ROOT_TAG = re.compile(rb"\A(<\?xml[^>]{0,200}\?>\s*<[A-Za-z_:][^\s/>]{0,200})((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)(\s*/?>)")
_ATTRIBUTE = re.compile(rb"([^\s=/>]+)\s*=\s*(\"[^\"<]*\"|'[^'<]*')")
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 13))
#: A numeric character reference (`&#27;`, `&#x1B;`): expat stops at one naming a character XML forbids.
_CHARACTER_REFERENCE = re.compile(rb"&#(?:([0-9]{1,8})|[xX]([0-9a-fA-F]{1,7}));")
_REPAIR_LIMIT = 200_000
#: References to entities nobody declared that are written out (as their character or as text); the rest are dropped.
SKIPPED_LIMIT = 20_000
_RFC822 = re.compile(
    r"(\d{1,2})\s+([A-Za-z]{3})[A-Za-z]*\.?\s+(\d{2,4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{4})?)?"
)
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*(Z|[+-]\d{2}:?\d{2})?)?")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_UNDATED = float("-inf")


@dataclass(frozen=True, slots=True)
class ReducedFeed:
    """What parsers read of a feed, and what was left out of it."""

    cleared: ClearedXml  # a UTF-8 declaration, the channel, the kept items
    items_seen: int
    items_kept: int
    broken_at: int | None = None  # line where the XML broke beyond repair (what came before is kept)
    stopped_at: int | None = None  # line where the walk stopped, having read `SURVEY_ELEMENTS` or `SURVEY_ITEMS`


def reduce_feed(cleared: ClearedXml) -> ReducedFeed:
    """The bounded view of `cleared`; `XmlRefused` when it nests too deep or has a monstrous start tag."""
    body = cleared.body
    if _LONG_TAG.search(body):
        raise XmlRefused(f"it has an XML start tag longer than {TAG_LIMIT // 1024} KB, which no feed needs", unsafe=False)
    survey = _Survey(body)
    survey.run()
    if survey.broken_at is not None and (repaired := _repaired(body)) is not None:
        retry = _Survey(repaired)
        retry.run()
        if retry.broken_at is None or retry.count >= survey.count:
            body, survey = repaired, retry
    if survey.broken_at is not None and not survey.items:
        raise XmlRefused(f"its XML is broken at line {survey.broken_at}, before any episode", unsafe=False)
    budget = _Budget()
    written = sorted((place, _write_item(body[start:end], budget)) for _, place, start, end in _choose(survey.items))
    items = "".join(w for _, w in written if w)
    head, tail = survey.skeleton()
    document = _DECLARATION + (head + items + tail).encode("utf-8", errors="replace")
    kept = sum(bool(w) for _, w in written)
    return ReducedFeed(ClearedXml(document, cleared.root), survey.count, kept, survey.broken_at, survey.stopped_at)


def _repaired(body: bytes) -> bytes | None:
    """A broken body with the usual faults mended (a stray `&`, control characters), or None if not worth it.

    A regular expression costs per match, so stray `&` are not mended in a body with very
    many of them: what came before the fault is kept instead.
    """
    mended = body.translate(None, _CONTROL).replace(b"\xef\xbf\xbe", b"").replace(b"\xef\xbf\xbf", b"")
    if 0 < mended.count(b"&") <= _REPAIR_LIMIT:
        mended = _CHARACTER_REFERENCE.sub(_allowed_reference, mended)
        mended = _STRAY_AMPERSAND.sub(b"&amp;", mended)
    mended = _ROOT_TAG.sub(_first_of_each_attribute, mended, count=1)
    return None if mended == body else mended


def _allowed_reference(reference: re.Match[bytes]) -> bytes:
    """A character reference kept when XML 1.0 allows its character, else a space (`&#27;` is an ESC)."""
    decimal, hexadecimal = reference.group(1), reference.group(2)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    allowed = code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF
    return reference.group(0) if allowed else b" "


def _first_of_each_attribute(tag: re.Match[bytes]) -> bytes:
    """The root start tag with each attribute once (feeds that declare a namespace twice are common)."""
    seen: dict[bytes, bytes] = {}
    for name, value in _ATTRIBUTE.findall(tag.group(2)):
        seen.setdefault(name, value)
    return tag.group(1) + b"".join(b" " + n + b"=" + v for n, v in seen.items()) + tag.group(3)


_Item = tuple[float, int, int, int]  # (date key, place in the feed, start byte, end byte)


def _choose(items: list[_Item]) -> list[_Item]:
    """The newest items (undated ones rank by place: earlier is newer), as many as fit the budget."""
    newest = heapq.nlargest(MAX_ITEMS, items, key=lambda item: (item[0], -item[1]))
    chosen: list[_Item] = []
    spent = 0
    for item in newest:
        cost = min(item[3] - item[2], ITEM_LIMIT)
        if chosen and spent + cost > ITEMS_BUDGET:
            break
        chosen.append(item)
        spent += cost
    return chosen


class _TooDeep(Exception):
    pass


class _Enough(Exception):
    """The walk has read as many elements or items as it reads."""


class _Full(Exception):
    """A writer reached its byte limit: the rest of what it writes is left out."""


class _Writer:
    """Serialises expat events as plain XML, within a byte limit and per-element text caps."""

    def __init__(self, limit: int, *, elements: int, stop_when_full: bool) -> None:
        self.stop_when_full = stop_when_full  # else elements past the limit are left out, with their content
        self.elements_left = elements
        self.skipping = 0  # depth of the element being left out, 0 when writing
        self.out: list[str] = []
        self.size = 0
        self.limit = limit
        self.open: list[str] = []  # tags written and not yet closed
        self.texts: list[int] = []  # characters of text written into each open element
        self.skipped_count = 0
        self.markup_left = MARKUP_BUDGET  # `<` and `&` in text (HTML in notes) still to write
        self.parser: expat.XMLParserType | None = None

    def start(self, name: str, attributes: list[str]) -> None:
        if self.skipping or self.size >= self.limit or self.elements_left <= 0:
            if self.stop_when_full:
                raise _Full
            self.skipping += 1
            return
        self.elements_left -= 1
        pairs = (
            f' {attributes[i]}="{_escape_attribute(attributes[i + 1][:ATTRIBUTE_LIMIT])}"'
            for i in range(0, min(len(attributes), 2 * ATTRIBUTES_PER_ELEMENT), 2)
        )
        tag = f"<{name}{''.join(pairs)}>"
        self.out.append(tag)
        self.size += len(tag)
        self.open.append(name)
        self.texts.append(0)

    def end(self, _name: str) -> None:
        if self.skipping:
            self.skipping -= 1
            return
        name = self.open.pop()
        self.texts.pop()
        self.out.append(f"</{name}>")
        self.size += len(name) + 3

    def characters(self, data: str) -> None:
        if self.skipping or not self.open or self.texts[-1] >= TEXT_LIMIT:
            return
        part = data[: TEXT_LIMIT - self.texts[-1]]
        if (tags := part.count("<") + part.count("&")) > self.markup_left:
            part = part[: _nth_markup(part, self.markup_left + 1)]  # cut before the first one past the budget
            tags = self.markup_left
        self.markup_left -= tags
        self.texts[-1] += len(part)
        escaped = _escape_text(part)
        self.out.append(escaped)
        self.size += len(escaped)

    def skipped(self, name: str, _is_parameter: bool) -> None:
        """An undeclared entity: an HTML one as its character, any other as text (`&a;`), the first few only."""
        self.skipped_count += 1
        if self.skipped_count > SKIPPED_LIMIT and self.parser is not None:
            self.parser.SkippedEntityHandler = None  # expat drops the rest without calling back
            return
        code = html.entities.name2codepoint.get(name)
        self.characters(chr(code) if code else f"&{name};")

    def close_all(self) -> None:
        while self.open:
            self.out.append(f"</{self.open.pop()}>")


class _Survey:
    """One expat pass: depth checked, channel written, items noted (place, bytes, date)."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.channel = _Writer(CHANNEL_LIMIT, elements=CHANNEL_ELEMENTS, stop_when_full=False)
        self.parser = _parser()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._characters
        self.parser.SkippedEntityHandler = self._skipped
        self.depth = 0
        self.item_depth = 0  # depth of the item being read, 0 outside items
        self.item_start = 0
        self.date: list[str] | None = None
        self.date_key = _UNDATED
        self.slot: int | None = None  # where, among the channel's pieces, the items go
        self.items: list[_Item] = []
        self.count = 0
        self.skipped_count = 0
        self.elements = 0
        self.broken_at: int | None = None
        self.stopped_at: int | None = None  # line where the walk stopped, having read enough

    def run(self) -> None:
        try:
            for start in range(0, len(self.body), _CHUNK):
                self.parser.Parse(self.body[start : start + _CHUNK], False)
            self.parser.Parse(b"", True)
        except _TooDeep:
            raise XmlRefused(
                f"it nests XML elements more than {MAX_DEPTH} deep, which no feed needs, so Podbrief does not read it",
                unsafe=True,
            ) from None
        except expat.ExpatError as error:
            self.broken_at = error.lineno
        except _Enough:
            self.stopped_at = self.parser.CurrentLineNumber
        self.channel.close_all()

    def skeleton(self) -> tuple[str, str]:
        pieces = self.channel.out
        at = len(pieces) if self.slot is None else self.slot
        return "".join(pieces[:at]), "".join(pieces[at:])

    def _start(self, name: str, attributes: list[str]) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_DEPTH:
            raise _TooDeep
        if self.elements > SURVEY_ELEMENTS:
            raise _Enough
        if self.item_depth:
            if self.depth == self.item_depth + 1 and name in _DATE_TAGS and self.date_key == _UNDATED:
                self.date = []
            return
        if name.rpartition(":")[2] in _ITEM_TAGS:
            self.item_depth = self.depth
            self.item_start = self.parser.CurrentByteIndex
            self.date_key = _UNDATED
            if self.slot is None:
                self.slot = len(self.channel.out)
            return
        self.channel.start(name, attributes)

    def _end(self, name: str) -> None:
        depth = self.depth
        self.depth -= 1
        if not self.item_depth:
            self.channel.end(name)
        elif depth == self.item_depth:
            self.item_depth = 0
            self._note_item()
        elif self.date is not None and depth == self.item_depth + 1:
            self.date_key = _date_key("".join(self.date)[:200])
            self.date = None

    def _characters(self, data: str) -> None:
        if not self.item_depth:
            self.channel.characters(data)
        elif self.date is not None and len(self.date) < 8:
            self.date.append(data)

    def _skipped(self, name: str, is_parameter: bool) -> None:
        self.skipped_count += 1
        if self.skipped_count > SKIPPED_LIMIT:
            self.parser.SkippedEntityHandler = None  # expat drops the rest without calling back
        elif not self.item_depth:
            self.channel.skipped(name, is_parameter)

    def _note_item(self) -> None:
        at = self.parser.CurrentByteIndex
        if not self.body.startswith(b"</", at):  # <item/> (expat is already past it): nothing a feed could use
            return
        end = self.body.find(b">", at) + 1
        item = (self.date_key, self.count, self.item_start, end)
        self.count += 1
        if len(self.items) >= 4 * MAX_ITEMS:  # keep memory bounded: the newest candidates only
            self.items = heapq.nlargest(MAX_ITEMS, self.items, key=lambda i: (i[0], -i[1]))
        self.items.append(item)
        if self.count >= SURVEY_ITEMS:
            raise _Enough


@dataclass
class _Budget:
    """What is left for the items still to write: they are written newest first, so older ones are cut first."""

    markup: int = MARKUP_BUDGET
    elements: int = ITEM_ELEMENTS_BUDGET


def _write_item(data: bytes, budget: _Budget) -> str:
    """One item (well-formed: the survey read it) written out within its caps; "" if it cannot be."""
    if budget.elements <= 0:
        return ""
    writer = _Writer(ITEM_LIMIT, elements=budget.elements, stop_when_full=True)
    writer.markup_left = budget.markup
    parser = _parser(writer)
    try:
        for start in range(0, min(len(data), ITEM_READ_LIMIT), _ITEM_CHUNK):
            parser.Parse(data[start : start + _ITEM_CHUNK], False)
        if len(data) > ITEM_READ_LIMIT:
            raise _Full
        parser.Parse(b"", True)
    except _Full:
        writer.close_all()
    except expat.ExpatError:
        return ""
    budget.markup, budget.elements = writer.markup_left, writer.elements_left
    return "".join(writer.out)


def _nth_markup(text: str, n: int) -> int:
    """Where the `n`th `<` or `&` of `text` is (its length if there are fewer)."""
    found = next(itertools.islice(_MARKUP.finditer(text), n - 1, None), None)
    return found.start() if found else len(text)


def _parser(writer: _Writer | None = None) -> expat.XMLParserType:
    """expat without namespace processing (prefixes are written back as they came).

    The document is told it has an external DTD, which is an empty string read from nowhere:
    expat then reports a reference to an undeclared entity (`&nbsp;`) to `writer` as skipped
    instead of stopping there. No declaration can exist: the cleared body has no prolog.
    """
    parser = expat.ParserCreate("utf-8")
    parser.ordered_attributes = True
    parser.buffer_text = True
    parser.buffer_size = 64 * 1024
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_UNLESS_STANDALONE)
    parser.UseForeignDTD(True)

    def empty_dtd(context: str | None, _base: str | None, _system: str | None, _public: str | None) -> int:
        parser.ExternalEntityParserCreate(context).Parse(b"", True)
        return 1

    parser.ExternalEntityRefHandler = empty_dtd
    if writer is not None:
        writer.parser = parser
        parser.StartElementHandler = writer.start
        parser.EndElementHandler = writer.end
        parser.CharacterDataHandler = writer.characters
        parser.SkippedEntityHandler = writer.skipped
    return parser


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_attribute(text: str) -> str:
    return _escape_text(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;").replace("\r", "&#13;")


def _date_key(text: str) -> float:
    """Seconds since the epoch for an RFC 822 or ISO 8601 date, roughly (to rank items); -inf when unreadable."""
    try:
        if found := _ISO.search(text):
            year, month, day, hour, minute, second, zone = found.groups()
            offset = _iso_offset(zone)
        elif (found := _RFC822.search(text)) and found.group(2).lower() in _MONTHS:
            day, name, year, hour, minute, second, zone = found.groups()
            month = str(_MONTHS[name.lower()])
            year = str(int(year) + (2000 if len(year) == 2 else 0))
            offset = (1 if zone[0] == "+" else -1) * (int(zone[1:3]) * 3600 + int(zone[3:5]) * 60) if zone else 0
        else:
            return _UNDATED
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          tzinfo=UTC)
        return moment.timestamp() - offset
    except (ValueError, OverflowError):
        return _UNDATED


def _iso_offset(zone: str | None) -> int:
    if not zone or zone == "Z":
        return 0
    digits = zone[1:].replace(":", "")
    return (1 if zone[0] == "+" else -1) * (int(digits[:2]) * 3600 + int(digits[2:4]) * 60)
