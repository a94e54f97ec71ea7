"""Finding podcasts by name in a public directory: the iTunes Search API, or the Podcast Index.

    with open_directory(DirectorySettings()) as directory:
        podcasts = directory.search("hard fork")          # raises DirectoryError in plain words
        feed = directory.feed_of_page("https://podcasts.apple.com/us/podcast/x/id1528594034")

The iTunes Search API needs no key (`/search?media=podcast&entity=podcast&term=…`, and
`/lookup?id=…&entity=podcast` for one podcast); its podcasts carry `feedUrl`, `collectionName`,
`artistName`, `artworkUrl600` and `trackCount`. With a Podcast Index key and secret, searches go
to `/api/1.0/search/byterm` and Apple ids to `/api/1.0/podcasts/byitunesid` instead, signed as its
documentation says (X-Auth-Key, X-Auth-Date, Authorization = sha1(key + secret + date)).

Everything the directory answers is third-party text: names are kept as text (the renderers
escape them), feed URLs are checked like a typed one and added through the same safe path,
and artwork is kept only when it is a short https URL. Requests go through the safe `Fetcher`
(one total deadline, a size cap); the directory's own address is the operator's setting, so only
a configured one (a loopback stand-in in tests) may be a private address.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

if TYPE_CHECKING:  # imported where a search runs: reading the settings should not load the HTTP stack
    from ingest.fetch import Fetcher, FetchResult

ITUNES_URL = "https://itunes.apple.com/"
PODCASTINDEX_URL = "https://api.podcastindex.org/api/1.0/"
#: How many podcasts a search shows (the iTunes API's `limit`; the Podcast Index's `max`).
SEARCH_LIMIT = 5
MAX_TERMS_LENGTH = 200
#: Directory answers are small: a search of a few podcasts is a few kilobytes.
MAX_ANSWER_BYTES = 2_000_000
DEADLINE_SECONDS = 8.0
MAX_ARTWORK_URL = 3000  # Slack's image_url limit
MAX_FEED_URL = 2000  # what the feeds table stores, and a button value holds
APPLE_PAGE_HOSTS = frozenset({"podcasts.apple.com", "itunes.apple.com"})
_APPLE_ID = re.compile(r"/id(\d{1,20})(?:$|[/?#])")
SLOW = "the podcast directory didn't answer in time"
#: How `ingest.fetch` words a deadline or timeout that passed.
_TIMED_OUT = ("took longer than", "took too long", "stopped answering", "did not accept a connection in time")


class DirectoryError(Exception):
    """The directory could not be asked or answered something unusable; `str()` says so for people."""


@dataclass(frozen=True, slots=True)
class Podcast:
    """One podcast the directory knows. Text fields are the directory's, unescaped."""

    name: str
    feed_url: str | None
    author: str = ""
    artwork_url: str | None = None
    episode_count: int | None = None
    directory_id: str = ""


@dataclass(frozen=True, slots=True)
class DirectorySettings:
    """Where the directory is (bot.config reads PODCAST_DIRECTORY_URL and the PODCASTINDEX_* settings)."""

    itunes_url: str = ITUNES_URL
    podcastindex_url: str = PODCASTINDEX_URL
    podcastindex_key: str | None = None
    podcastindex_secret: str | None = None
    deadline_seconds: float = DEADLINE_SECONDS

    @property
    def uses_podcastindex(self) -> bool:
        return bool(self.podcastindex_key and self.podcastindex_secret)

    @property
    def operator_configured(self) -> bool:
        """A directory address the operator set (a private or loopback one is theirs to choose)."""
        return self.itunes_url != ITUNES_URL or self.podcastindex_url != PODCASTINDEX_URL


