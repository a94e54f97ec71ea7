"""Reactions on the bot's messages: save emojis save, thumbs up/down are digest feedback.

Everything is keyed by the installed workspace the event came to, so a reaction in one workspace never touches
another's rows, and every write is an idempotent upsert or delete, so Slack's retries,
duplicate deliveries and a second save emoji leave exactly one row.

Slack gets its 200 as soon as a reaction is queued (`ReactionHandler.submit`): one writer
thread applies the queued reactions in arrival order, up to `WRITE_BATCH` per transaction,
and hands the notes to say to a few sender threads (one lane per person, so a person's
"Saved" and "Removed" keep their order), which post them over kept connections
(`bot.shared.slack_http`). The queue is bounded; when it stays full, the request's own
thread applies the reaction (slower acks under an extreme burst, nothing lost).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from zlib import crc32

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError
from sqlalchemy import bindparam
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.home.publish import refresh_home
from bot.runtime.ordered_work import OrderedWork
from bot.saving import blocks as saved_blocks
from bot.saving.grammar import THUMBS_DOWN, THUMBS_UP, emoji_name
from bot.shared.blocks import Message, notice
from bot.shared.slack_http import PooledWebClient, pooled_copy
from insights.feedback import DOWN, SAVE, UP
from insights.model import Insight
from insights.targets import WorkspaceSettings
from storage.channels_store import get_workspace
from storage.feedback_store import FeedbackKey, feedback_channel, record_feedback_many, remove_feedback_many
from storage.insights_store import insight_query, to_insight
from storage.messages_store import PostedRecord, posted_records
from storage.models import InsightRow
from storage.saved_store import SavedKey, save_many, saved_keys, unsave_many

log = logging.getLogger("podbrief.reactions")

GONE = "That insight is no longer available, so there is nothing to save. Search for similar ones with `/insights`."
HEADER_HINT = "To save an insight, react on that item's own message below this header, not on the header itself."
HEADER = "digest_header"
DATABASE_TROUBLE_SAVE = (
    "Podbrief can't reach its database right now, so that insight was not saved. "
    "Please remove your reaction and add it again in a minute."
)
DATABASE_TROUBLE_UNSAVE = (
    "Podbrief can't reach its database right now, so that insight is still saved. "
    "Please add your reaction and remove it again in a minute."
)
#: Workspace settings are re-read at most this often per team by the reaction path.
SETTINGS_TTL_SECONDS = 5.0
#: Reactions waiting to be written at most (then the request's thread writes its own).
QUEUE_SIZE = 5_000
#: Reactions written per transaction at most.
WRITE_BATCH = 200
#: The insights a batch's confirmations show: built once (a new statement per batch costs its cache key), on
#: the session's connection (no ORM work).
_CONFIRMED = insight_query().where(InsightRow.id.in_(bindparam("ids", expanding=True)))
#: Threads posting the ephemeral notes (each person always on the same one, in order).
NOTE_SENDERS = 16


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
    return Reaction(
        team_id,
        str(event["user"]),
        emoji_name(str(event.get("reaction") or "")),
        str(item["channel"]),
        str(item["ts"]),
        added,
    )


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a reaction changed, and what (if anything) to tell the person."""

    changed_saved: bool = False
    note: Message | None = None


class _Meaning(NamedTuple):
    """What a reaction's emoji means in its workspace, read from one reading of its settings."""

    kind: str  # the feedback kind: SAVE, UP or DOWN
    saving: bool  # one of the workspace's save emojis
    confirm: bool  # the workspace wants a confirmation of a save or unsave


_Note = tuple[WebClient, Reaction, Message]  # a note to say, on the client of the request that brought it


@dataclass(frozen=True, slots=True)
class _Planned:
    """A reaction read: its outcome when it writes nothing, else the feedback row and (a save emoji) saved row."""

    outcome: Outcome
    feedback: FeedbackKey | None = None
    save: SavedKey | None = None


@dataclass(frozen=True, slots=True)
class _Applied:
    """A reaction written: its outcome so far, and the insight to load for its confirmation (if any)."""

    outcome: Outcome
    confirm: int | None = None


