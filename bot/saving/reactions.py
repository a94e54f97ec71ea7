"""Reactions on the bot's messages: save emojis save, thumbs up/down are digest feedback.

Everything is keyed by the installed workspace the event came to, so a reaction in one workspace never touches
another's rows, and every write is an idempotent upsert or delete, so Slack's retries,
duplicate deliveries and a second save emoji leave exactly one row.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.home.publish import refresh_home
from bot.saving import blocks as saved_blocks
from bot.saving.grammar import THUMBS_DOWN, THUMBS_UP, emoji_name
from bot.shared.blocks import Message, notice
from insights.feedback import DOWN, SAVE, UP
from insights.model import Insight
from insights.targets import WorkspaceSettings
from storage.channels_store import get_workspace
from storage.feedback_store import feedback_channel, record_feedback, remove_feedback
from storage.insights_store import get_insight
from storage.messages_store import posted_record
from storage.saved_store import save_insight, unsave_insight

log = logging.getLogger("podbrief.reactions")

GONE = "That insight is no longer available, so there is nothing to save. Search for similar ones with `/insights`."
HEADER_HINT = "To save an insight, react on that item's own message below this header, not on the header itself."
HEADER = "digest_header"
DATABASE_TROUBLE_SAVE = ("Podbrief can't reach its database right now, so that insight was not saved. "
                         "Please remove your reaction and add it again in a minute.")
DATABASE_TROUBLE_UNSAVE = ("Podbrief can't reach its database right now, so that insight is still saved. "
                           "Please add your reaction and remove it again in a minute.")
#: Workspace settings are re-read at most this often per team by the reaction path.
SETTINGS_TTL_SECONDS = 5.0


class SettingsCache:
    """Each team's workspace settings, kept a few seconds: reactions arrive in bursts.

    A change of the save emojis or confirmations applies to reactions within `SETTINGS_TTL_SECONDS`.
    """

    def __init__(self, ttl: float = SETTINGS_TTL_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl = ttl
        self._clock = clock
        self._kept: dict[str, tuple[float, WorkspaceSettings]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, team_id: str) -> WorkspaceSettings:
        now = self._clock()
        with self._lock:
            kept = self._kept.get(team_id)
        if kept is not None and now - kept[0] < self._ttl:
            return kept[1]
        settings = get_workspace(session, team_id)
        with self._lock:
            self._kept[team_id] = (now, settings)
        return settings

    def known_save_emojis(self, team_id: str) -> tuple[str, ...]:
        """The team's save emojis as last read, however old (the default before any read)."""
        with self._lock:
            kept = self._kept.get(team_id)
        return kept[1].save_emojis if kept is not None else WorkspaceSettings(team_id).save_emojis


@dataclass(frozen=True, slots=True)
class Reaction:
    """A reaction event reduced to what matters: who reacted how on which message of which team."""

    team_id: str
    user_id: str
    emoji: str
    channel_id: str
    ts: str
    added: bool


def to_reaction(body: dict[str, Any], added: bool, team_id: str | None) -> Reaction | None:
    """The reaction in an event callback, or None when it is not on a message.

    `team_id` is the installed workspace (Bolt's `context.team_id`, from `authorizations[0]`):
    in a Slack Connect channel the envelope's `team_id` is the reacting user's workspace.
    """
    event = body.get("event") or {}
    item = event.get("item") or {}
    if item.get("type") != "message" or not event.get("user") or not item.get("channel") or not item.get("ts"):
        return None
    team_id = team_id or str(body.get("team_id") or "")
    return Reaction(team_id, str(event["user"]), emoji_name(str(event.get("reaction") or "")),
                    str(item["channel"]), str(item["ts"]), added)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a reaction changed, and what (if anything) to tell the person."""

    changed_saved: bool = False
    note: Message | None = None


class ReactionHandler:
    """Turns reactions into saves and feedback; `handle` is safe to call from many threads."""

    def __init__(self, deps: Deps, hint_memory: int = 10_000) -> None:
        self._deps = deps
        self._settings = SettingsCache()
        self._hinted: OrderedDict[tuple[str, str, str, str], None] = OrderedDict()
        self._hint_memory = hint_memory
        self._lock = threading.Lock()

    def handle(self, client: WebClient, reaction: Reaction) -> Outcome:
        """Apply one reaction, then tell the person quietly and refresh their Home tab if needed."""
        try:
            outcome = self.apply(reaction)
        except SQLAlchemyError:
            log.exception("database error while handling a reaction")
            if reaction.emoji in self._settings.known_save_emojis(reaction.team_id):
                self._tell(client, reaction, notice(DATABASE_TROUBLE_SAVE if reaction.added else DATABASE_TROUBLE_UNSAVE))
            return Outcome()
        if outcome.note is not None:
            self._tell(client, reaction, outcome.note)
        if outcome.changed_saved:
            refresh_home(self._deps, client, reaction.team_id, reaction.user_id)
        return outcome

    def apply(self, reaction: Reaction) -> Outcome:
        """The database part: save/unsave and record/remove feedback, in one transaction."""
        with self._deps.sessions.begin() as session:
            settings = self._settings.get(session, reaction.team_id)
            saving = reaction.emoji in settings.save_emojis
            kind = SAVE if saving else UP if reaction.emoji in THUMBS_UP else DOWN if reaction.emoji in THUMBS_DOWN else None
            if kind is None:
                return Outcome()
            message = posted_record(session, reaction.team_id, reaction.channel_id, reaction.ts)
            if message is None:
                return Outcome()  # somebody else's message
            if message.kind == HEADER:
                return Outcome(note=self._header_hint(reaction) if saving else None)
            if message.insight_id is None:
                return Outcome(note=notice(GONE) if saving and reaction.added else None)
            insight_id = message.insight_id
            channel = feedback_channel(session, reaction.team_id, reaction.channel_id)
            args = (session, reaction.team_id, channel, reaction.user_id, insight_id, kind)
            if reaction.added:
                record_feedback(*args, self._deps.clock())
            else:
                remove_feedback(*args)
            if not saving:
                return Outcome()
            if reaction.added:
                changed = save_insight(session, reaction.team_id, reaction.user_id, insight_id)
            else:
                changed = unsave_insight(session, reaction.team_id, reaction.user_id, insight_id)
            insight = get_insight(session, insight_id) if changed and settings.save_confirmations else None
        return Outcome(changed, self._confirmation(reaction, insight) if insight else None)

    @staticmethod
    def _confirmation(reaction: Reaction, insight: Insight) -> Message:
        if reaction.added:
            return saved_blocks.saved_confirmation(insight, new=True)
        return saved_blocks.unsaved_confirmation(insight)

    def _header_hint(self, reaction: Reaction) -> Message | None:
        """Once per person and header (per process), a hint that items are saved one by one."""
        if not reaction.added:
            return None
        key = (reaction.team_id, reaction.channel_id, reaction.ts, reaction.user_id)
        with self._lock:
            if key in self._hinted:
                return None
            self._hinted[key] = None
            while len(self._hinted) > self._hint_memory:
                self._hinted.popitem(last=False)
        return notice(HEADER_HINT)

    @staticmethod
    def _tell(client: WebClient, reaction: Reaction, message: Message) -> None:
        try:
            client.chat_postEphemeral(channel=reaction.channel_id, user=reaction.user_id, **message.as_kwargs())
        except SlackClientError as error:  # a missed confirmation must not undo the save
            log.warning("could not confirm a reaction to %s in %s: %s", reaction.user_id, reaction.channel_id, error)
