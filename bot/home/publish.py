"""Publishing the App Home tab: gather what one person sees, render it, `views.publish` it."""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from weakref import WeakKeyDictionary

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.digest.settings import upcoming
from bot.home.blocks import HOME_SAVED, HomeContent, HomeDigest, home_blocks
from bot.saving.blocks import saved_item_blocks
from bot.shared import outgoing
from bot.shared.slack_facts import look_up_person
from insights.model import Insight
from insights.targets import DigestTarget, WorkspaceSettings
from storage.channels_store import get_workspace
from storage.home_queries import visible_digests
from storage.saved_store import count_saved, list_saved

log = logging.getLogger("podbrief.home")

#: users.conversations pages read at most (200 channels each).
MAX_CHANNEL_PAGES = 5
#: A person's Home tab is rebuilt after a change at most this often (a burst of saves: once now, once at the end).
REFRESH_SPACING_SECONDS = 3.0
#: A rebuild after a save shows the person's channels, digests and the workspace's settings read at most this
#: long ago (opening the Home tab reads them again); only the saved insights change with a save.
SURROUNDINGS_SECONDS = 10.0
#: People whose surroundings are kept per database at most (the stale ones are dropped first).
MAX_SURROUNDINGS = 10_000
#: Saved insights whose Home blocks are kept rendered (a rebuild after a save renders only the new ones).
MAX_RENDERED_ITEMS = 20_000
#: A save rebuilds a person's Home tab only if they opened it in this process this recently: every opening
#: publishes it afresh (`app_home_opened`), so a rebuild shows only on a tab that may still be on screen.
#: Most people who react never look at the tab; its rebuild was about a fifth of a reaction's CPU.
HOME_VIEWER_SECONDS = 3600.0
#: People remembered as having opened their Home tab, per database (the longest ago are forgotten first).
MAX_HOME_VIEWERS = 10_000


def member_channels(client: WebClient, user_id: str) -> tuple[list[str], str | None]:
    """The channels a person belongs to (that the bot can see), and a note when the list is incomplete."""
    channels: list[str] = []
    cursor: str | None = None
    try:
        for _ in range(MAX_CHANNEL_PAGES):
            page = client.users_conversations(
                user=user_id, types="public_channel,private_channel", exclude_archived=True, limit=200, cursor=cursor
            )
            channels += [str(c["id"]) for c in page.get("channels") or [] if c.get("id")]
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return channels, None
    except SlackApiError as error:
        code = error.response.get("error", "unknown_error")
        log.warning("users.conversations failed for %s: %s", user_id, code)
        return channels, f"I couldn't list your channels just now (Slack said {code}), so some digests may be missing."
    except SlackClientError as error:
        log.warning("users.conversations failed for %s: %s", user_id, error)
        return channels, "I couldn't reach Slack to list your channels, so some digests may be missing."
    return channels, "You are in many channels; only the digests of the first 1,000 are shown."


@dataclass(frozen=True, slots=True)
class _Surroundings:
    """What a Home tab shows besides the saved insights: read on opening, reused by rebuilds after a save."""

    read_at: float
    channels_note: str | None
    digests: tuple[tuple[DigestTarget, bool], ...]  # each with whether the person may change it
    save_emojis: tuple[str, ...]


#: Per database, per (team, person): the last `_Surroundings` read (a rebuild after a save reuses it a while).
_surroundings: WeakKeyDictionary[Engine, dict[tuple[str, str], _Surroundings]] = WeakKeyDictionary()
#: Per database, per team: the workspace's settings as last read, and when (shared by its people's rebuilds).
_workspaces: WeakKeyDictionary[Engine, dict[str, tuple[float, WorkspaceSettings]]] = WeakKeyDictionary()
_surroundings_lock = threading.Lock()


def home_content(deps: Deps, client: WebClient, team_id: str, user_id: str, *, reuse: bool = False) -> HomeContent:
    """What `user_id` of `team_id` sees on the Home tab now.

    With `reuse` (a rebuild after a save), the person's channels, digests and the workspace's settings
    read at most `SURROUNDINGS_SECONDS` ago are shown again; the saved insights and the digests' next
    times are always read now.
    """
    now = deps.clock()
    kept = _recall(deps, team_id, user_id) if reuse else None
    channels, note = member_channels(client, user_id) if kept is None else ([], kept.channels_note)
    with deps.sessions() as session:
        saved = list_saved(session, team_id, user_id, limit=HOME_SAVED)
        total = count_saved(session, team_id, user_id) if len(saved) == HOME_SAVED else len(saved)
        if kept is None:
            targets = visible_digests(session, team_id, user_id, channels)
            workspace = _workspace(deps, session, team_id, reuse=reuse)
            changeable = _may_change(client, workspace.restrict_settings, user_id)
            kept = _Surroundings(
                time.monotonic(), note, tuple((t, changeable(t)) for t in targets), tuple(workspace.save_emojis)
            )
            _remember(deps, team_id, user_id, kept)
        digests = [HomeDigest(t, upcoming(session, t, now), may) for t, may in kept.digests]
    return HomeContent(saved, total, digests, kept.save_emojis, now, kept.channels_note, user_id)