class Directory:
    """Searches and lookups against the configured directory, over one safe fetcher."""

    def __init__(self, settings: DirectorySettings, fetcher: Fetcher,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self._fetcher = fetcher
        self._clock = clock

    def search(self, terms: str, limit: int = SEARCH_LIMIT) -> list[Podcast]:
        """The directory's best matches for `terms` (at most `limit`), those with a usable feed first."""
        terms = " ".join(terms.split())[:MAX_TERMS_LENGTH]
        if self.settings.uses_podcastindex:
            answer = self._ask_index("search/byterm", {"q": terms, "max": str(limit)})
            found = [_index_podcast(item) for item in _list(answer.get("feeds"))]
        else:
            answer = self._ask(_join(self.settings.itunes_url, "search"),
                               {"media": "podcast", "entity": "podcast", "term": terms, "limit": str(limit)})
            found = [_itunes_podcast(item) for item in _list(answer.get("results"))]
        podcasts = [p for p in found if p is not None]
        return sorted(podcasts, key=lambda p: p.feed_url is None)[:limit]

    def lookup(self, apple_id: str) -> Podcast | None:
        """The podcast with this Apple (iTunes) id, or None when the directory has none."""
        if self.settings.uses_podcastindex:
            answer = self._ask_index("podcasts/byitunesid", {"id": apple_id})
            feed = answer.get("feed")
            return _index_podcast(feed) if isinstance(feed, dict) and feed else None
        answer = self._ask(_join(self.settings.itunes_url, "lookup"), {"id": apple_id, "entity": "podcast"})
        for item in _list(answer.get("results")):
            if str(item.get("collectionId", item.get("trackId", ""))) == apple_id:
                return _itunes_podcast(item)
        return None

    def feed_of_page(self, url: str) -> str:
        """The feed URL of an Apple Podcasts page (`podcasts.apple.com/…/id123`); DirectoryError otherwise."""
        apple_id = apple_podcast_id(url)
        if apple_id is None:
            raise DirectoryError("it is not an Apple Podcasts page")
        podcast = self.lookup(apple_id)
        if podcast is None:
            raise DirectoryError(f"the podcast directory knows no podcast with id {apple_id}")
        if podcast.feed_url is None:
            raise DirectoryError(f"the podcast directory lists no public feed for {podcast.name or apple_id}")
        return podcast.feed_url

    def _ask_index(self, path: str, query: Mapping[str, str]) -> dict[str, Any]:
        key, secret = self.settings.podcastindex_key or "", self.settings.podcastindex_secret or ""
        date = str(int(self._clock()))
        headers = {
            "X-Auth-Key": key,
            "X-Auth-Date": date,
            "Authorization": hashlib.sha1((key + secret + date).encode()).hexdigest(),
        }
        answer = self._ask(_join(self.settings.podcastindex_url, path), query, headers)
        if str(answer.get("status", "true")).lower() == "false":
            raise DirectoryError("the podcast directory refused the request"
                                 f"{': ' + str(answer['description'])[:200] if answer.get('description') else ''}")
        return answer

    def _ask(self, url: str, query: Mapping[str, str], headers: Mapping[str, str] | None = None) -> dict[str, Any]:
        result = self._fetcher(f"{url}?{urlencode(query)}", max_bytes=MAX_ANSWER_BYTES, headers=headers)
        return parse_answer(result, self.settings.deadline_seconds)


def parse_answer(result: FetchResult, deadline_seconds: float) -> dict[str, Any]:
    """The directory's JSON object, or DirectoryError saying plainly what went wrong."""
    if result.error is not None:
        if any(words in result.error for words in _TIMED_OUT):
            raise DirectoryError(f"{SLOW} (more than {deadline_seconds:g} seconds); try again in a moment")
        if result.status is not None and result.status >= 500:
            raise DirectoryError(f"the podcast directory is having trouble ({result.error}); try again later")
        raise DirectoryError(f"the podcast directory could not be reached: {result.error}")
    try:
        answer = json.loads(result.body)
    except (ValueError, UnicodeDecodeError) as error:
        raise DirectoryError("the podcast directory answered something that is not JSON") from error
    if not isinstance(answer, dict):
        raise DirectoryError("the podcast directory answered in an unexpected shape")
    return answer


def apple_podcast_id(url: str) -> str | None:
    """The podcast id in an Apple Podcasts page URL (`…/podcast/name/id123`), or None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in APPLE_PAGE_HOSTS:
        return None
    found = _APPLE_ID.search(parts.path)
    return found.group(1) if found else None


@contextmanager
def open_directory(settings: DirectorySettings) -> Iterator[Directory]:
    """A `Directory` over a fetcher of its own (closed afterwards)."""
    from ingest.fetch import Fetcher

    with Fetcher(deadline_seconds=settings.deadline_seconds, read_timeout=settings.deadline_seconds,
                 max_bytes=MAX_ANSWER_BYTES, allow_private_addresses=settings.operator_configured) as fetcher:
        yield Directory(settings, fetcher)


def _itunes_podcast(item: Any) -> Podcast | None:
    if not isinstance(item, dict):
        return None
    name = _text(item.get("collectionName")) or _text(item.get("trackName"))
    if not name:
        return None
    return Podcast(
        name=name,
        feed_url=_feed_url(item.get("feedUrl")),
        author=_text(item.get("artistName")),
        artwork_url=_artwork(item.get("artworkUrl600")) or _artwork(item.get("artworkUrl100")),
        episode_count=_count(item.get("trackCount")),
        directory_id=_text(item.get("collectionId"))[:20],
    )


def _index_podcast(item: Any) -> Podcast | None:
    if not isinstance(item, dict):
        return None
    name = _text(item.get("title"))
    if not name:
        return None
    return Podcast(
        name=name,
        feed_url=_feed_url(item.get("url")),
        author=_text(item.get("author")) or _text(item.get("ownerName")),
        artwork_url=_artwork(item.get("artwork")) or _artwork(item.get("image")),
        episode_count=_count(item.get("episodeCount")),
        directory_id=_text(item.get("itunesId") or item.get("id"))[:20],
    )


def _list(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text(value: Any, limit: int = 300) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return ""
    return " ".join(str(value).split())[:limit]


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 10_000_000 else None


def _feed_url(value: Any) -> str | None:
    """A feed address worth offering: http(s), a host, within the feeds table's length, one clean line.
    (Adding it checks it again, like a typed one: addresses, redirects, size, what it holds.)"""
    if not isinstance(value, str) or len(value) > MAX_FEED_URL or not value.startswith(("http://", "https://")):
        return None
    if not value.isprintable() or any(c.isspace() or c in "<>|\"" for c in value):
        return None
    try:
        return value if urlsplit(value).hostname else None
    except ValueError:
        return None


def _artwork(value: Any) -> str | None:
    """Artwork Slack may show: an https URL within its length limit, with nothing that could break a block."""
    if not isinstance(value, str) or not value.startswith("https://") or len(value) > MAX_ARTWORK_URL:
        return None
    if not value.isprintable() or any(c.isspace() or c in "<>|\"" for c in value):
        return None
    return value if urlsplit(value).hostname else None


def _join(base: str, path: str) -> str:
    return base.rstrip("/") + "/" + path
