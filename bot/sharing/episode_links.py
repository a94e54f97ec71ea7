"""From a pasted link to what may identify a known episode: URL spellings, and what podcast apps point at.

* A page or audio link from a feed is looked up as pasted, in its usual variants (http/https,
  trailing slash, without the query string and fragment trackers add).
* An Apple Podcasts episode link (``podcasts.apple.com/…?i=1000…``) names an Apple episode id;
  Apple's public lookup API gives its audio URL and feed guid.
* An Overcast (``overcast.fm/+…``) or Pocket Casts (``pca.st/…``, ``pocketcasts.com/…``) share page
  names the episode's audio file in its player; that URL is looked up.

Fetching is the caller's (`FetchPage`): the safe fetcher in the app, a fake in tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import unescape
from urllib.parse import parse_qs, urlsplit, urlunsplit

#: GET a URL, returning its body (None when it could not be fetched).
FetchPage = Callable[[str], bytes | None]

APPLE_LOOKUP = "https://itunes.apple.com/lookup?id={id}&entity=podcastEpisode"
APPLE_HOSTS = frozenset({"podcasts.apple.com", "itunes.apple.com"})
PLAYER_PAGE_HOSTS = frozenset({"overcast.fm", "pca.st", "pocketcasts.com", "play.pocketcasts.com"})
_AUDIO_IN_PAGE = re.compile(
    r"""<(?:source|audio)\b[^>]*\bsrc=["']([^"']+)["']"""
    r"""|<meta\b[^>]*\b(?:property|name)=["']og:audio(?::url)?["'][^>]*\bcontent=["']([^"']+)["']""",
    re.IGNORECASE,
)
_MAX_LINK = 2000


@dataclass(frozen=True, slots=True)
class EpisodeKeys:
    """What a pasted link may match: episode page or audio URLs, and feed guids."""

    urls: frozenset[str]
    guids: frozenset[str] = frozenset()


def url_variants(url: str) -> set[str]:
    """`url` as pasted, on http and https, with and without a trailing slash, query or fragment."""
    if len(url) > _MAX_LINK or not url.startswith(("http://", "https://")):
        return set()
    parts = urlsplit(url)
    bases = {parts._replace(fragment=""), parts._replace(query="", fragment="")}
    variants: set[str] = {url}
    for base in bases:
        path = base.path or "/"
        toggled = path.rstrip("/") if path.endswith("/") else path + "/"
        for scheme in ("https", "http"):
            variants |= {urlunsplit(base._replace(scheme=scheme, path=p)) for p in (path, toggled)}
    return variants


def apple_episode_id(url: str) -> str | None:
    """The Apple episode id in a ``podcasts.apple.com/…?i=…`` link, if it is one."""
    parts = urlsplit(url)
    if (parts.hostname or "").lower() not in APPLE_HOSTS:
        return None
    ids = parse_qs(parts.query).get("i") or []
    return ids[0] if ids and re.fullmatch(r"[0-9]{1,20}", ids[0]) else None  # ASCII only: isdigit() takes `²`


def _apple_keys(episode_id: str, fetch: FetchPage) -> EpisodeKeys:
    body = fetch(APPLE_LOOKUP.format(id=episode_id))
    try:
        results = json.loads(body or b"{}").get("results") or []
    except (ValueError, AttributeError):
        return EpisodeKeys(frozenset())
    urls: set[str] = set()
    guids: set[str] = set()
    for result in results if isinstance(results, list) else []:
        if not isinstance(result, dict) or str(result.get("trackId")) != episode_id:
            continue
        for key in ("episodeUrl", "trackViewUrl"):
            if isinstance(result.get(key), str):
                urls |= url_variants(result[key])
        if isinstance(result.get("episodeGuid"), str) and result["episodeGuid"]:
            guids.add(result["episodeGuid"][:1000])
    return EpisodeKeys(frozenset(urls), frozenset(guids))


def _player_page_keys(url: str, fetch: FetchPage) -> set[str]:
    body = fetch(url)
    if not body:
        return set()
    urls: set[str] = set()
    for match in _AUDIO_IN_PAGE.finditer(body[:2_000_000].decode("utf-8", "replace")):
        found = unescape(match.group(1) or match.group(2) or "")
        urls |= url_variants(found)
    return urls


def episode_keys(url: str, fetch: FetchPage | None = None) -> EpisodeKeys:
    """Everything `url` may match; with `fetch`, podcast apps' links are resolved too."""
    urls = url_variants(url)
    if fetch is None or not urls:
        return EpisodeKeys(frozenset(urls))
    if (apple_id := apple_episode_id(url)) is not None:
        apple = _apple_keys(apple_id, fetch)
        return EpisodeKeys(frozenset(urls | apple.urls), apple.guids)
    if (urlsplit(url).hostname or "").lower() in PLAYER_PAGE_HOSTS:
        return EpisodeKeys(frozenset(urls | _player_page_keys(url, fetch)))
    return EpisodeKeys(frozenset(urls))


def needs_fetch(url: str) -> bool:
    """Whether resolving `url` means asking a podcast app's site (so the plain lookup comes first)."""
    host = (urlsplit(url).hostname or "").lower() if url.startswith(("http://", "https://")) else ""
    return host in PLAYER_PAGE_HOSTS or apple_episode_id(url) is not None
