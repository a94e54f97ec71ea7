"""Podcast feeds from bytes to values: episodes, every transcript link, soundbites, show notes.

    feed = parse_feed(body, base_url="https://example.com/feed.xml")   # raises FeedError

The body is cleared first (`ingest.xml_safety`): defusedxml reads everything before the
root element and refuses any DTD or entity declaration; parsers only ever get what it
cleared (the document from its root element on, so nothing hidden in the prolog reaches
feedparser's lenient parser), reduced to a bounded view (`ingest.feed_reduction`: the
channel and the newest items, every part capped, nesting refused beyond a depth). feedparser
then reads that view from bytes (never from a string, which it could take for a path or
URL), and a second, streamed defusedxml pass over the same view collects what feedparser
drops: it keeps only the last `<podcast:transcript>` of an item.
"""

from __future__ import annotations

import hashlib
import io
import math
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import defusedxml.ElementTree as SafeElementTree
import feedparser
from defusedxml import DefusedXmlException

from ingest.feed_reduction import reduce_feed
from ingest.xml_safety import ClearedXml, XmlRefused, clear_for_parsing

#: The podcast namespace, current and legacy (the GitHub document URL older feeds use).
PODCAST_NAMESPACES = (
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
_NAMESPACE_KEYS = frozenset(ns.lower().rstrip("/") for ns in PODCAST_NAMESPACES)
_ITEM_TAGS = frozenset({"item", "entry"})
_WEB_PAGE = "it is a web page (HTML), not a podcast feed; look on that page for its RSS link"


class FeedError(ValueError):
    """A body that cannot be used as a feed; `str(error)` says why in plain words."""


class UnsafeFeed(FeedError):
    """The body declares entities or an external DTD: refused before parsing."""


class NotAFeed(FeedError):
    """The body is a web page, an OPML list or anything else that is not RSS or Atom."""


@dataclass(frozen=True, slots=True)
class TranscriptRef:
    """A `<podcast:transcript>` link as the feed gives it."""

    url: str
    mime_type: str | None = None
    language: str | None = None
    rel: str | None = None


@dataclass(frozen=True, slots=True)
class Soundbite:
    """A `<podcast:soundbite>`: a stretch the publisher points to as worth hearing."""

    start_seconds: float
    duration_seconds: float
    title: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedEpisode:
    """One feed item."""

    guid: str
    title: str
    link: str | None = None
    audio_url: str | None = None
    published_at: datetime | None = None
    transcripts: list[TranscriptRef] = field(default_factory=list)
    soundbites: list[Soundbite] = field(default_factory=list)
    show_notes_html: str = ""
    blocked: bool = False  # <itunes:block>yes: the publisher asks not to be listed (no transcription)


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title, link and items (malformed items are left out)."""

    title: str
    link: str | None
    episodes: list[ParsedEpisode]
    blocked: bool = False  # <podcast:block>yes</podcast:block> or <itunes:block>yes for the whole feed


@dataclass
class _Extras:
    """What the second pass found for one item."""

    transcripts: list[TranscriptRef] = field(default_factory=list)
    soundbites: list[Soundbite] = field(default_factory=list)


def parse_feed(body: bytes, base_url: str | None = None) -> ParsedFeed:
    """Parse a feed body; raise `UnsafeFeed`/`NotAFeed`/`FeedError` with a reason for people."""
    cleared = check_feed_body(body)
    parsed = feedparser.parse(io.BytesIO(cleared.body), sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        raise NotAFeed(f"it is not an RSS or Atom feed{_bozo_words(parsed)}")
    extras = podcast_extras(cleared, base_url)
    episodes = [e for e in (_episode(entry, extras, base_url) for entry in parsed.entries) if e is not None]
    channel = parsed.get("feed", {})
    title = _text(channel.get("title")) or (urlsplit(base_url).hostname or "Untitled podcast" if base_url else "Untitled podcast")
    return ParsedFeed(title=title[:300], link=_http_url(channel.get("link"), base_url), episodes=episodes,
                      blocked=_blocked(channel))


def _blocked(element: Mapping[str, Any]) -> bool:
    """`<itunes:block>Yes` or a `<podcast:block>yes` naming no one platform (an `id` blocks that one only)."""
    itunes, podcast = element.get("itunes_block"), element.get("podcast_block")
    return itunes in (1, True) or (isinstance(podcast, str) and podcast.strip().lower() == "yes")


def check_feed_body(body: bytes) -> ClearedXml:
    """What of `body` may be handed to an XML parser as a feed (its bounded view, `ingest.feed_reduction`).

    Raises `UnsafeFeed`/`NotAFeed` with a reason for people otherwise.
    """
    try:
        cleared = clear_for_parsing(body)
        root = cleared.root.lower()
        if root == "html":
            raise NotAFeed(_WEB_PAGE)
        if root == "opml":
            raise NotAFeed("it is an OPML subscription list, not a feed; import it with `podbrief feeds import`")
        return reduce_feed(cleared).cleared
    except XmlRefused as refused:
        if (refused.doctype or "").lower() == "html":
            raise NotAFeed(_WEB_PAGE) from None
        raise (UnsafeFeed if refused.unsafe else NotAFeed)(str(refused)) from None


def podcast_extras(cleared: ClearedXml, base_url: str | None) -> dict[str, _Extras]:
    """Every transcript and soundbite of every item, by each key the item can be found by.

    Streamed (items are cleared once read); entities, DTDs and external references are
    forbidden. A malformed document keeps what was read before the fault.
    """
    found: dict[str, _Extras] = {}
    try:
        for _, element in _items(cleared.body):
            extras = _Extras(
                transcripts=[t for c in _podcast_children(element, "transcript") if (t := _transcript(c, base_url))],
                soundbites=[s for c in _podcast_children(element, "soundbite") if (s := _soundbite(c))],
            )
            for key in _element_keys(element):
                found.setdefault(key, extras)
            element.clear()
    except (ElementTree.ParseError, DefusedXmlException, ValueError, LookupError):
        pass
    return found


def _items(body: bytes) -> Iterator[tuple[str, ElementTree.Element]]:
    events = SafeElementTree.iterparse(
        io.BytesIO(body), events=("end",), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    return ((event, element) for event, element in events if _local(element.tag) in _ITEM_TAGS)


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _namespace(tag: Any) -> str:
    return tag[1:].split("}", 1)[0].lower().rstrip("/") if isinstance(tag, str) and tag.startswith("{") else ""


def _podcast_children(item: ElementTree.Element, name: str) -> Iterator[ElementTree.Element]:
    return (c for c in item if _local(c.tag) == name and _namespace(c.tag) in _NAMESPACE_KEYS)


def _element_keys(item: ElementTree.Element) -> list[str]:
    """The item's guid, enclosure URL, link and title, as `_entry_keys` finds them in feedparser's entry."""
    keys: list[str] = []
    for child in item:
        name, text = _local(child.tag), (child.text or "").strip()
        if name in ("guid", "id") and text:
            keys.append(f"guid:{text}")
        elif name == "enclosure" and child.get("url"):
            keys.append(f"enclosure:{child.get('url', '').strip()}")
        elif name == "link" and (text or child.get("href")):
            keys.append(f"link:{text or child.get('href', '').strip()}")
        elif name == "title" and text:
            keys.append(f"title:{text}")
    return sorted(keys, key=lambda k: ("guid", "enclosure", "link", "title").index(k.split(":", 1)[0]))


def _entry_keys(entry: Mapping[str, Any]) -> list[str]:
    keys = [f"guid:{entry['id'].strip()}"] if entry.get("id") else []
    keys += [f"enclosure:{e['href'].strip()}" for e in entry.get("enclosures", []) if e.get("href")]
    keys += [f"link:{entry['link'].strip()}"] if entry.get("link") else []
    return keys + ([f"title:{entry['title'].strip()}"] if entry.get("title") else [])


def _transcript(element: ElementTree.Element | Mapping[str, Any], base_url: str | None) -> TranscriptRef | None:
    url = _http_url(element.get("url"), base_url)
    if url is None:
        return None
    return TranscriptRef(
        url=url,
        mime_type=_text(element.get("type")) or None,
        language=_text(element.get("language")) or None,
        rel=_text(element.get("rel")) or None,
    )


def _soundbite(element: ElementTree.Element | Mapping[str, Any]) -> Soundbite | None:
    start = _number(element.get("startTime", element.get("starttime")))
    duration = _number(element.get("duration"))
    if start is None or duration is None or duration <= 0:
        return None
    title = element.text if isinstance(element, ElementTree.Element) else element.get("value")
    return Soundbite(start_seconds=start, duration_seconds=duration, title=_text(title) or None)


def _episode(entry: Mapping[str, Any], extras: Mapping[str, _Extras], base_url: str | None) -> ParsedEpisode | None:
    """One item as a `ParsedEpisode`; None for an item too broken to use."""
    try:
        title = _text(entry.get("title"))
        audio_url = _audio_url(entry, base_url)
        notes = _show_notes(entry)
        if not (title or audio_url or notes):
            return None
        found = next((extras[k] for k in _entry_keys(entry) if k in extras), None) or _fallback_extras(entry, base_url)
        return ParsedEpisode(
            guid=_guid(entry, audio_url, title)[:1000],
            title=(title or "Untitled episode")[:500],
            link=_http_url(entry.get("link"), base_url),
            audio_url=audio_url,
            published_at=_published(entry),
            transcripts=found.transcripts,
            soundbites=found.soundbites,
            show_notes_html=notes,
            blocked=_blocked(entry),
        )
    except (AttributeError, KeyError, TypeError, ValueError):
        return None


def _fallback_extras(entry: Mapping[str, Any], base_url: str | None) -> _Extras:
    """feedparser's own (last) transcript and soundbite, when the second pass could not read the item."""
    transcript = entry.get("podcast_transcript")
    soundbite = entry.get("podcast_soundbite")
    found = _Extras()
    if isinstance(transcript, Mapping) and (ref := _transcript(transcript, base_url)):
        found.transcripts.append(ref)
    if isinstance(soundbite, Mapping) and (bite := _soundbite(soundbite)):
        found.soundbites.append(bite)
    return found


def _guid(entry: Mapping[str, Any], audio_url: str | None, title: str) -> str:
    explicit = _text(entry.get("id"))
    if explicit:
        return explicit
    if audio_url or entry.get("link"):
        return audio_url or _text(entry.get("link"))
    published = _text(entry.get("published") or entry.get("updated"))
    return "sha1:" + hashlib.sha1(f"{title}\n{published}".encode()).hexdigest()


def _audio_url(entry: Mapping[str, Any], base_url: str | None) -> str | None:
    enclosures = [e for e in entry.get("enclosures", []) if isinstance(e, Mapping) and e.get("href")]
    media = [e for e in enclosures if str(e.get("type", "")).startswith(("audio/", "video/"))]
    for enclosure in media or enclosures:
        url = _http_url(enclosure.get("href"), base_url)
        if url:
            return url
    return None


def _show_notes(entry: Mapping[str, Any]) -> str:
    """The longest of `content:encoded`, the description and the subtitle (HTML, sanitised by feedparser)."""
    candidates = [c.get("value", "") for c in entry.get("content", []) if isinstance(c, Mapping)]
    candidates += [entry.get("summary", "") or "", entry.get("subtitle", "") or ""]
    return max((c for c in candidates if isinstance(c, str)), key=len, default="").strip()


def _published(entry: Mapping[str, Any]) -> datetime | None:
    stamp = entry.get("published_parsed") or entry.get("updated_parsed")
    if not isinstance(stamp, time.struct_time):
        return None
    try:
        return datetime(*stamp[:6], tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


def _http_url(value: Any, base_url: str | None) -> str | None:
    """An absolute http(s) URL, or None (javascript:, data:, mailto: … are dropped)."""
    text = _text(value)
    if not text:
        return None
    url = urljoin(base_url, text) if base_url else text
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url[:2000] if parts.scheme in ("http", "https") and parts.netloc else None


def _number(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _bozo_words(parsed: Mapping[str, Any]) -> str:
    error = parsed.get("bozo_exception")
    if not error:
        return ""
    words = str(error).strip().splitlines()
    return f" ({words[0][:200]})" if words else ""