def _workspace(deps: Deps, session: Session, team_id: str, *, reuse: bool) -> WorkspaceSettings:
    """The workspace's settings; with `reuse`, as read at most `SURROUNDINGS_SECONDS` ago by any of its people's
    Home tabs (a burst of saves by many people reads them once)."""
    with _surroundings_lock:
        kept = _workspaces.get(deps.engine, {}).get(team_id)
    if reuse and kept is not None and time.monotonic() - kept[0] < SURROUNDINGS_SECONDS:
        return kept[1]
    workspace = get_workspace(session, team_id)
    with _surroundings_lock:
        _workspaces.setdefault(deps.engine, {})[team_id] = (time.monotonic(), workspace)
    return workspace


def _recall(deps: Deps, team_id: str, user_id: str) -> _Surroundings | None:
    with _surroundings_lock:
        kept = _surroundings.get(deps.engine, {}).get((team_id, user_id))
    return kept if kept is not None and time.monotonic() - kept.read_at < SURROUNDINGS_SECONDS else None


def _remember(deps: Deps, team_id: str, user_id: str, kept: _Surroundings) -> None:
    with _surroundings_lock:
        people = _surroundings.setdefault(deps.engine, {})
        if len(people) >= MAX_SURROUNDINGS:
            stale = [key for key, value in people.items() if kept.read_at - value.read_at >= SURROUNDINGS_SECONDS]
            for key in stale or list(people):
                del people[key]
        people[(team_id, user_id)] = kept


def _may_change(client: WebClient, restricted: bool, user_id: str) -> Callable[[DigestTarget], bool]:
    """Whether `user_id` may change a digest: the settings commands' rule (admins looked up once, if needed)."""
    admin: list[bool] = []

    def may(target: DigestTarget) -> bool:
        if target.is_personal or not restricted or target.created_by == user_id:
            return True
        if not admin:
            admin.append(look_up_person(client, user_id).is_admin)
        return admin[0]

    return may


class _RenderedItems:
    """Saved insights' Home blocks as JSON dicts, kept by insight (least recently shown dropped first).

    Rendering a saved item through slack_sdk's models costs ~0.07 ms; a rebuild after a save shows ten
    of them, nearly always the same ten as the rebuild before. They are fitted to Slack's limits where
    every view is, in `outgoing.home_view`."""

    def __init__(self, limit: int = MAX_RENDERED_ITEMS) -> None:
        self._limit = limit
        self._kept: OrderedDict[tuple[Insight, datetime | None], tuple[dict[str, Any], ...]] = OrderedDict()
        self._lock = threading.Lock()

    def __call__(self, insight: Insight) -> tuple[dict[str, Any], ...]:
        key = (insight, insight.added_at)  # added_at is not part of an Insight's equality, but its date may show
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None:
                self._kept.move_to_end(key)
                return kept
        rendered = tuple(outgoing.as_dict(block) for block in saved_item_blocks(insight))
        with self._lock:
            self._kept[key] = rendered
            while len(self._kept) > self._limit:
                self._kept.popitem(last=False)
        return rendered


_rendered_items = _RenderedItems()


def publish_home(deps: Deps, client: WebClient, team_id: str, user_id: str, *, reuse: bool = False) -> None:
    """Rebuild and publish a person's Home tab (`reuse`: as `home_content`); a Slack failure is logged, never raised."""
    if not team_id or not user_id:
        return
    blocks = home_blocks(home_content(deps, client, team_id, user_id, reuse=reuse), _rendered_items)
    try:
        client.views_publish(user_id=user_id, view=outgoing.home_view(blocks))
    except SlackClientError as error:
        log.warning("views.publish failed for %s: %s", user_id, error)


#: Per database, per (team, person): when they last opened their Home tab (monotonic), oldest first.
_viewers: WeakKeyDictionary[Engine, OrderedDict[tuple[str, str], float]] = WeakKeyDictionary()
_viewers_lock = threading.Lock()


def home_opened(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    """A person opened their Home tab: publish it, and rebuild it after their saves for a while."""
    with _viewers_lock:
        viewers = _viewers.setdefault(deps.engine, OrderedDict())
        viewers.pop((team_id, user_id), None)
        viewers[(team_id, user_id)] = time.monotonic()
        while len(viewers) > MAX_HOME_VIEWERS:
            viewers.popitem(last=False)
    publish_home(deps, client, team_id, user_id)


def _may_be_looking(deps: Deps, team_id: str, user_id: str) -> bool:
    with _viewers_lock:
        opened = _viewers[deps.engine].get((team_id, user_id)) if deps.engine in _viewers else None
    return opened is not None and time.monotonic() - opened < HOME_VIEWER_SECONDS


def refresh_home(deps: Deps, client: WebClient, team_id: str, user_id: str) -> None:
    """Rebuild a person's Home tab in the background, at most every `REFRESH_SPACING_SECONDS` per person,
    if they opened it within `HOME_VIEWER_SECONDS` (else their next opening shows the change).

    A burst of saves by one person publishes at its start and once more after it, that last
    time with everything the burst saved (the rebuild reads the database when it runs).
    """
    if not _may_be_looking(deps, team_id, user_id):
        return
    deps.background.submit(
        ("home", team_id, user_id),
        lambda: publish_home(deps, client, team_id, user_id, reuse=True),
        spacing=REFRESH_SPACING_SECONDS,
    )
