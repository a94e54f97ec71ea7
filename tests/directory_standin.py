"""A loopback podcast directory answering as the iTunes Search API and the Podcast Index do.

    with DirectoryStandIn() as directory:
        directory.add(Listing(123, "Hard Fork", "The New York Times", feed_url=feed_server.url("/hf.xml")))
        settings = directory.settings()          # point `ingest.directory` at it
        directory.mode = "slow"                  # or "error", "malformed": every answer until reset

iTunes shapes: `/search?media=podcast&entity=podcast&term=…&limit=…` and `/lookup?id=…&entity=podcast`
answer `{"resultCount": n, "results": [{collectionId, collectionName, artistName, feedUrl,
artworkUrl600, trackCount, …}]}`. Podcast Index shapes: `/api/1.0/search/byterm?q=…` answers
`{"status": "true", "feeds": [{id, title, url, author, artwork, image, itunesId, episodeCount}], "count": n}`
and `/api/1.0/podcasts/byitunesid?id=…` answers `{"status": "true", "feed": {…}}` (`[]` when unknown);
both check the documented signature headers and answer 401 when they are wrong.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ingest.directory import DirectorySettings
from tests.integration.feed_server import FeedServer, send

INDEX_KEY = "STANDINKEY"
INDEX_SECRET = "standin-secret"


@dataclass(frozen=True)
class Listing:
    """One podcast in the stand-in's catalogue (any field may be hostile)."""

    apple_id: int
    name: str
    author: str = ""
    feed_url: str | None = None
    artwork_url: str | None = "https://is1-ssl.mzstatic.com/image/thumb/podcast/600x600bb.jpg"
    episodes: int = 0

    def itunes(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "wrapperType": "track", "kind": "podcast", "collectionId": self.apple_id, "trackId": self.apple_id,
            "artistName": self.author, "collectionName": self.name, "trackName": self.name,
            "collectionViewUrl": f"https://podcasts.apple.com/us/podcast/x/id{self.apple_id}?uo=4",
            "trackCount": self.episodes, "primaryGenreName": "Technology",
        }
        if self.feed_url is not None:
            found["feedUrl"] = self.feed_url
        if self.artwork_url is not None:
            found["artworkUrl600"] = self.artwork_url
        return found

    def index(self) -> dict[str, Any]:
        return {"id": self.apple_id + 7, "title": self.name, "url": self.feed_url, "author": self.author,
                "ownerName": "", "image": self.artwork_url, "artwork": self.artwork_url, "itunesId": self.apple_id,
                "episodeCount": self.episodes, "language": "en", "dead": 0}


class DirectoryStandIn:
    """A threaded loopback HTTP server with a catalogue; `mode` makes every answer fail one way."""

    def __init__(self, slow_seconds: float = 3.0) -> None:
        self.listings: list[Listing] = []
        self.mode = "ok"  # "ok" | "error" (HTTP 503) | "malformed" (not JSON) | "slow" (headers after slow_seconds)
        self.slow_seconds = slow_seconds
        self.asked: list[str] = []  # every path and query asked, in order
        self._server = FeedServer()
        self._server.fallback = self._answer

    def __enter__(self) -> DirectoryStandIn:
        self._server.__enter__()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.__exit__()

    @property
    def url(self) -> str:
        return self._server.base + "/"

    def add(self, *listings: Listing) -> None:
        self.listings.extend(listings)

    def settings(self, *, podcastindex: bool = False, deadline_seconds: float = 1.0) -> DirectorySettings:
        """Directory settings pointing at this stand-in (as the iTunes API, or as the Podcast Index)."""
        return DirectorySettings(itunes_url=self.url, podcastindex_url=self.url + "api/1.0/",
                                 podcastindex_key=INDEX_KEY if podcastindex else None,
                                 podcastindex_secret=INDEX_SECRET if podcastindex else None,
                                 deadline_seconds=deadline_seconds)

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        self.asked.append(handler.path)
        if self.mode == "slow":
            time.sleep(self.slow_seconds)
        if self.mode == "error":
            send(handler, 503, b"<html>Service Unavailable</html>", {"Content-Type": "text/html"})
            return
        if self.mode == "malformed":
            send(handler, 200, b'{"resultCount": 1, "results": [{"collectionName": "Hard', {"Content-Type": "text/javascript"})
            return
        parts = urlsplit(handler.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        if parts.path.startswith("/api/1.0/"):
            if not self._signed(handler):
                self._json(handler, {"status": "false", "description": "Authorization failed"}, 401)
                return
            self._index(handler, parts.path.removeprefix("/api/1.0/"), query)
            return
        if parts.path == "/search" and query.get("media") == "podcast":
            found = self._matching(query.get("term", ""))[: int(query.get("limit", "50"))]
            self._json(handler, {"resultCount": len(found), "results": [p.itunes() for p in found]})
        elif parts.path == "/lookup":
            found = [p for p in self.listings if str(p.apple_id) == query.get("id")]
            self._json(handler, {"resultCount": len(found), "results": [p.itunes() for p in found]})
        else:
            send(handler, 404, b"not found", {"Content-Type": "text/plain"})

    def _index(self, handler: BaseHTTPRequestHandler, path: str, query: dict[str, str]) -> None:
        if path == "search/byterm":
            found = self._matching(query.get("q", ""))[: int(query.get("max", "10"))]
            self._json(handler, {"status": "true", "feeds": [p.index() for p in found], "count": len(found),
                                 "query": query.get("q", ""), "description": "Found matching feeds."})
        elif path == "podcasts/byitunesid":
            found = [p for p in self.listings if str(p.apple_id) == query.get("id")]
            self._json(handler, {"status": "true", "query": {"id": query.get("id")},
                                 "feed": found[0].index() if found else [], "description": "Found matching feed."})
        else:
            send(handler, 404, b"not found", {"Content-Type": "text/plain"})

    def _matching(self, terms: str) -> list[Listing]:
        words = terms.lower().split()
        return [p for p in self.listings if words and all(w in f"{p.name} {p.author}".lower() for w in words)]

    @staticmethod
    def _signed(handler: BaseHTTPRequestHandler) -> bool:
        date = handler.headers.get("X-Auth-Date", "")
        expected = hashlib.sha1((INDEX_KEY + INDEX_SECRET + date).encode()).hexdigest()
        return (handler.headers.get("X-Auth-Key") == INDEX_KEY and date.isdigit()
                and handler.headers.get("Authorization") == expected and bool(handler.headers.get("User-Agent")))

    @staticmethod
    def _json(handler: BaseHTTPRequestHandler, answer: dict[str, Any], code: int = 200) -> None:
        send(handler, code, json.dumps(answer).encode(), {"Content-Type": "text/javascript; charset=utf-8"})
