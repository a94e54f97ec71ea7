"""Pasted episode links (`link_shared`) unfurl into the episode's top insights; unknown links are left alone.

The unfurl's message is recorded like a posted digest item when it carries exactly one
insight, so a save-emoji reaction on it saves that insight; the Save buttons always work.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.shared import outgoing
from bot.sharing.episode_links import FetchPage, episode_keys, needs_fetch
from bot.sharing.unfurl_blocks import unfurl_blocks
from storage.episode_links import LinkedEpisode, find_linked_episode
from storage.messages_store import record_posted_message

log = logging.getLogger("podbrief.unfurls")

UNFURL_KIND = "unfurl"
#: Links of one message looked at (Slack sends the links of one message in one event).
MAX_LINKS = 5
PAGE_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class SharedLinks:
    """A `link_shared` event reduced to what matters."""

    team_id: str
    channel_id: str
    message_ts: str
    urls: tuple[str, ...]
    unfurl_id: str | None = None
    source: str | None = None

    @property
    def in_composer(self) -> bool:
        """Links typed but not sent yet: the ts is a placeholder, not the message's."""
        return self.source == "composer"


def to_shared_links(event: dict[str, Any], team_id: str | None) -> SharedLinks | None:
    """The links of a `link_shared` event (the team is the installed workspace, Bolt's `context.team_id`)."""
    links = event.get("links") or []
    urls = tuple(dict.fromkeys(str(link.get("url")) for link in links if isinstance(link, dict) and link.get("url")))
    if not team_id or not urls or not event.get("channel") or not (event.get("message_ts") or event.get("unfurl_id")):
        return None
    return SharedLinks(team_id, str(event["channel"]), str(event.get("message_ts") or ""), urls[:MAX_LINKS],
                       event.get("unfurl_id"), event.get("source"))


def fetch_page(deps: Deps) -> FetchPage:
    """GET a podcast app's page or Apple's lookup through the safe fetcher (size and time capped)."""
    def fetch(url: str) -> bytes | None:
        with deps.fetchers() as fetcher:
            result = fetcher(url, max_bytes=PAGE_BYTES)
        return result.body if result.error is None and result.body else None
    return fetch


def known_episode(deps: Deps, team_id: str, url: str, fetch: FetchPage | None) -> LinkedEpisode | None:
    """The episode `url` points at that `team_id` may see, or None (nothing is fetched for a plain link)."""
    keys = episode_keys(url)
    with deps.sessions() as session:
        found = find_linked_episode(session, team_id, keys.urls, keys.guids)
    if found is not None or fetch is None or not needs_fetch(url):
        return found
    resolved = episode_keys(url, fetch)
    with deps.sessions() as session:
        return find_linked_episode(session, team_id, resolved.urls, resolved.guids)


def unfurl_links(deps: Deps, client: WebClient, shared: SharedLinks, fetch: FetchPage | None = None) -> int:
    """Unfurl the known episodes among `shared`'s links; returns how many were unfurled."""
    found = {url: episode for url in shared.urls if (episode := known_episode(deps, shared.team_id, url, fetch))}
    if not found:
        return 0
    unfurls = {url: outgoing.unfurl(unfurl_blocks(episode)) for url, episode in found.items()}
    where = ({"unfurl_id": shared.unfurl_id, "source": shared.source} if shared.in_composer and shared.unfurl_id
             else {"channel": shared.channel_id, "ts": shared.message_ts})
    try:
        client.chat_unfurl(unfurls=unfurls, **where)
    except SlackApiError as error:
        log.warning("chat.unfurl failed in %s: %s", shared.channel_id, error.response.get("error"))
        return 0
    _remember(deps, shared, list(found.values()))
    return len(found)


def _remember(deps: Deps, shared: SharedLinks, episodes: Sequence[LinkedEpisode]) -> None:
    """Record the message for react-to-save when its unfurls carry exactly one insight in all."""
    insights = [insight for episode in episodes for insight in episode.insights]
    if shared.in_composer or not shared.message_ts or len(insights) != 1:
        return
    with deps.sessions.begin() as session:
        record_posted_message(session, shared.team_id, shared.channel_id, shared.message_ts, insights[0].id,
                              kind=UNFURL_KIND, now=deps.clock())