class ReactionHandler:
    """Turns reactions into saves and feedback; `submit` and `handle` are safe to call from many threads."""

    def __init__(
        self,
        deps: Deps,
        hint_memory: int = 10_000,
        *,
        queue_size: int = QUEUE_SIZE,
        batch: int = WRITE_BATCH,
        senders: int = NOTE_SENDERS,
        put_timeout: float = 1.0,
    ) -> None:
        self._deps = deps
        self._settings = SettingsCache()
        self._hinted: OrderedDict[tuple[str, str, str, str], None] = OrderedDict()
        self._hint_memory = hint_memory
        self._lock = threading.Lock()
        self._writes: OrderedWork[tuple[WebClient, Reaction]] = OrderedWork(
            self._write, name="podbrief-reactions", maxsize=queue_size, batch=batch, put_timeout=put_timeout
        )
        self._notes: list[OrderedWork[list[_Note]]] = [
            OrderedWork(self._send_notes, name=f"podbrief-notes-{n}", maxsize=queue_size, batch=batch)
            for n in range(max(senders, 1))
        ]
        self._clients: dict[tuple[str | None, str], PooledWebClient] = {}

    def submit(self, client: WebClient, reaction: Reaction) -> None:
        """Queue a reaction to be applied in arrival order (the caller can answer Slack at once)."""
        self._writes.submit((client, reaction))

    @property
    def written_inline(self) -> int:
        """Reactions written on the submitting thread because the queue stayed full."""
        return self._writes.inline

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until every submitted reaction is written and its note sent; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        if not self._writes.wait_idle(timeout):
            return False
        return all(lane.wait_idle(max(deadline - time.monotonic(), 0.0)) for lane in self._notes)

    def handle(self, client: WebClient, reaction: Reaction) -> Outcome:
        """Apply one reaction now, then tell the person quietly and refresh their Home tab if needed."""
        try:
            outcome = self.apply(reaction)
        except SQLAlchemyError:
            log.exception("database error while handling a reaction")
            self._apologise(client, reaction)
            return Outcome()
        self._follow_up(client, reaction, outcome)
        return outcome

    def apply(self, reaction: Reaction) -> Outcome:
        """The database part: save/unsave and record/remove feedback, in one transaction."""
        with self._deps.sessions.begin() as session:
            return self._apply_all(session, [reaction])[0]

    def _apply_all(self, session: Session, reactions: list[Reaction]) -> list[Outcome]:
        """Write the reactions as if one by one in order, with a few statements for the whole batch.

        The feedback rows are written first (that starts the write transaction, so on SQLite nobody
        else writes until it commits), then which saves exist is read once, the reactions are
        replayed on it in order (what each one changed), and only the net change is written. The
        insights the confirmations show are loaded in one query.
        """
        now = self._deps.clock()
        meanings = [self._meaning_of(session, reaction) for reaction in reactions]
        records = posted_records(
            session,
            {(r.team_id, r.channel_id, r.ts) for r, m in zip(reactions, meanings, strict=True) if m is not None},
        )
        planned = [
            self._plan(session, reaction, meaning, records.get((reaction.team_id, reaction.channel_id, reaction.ts)))
            if meaning is not None
            else _Planned(Outcome())
            for reaction, meaning in zip(reactions, meanings, strict=True)
        ]
        self._write_feedback(
            session,
            [(p.feedback, r.added) for p, r in zip(planned, reactions, strict=True) if p.feedback is not None],
            now,
        )
        changed = iter(
            self._write_saves(
                session, [(p.save, r.added) for p, r in zip(planned, reactions, strict=True) if p.save is not None], now
            )
        )
        applied: list[_Applied] = []
        for plan, meaning in zip(planned, meanings, strict=True):
            if plan.save is None:
                applied.append(_Applied(plan.outcome))
                continue
            change = next(changed)
            confirm = plan.save[2] if change and meaning is not None and meaning.confirm else None
            applied.append(_Applied(Outcome(change), confirm))
        wanted = sorted({a.confirm for a in applied if a.confirm is not None})
        insights = (
            {row.id: to_insight(row) for row in session.connection().execute(_CONFIRMED, {"ids": wanted})}
            if wanted
            else {}
        )
        return [
            Outcome(a.outcome.changed_saved, self._confirmation(reaction, insights[a.confirm]))
            if a.confirm in insights
            else a.outcome
            for a, reaction in zip(applied, reactions, strict=True)
        ]

    @staticmethod
    def _write_feedback(session: Session, ops: list[tuple[FeedbackKey, bool]], now: datetime) -> None:
        """Feedback added (True) or removed, in order: a key removed at any point is deleted, then the keys
        whose last reaction adds are inserted (the same rows as one by one: all are dated `now`)."""
        last: dict[FeedbackKey, bool] = {}
        removed: set[FeedbackKey] = set()
        for key, added in ops:
            last[key] = added
            if not added:
                removed.add(key)
        remove_feedback_many(session, sorted(removed))
        record_feedback_many(session, sorted(k for k, added in last.items() if added), now)

    @staticmethod
    def _write_saves(session: Session, ops: list[tuple[SavedKey, bool]], now: datetime) -> list[bool]:
        """Saves (True) and un-saves in order; whether each changed what is saved, replayed on the rows there."""
        if not ops:
            return []
        there = saved_keys(session, {key for key, _ in ops})
        saved, deleted, changed = set(there), set(), []
        for key, added in ops:
            change = (key not in saved) if added else (key in saved)
            changed.append(change)
            if change and added:
                saved.add(key)
            elif change:
                saved.discard(key)
                if key in there:
                    deleted.add(key)  # a row there before: deleted (and inserted again, newer, if saved again)
        unsave_many(session, sorted(deleted))
        save_many(session, sorted(k for k in saved if k not in there or k in deleted), now)
        return changed

    def _write(self, items: list[tuple[WebClient, Reaction]]) -> None:
        """The writer thread: the batch in one transaction, in order; one by one if that fails."""
        try:
            with self._deps.sessions.begin() as session:
                outcomes = self._apply_all(session, [reaction for _, reaction in items])
        except SQLAlchemyError:
            if len(items) == 1:
                log.exception("database error while handling a reaction")
                self._apologise(*items[0])
                return
            for client, reaction in items:  # each on its own: one bad row must not sink the others
                self._write([(client, reaction)])
            return
        lanes: dict[int, list[_Note]] = {}
        for (client, reaction), outcome in zip(items, outcomes, strict=True):
            self._follow_up(client, reaction, outcome, lanes=lanes)
        for lane, notes in lanes.items():  # one hand-off per lane and batch, not one per note
            self._notes[lane].submit(notes)

    def _follow_up(
        self, client: WebClient, reaction: Reaction, outcome: Outcome, *, lanes: dict[int, list[_Note]] | None = None
    ) -> None:
        """Say the note (now, or added to its person's lane in `lanes`) and refresh the Home tab if needed."""
        if outcome.note is not None:
            if lanes is None:
                self._tell(self._pooled(client), reaction, outcome.note)
            else:
                lane = crc32(f"{reaction.team_id}/{reaction.user_id}".encode()) % len(self._notes)
                lanes.setdefault(lane, []).append((client, reaction, outcome.note))
        if outcome.changed_saved:
            refresh_home(self._deps, self._pooled(client), reaction.team_id, reaction.user_id)

    def _apologise(self, client: WebClient, reaction: Reaction) -> None:
        if reaction.emoji in self._settings.known_save_emojis(reaction.team_id):
            self._tell(
                self._pooled(client),
                reaction,
                notice(DATABASE_TROUBLE_SAVE if reaction.added else DATABASE_TROUBLE_UNSAVE),
            )

    def _send_notes(self, items: list[list[_Note]]) -> None:
        for notes in items:
            for client, reaction, note in notes:
                self._tell(self._pooled(client), reaction, note)

    def _pooled(self, client: WebClient) -> WebClient:
        """Bolt's client for this request (a new urllib client each time), as a kept-connection one."""
        if isinstance(client, PooledWebClient):
            return client
        key = (client.token, client.base_url)
        with self._lock:
            pooled = self._clients.get(key)
            if pooled is None:
                pooled = self._clients[key] = pooled_copy(client)
        return pooled

    def _meaning_of(self, session: Session, reaction: Reaction) -> _Meaning | None:
        """What the reaction's emoji means here, or None for an emoji that means nothing here."""
        settings = self._settings.get(session, reaction.team_id)
        saving = reaction.emoji in settings.save_emojis
        kind = (
            SAVE if saving else UP if reaction.emoji in THUMBS_UP else DOWN if reaction.emoji in THUMBS_DOWN else None
        )
        return _Meaning(kind, saving, settings.save_confirmations) if kind is not None else None

    def _plan(self, session: Session, reaction: Reaction, meaning: _Meaning, message: PostedRecord | None) -> _Planned:
        """One reaction whose emoji means something, on `message` (None: not a message the bot posted)."""
        if message is None:
            return _Planned(Outcome())  # somebody else's message
        if message.kind == HEADER:
            return _Planned(Outcome(note=self._header_hint(reaction) if meaning.saving else None))
        if message.insight_id is None:
            return _Planned(Outcome(note=notice(GONE) if meaning.saving and reaction.added else None))
        channel = feedback_channel(session, reaction.team_id, reaction.channel_id)
        feedback = (reaction.team_id, channel, reaction.user_id, message.insight_id, meaning.kind)
        return _Planned(
            Outcome(), feedback, (reaction.team_id, reaction.user_id, message.insight_id) if meaning.saving else None
        )

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
        except SlackClientError as error:  # a missed note must not undo the save
            log.warning("could not confirm a reaction to %s in %s: %s", reaction.user_id, reaction.channel_id, error)
