"""Reactions acknowledged first and written by the queue: a burst loses nothing, retries save once, order holds."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select

from bot.home.blocks import HOME_SAVED
from bot.saving.blocks import UNSAVE_ACTION
from bot.saving.reactions import Reaction, ReactionHandler
from storage.clock import as_utc
from storage.messages_store import record_posted_message
from storage.models import Feedback, SavedInsight
from storage.saved_store import list_saved, save_insight
from tests.scenario.conftest import Workspace
from tests.scenario.saving import (
    CHANNEL,
    TEAM,
    TrackingExecutor,
    ephemerals,
    feedback_rows,
    insight_ids,
    insight_message,
    react,
    saved_rows,
)


def _in_threads(jobs: list[tuple[object, ...]], send: object, threads: int = 8) -> list[int]:
    """Run `send(*job)` for every job from `threads` threads at once; the statuses."""
    statuses: list[int] = []
    lock = threading.Lock()
    pending = list(jobs)

    def worker() -> None:
        while True:
            with lock:
                if not pending:
                    return
                job = pending.pop()
            status = send(*job)  # type: ignore[operator]
            with lock:
                statuses.append(status)

    running = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return statuses


def test_a_burst_of_retried_events_saves_once_and_confirms_once(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    insights = insight_ids(workspace, 3)
    messages = [insight_message(workspace, insight) for insight in insights]
    users = [f"U0B{n:02d}" for n in range(10)]
    jobs: list[tuple[object, ...]] = []
    for u, user in enumerate(users):
        for m, ts in enumerate(messages):
            event_id = f"EvBurst{u:02d}{m}"
            jobs += [(workspace, user, "bookmark", ts, event_id, retry) for retry in (0, 1, 2, 3)]  # Slack's retries

    def send(workspace: Workspace, user: str, emoji: str, ts: str, event_id: str, retry: int) -> int:
        return react(workspace, user, emoji, ts, event_id=event_id, retry=retry)

    statuses = _in_threads(jobs, send)
    assert statuses == [200] * len(jobs)
    listeners.wait_idle()
    assert saved_rows(workspace) == sorted((TEAM, user, insight) for user in users for insight in insights)
    notes = Counter(note["user"] for note in ephemerals(workspace) if note["text"].startswith(":bookmark: Saved"))
    assert notes == {user: len(insights) for user in users}  # one "Saved" per person and insight, whatever the retries


def test_adding_then_removing_in_quick_succession_keeps_the_order(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    [insight, other] = insight_ids(workspace, 2)
    ts, other_ts = insight_message(workspace, insight), insight_message(workspace, other)
    for _ in range(5):
        assert react(workspace, "U0BOB", "bookmark", ts) == 200
        assert react(workspace, "U0BOB", "bookmark", ts, added=False) == 200
    assert react(workspace, "U0BOB", "bookmark", other_ts) == 200
    listeners.wait_idle()
    assert saved_rows(workspace) == [(TEAM, "U0BOB", other)]
    texts = [note["text"] for note in ephemerals(workspace, "U0BOB")]
    said = ["Saved" if t.startswith(":bookmark: Saved") else "Removed" if t.startswith("Removed") else t for t in texts]
    assert said == ["Saved", "Removed"] * 5 + ["Saved"]  # a person's notes keep their order


class _HeldWriter(ReactionHandler):
    """A ReactionHandler whose writer thread waits at `release` before its first batch: the queue stays full
    for as long as the test needs (a fast writer could otherwise keep room in it the whole burst)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.release = threading.Event()

    def _write(self, items: list[tuple[Any, Reaction]]) -> None:
        if threading.current_thread().name == "podbrief-reactions":  # the writer, not a caller writing inline
            assert self.release.wait(60)
        super()._write(items)


def test_a_full_queue_writes_on_the_callers_thread_and_loses_nothing(workspace: Workspace) -> None:
    handler = _HeldWriter(workspace.deps, queue_size=2, put_timeout=0.001)
    insights = insight_ids(workspace, 4)
    messages = [insight_message(workspace, insight) for insight in insights]
    reactions = [Reaction(TEAM, f"U0Q{n:03d}", "bookmark", CHANNEL, ts, True) for n in range(40) for ts in messages]

    def send(reaction: Reaction) -> int:
        handler.submit(workspace.deps.slack, reaction)
        return 200

    _in_threads([(r,) for r in reactions], send)
    assert handler.written_inline > 0  # the writer was held, the queue full: those were written by the caller
    handler.release.set()
    assert handler.wait_idle(60)
    assert handler.written_inline < len(reactions)  # and the queued ones by the writer, once it went on
    assert saved_rows(workspace) == sorted((TEAM, r.user_id, insights[messages.index(r.ts)]) for r in reactions)
    assert len(ephemerals(workspace)) == len(reactions)


def test_one_batch_mixing_workspaces_and_messages_writes_only_what_the_bot_posted_here(workspace: Workspace) -> None:
    """The writer looks a whole batch's messages up at once: each reaction still gets only its own message's
    record (same ts in another channel or team is another message), and other people's messages do nothing."""
    pinned = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    handler = ReactionHandler(replace(workspace.deps, clock=lambda: pinned))
    [insight, other] = insight_ids(workspace, 2)
    ts = insight_message(workspace, insight)
    header = insight_message(workspace, None, kind="digest_header")
    with workspace.deps.sessions.begin() as session:  # the same ts, but another team's message of another insight
        record_posted_message(session, "T0OTHER", CHANNEL, ts, other)
    batch = [
        Reaction(TEAM, "U0MIX1", "bookmark", CHANNEL, ts, True),  # saves `insight`
        Reaction(TEAM, "U0MIX2", "bookmark", "C0ELSEWHERE", ts, True),  # same ts, a channel the bot never posted it in
        Reaction(TEAM, "U0MIX3", "bookmark", CHANNEL, "9.000001", True),  # somebody else's message
        Reaction(TEAM, "U0MIX4", "tada", CHANNEL, ts, True),  # an emoji that means nothing
        Reaction(TEAM, "U0MIX5", "bookmark", CHANNEL, header, True),  # the header: a hint, no save
        Reaction(TEAM, "U0MIX1", "bookmark", CHANNEL, ts, True),  # a duplicate in the same batch
    ]
    with workspace.deps.sessions.begin() as session:
        outcomes = handler._apply_all(session, batch)
    assert [o.changed_saved for o in outcomes] == [True, False, False, False, False, False]
    assert [o.note is not None for o in outcomes] == [True, False, False, False, True, False]
    assert saved_rows(workspace) == [(TEAM, "U0MIX1", insight)]  # nothing for T0OTHER's message of `other`
    with workspace.deps.sessions() as session:
        [saved] = list_saved(session, TEAM, "U0MIX1")
    assert saved.saved_at == pinned  # dated by the injected clock, not the wall clock


def _unsave_values(view: dict[str, Any]) -> list[int]:
    """The insights on a published Home view, in their order (each saved item's Unsave button)."""
    return [
        int(block["accessory"]["value"])
        for block in view["blocks"]
        if (block.get("accessory") or {}).get("action_id") == UNSAVE_ACTION
    ]


def test_a_burst_of_saves_by_one_person_publishes_their_home_tab_a_few_times_and_last_with_everything(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    """The Home refresh after a save is coalesced and spaced out per person; whatever was coalesced, the
    last view published shows the end of the burst (its last save first, an un-save gone)."""
    insights = insight_ids(workspace, 13)
    messages = [insight_message(workspace, insight) for insight in insights]
    for person in ("U0HOME", "U0OTHER"):  # a save rebuilds the tab of people who opened it
        workspace.event({"type": "app_home_opened", "user": person, "tab": "home", "channel": "D" + person})
    listeners.wait_idle()
    opened = {c.params["user_id"] for c in workspace.slack.calls("views.publish")}
    assert opened == {"U0HOME", "U0OTHER"}
    before = len(workspace.slack.calls("views.publish"))
    for ts in messages:
        assert react(workspace, "U0HOME", "bookmark", ts) == 200
    assert react(workspace, "U0HOME", "bookmark", messages[-1], added=False) == 200  # the newest one un-saved
    assert react(workspace, "U0OTHER", "bookmark", messages[0]) == 200
    listeners.wait_idle(30)
    assert saved_rows(workspace) == sorted(
        [(TEAM, "U0HOME", i) for i in insights[:-1]] + [(TEAM, "U0OTHER", insights[0])]
    )
    after_saves = workspace.slack.calls("views.publish")[before:]
    published = [c.params for c in after_saves if c.params["user_id"] == "U0HOME"]
    assert 1 <= len(published) < len(messages)  # not one rebuild per save
    last = published[-1]["view"]
    assert _unsave_values(last) == list(reversed(insights[:-1]))[:HOME_SAVED]  # newest first, the un-saved one gone
    assert f"*Your saved insights* ({len(insights) - 1})" in str(last["blocks"])
    [other] = [c.params for c in after_saves if c.params["user_id"] == "U0OTHER"]
    assert _unsave_values(other["view"]) == [insights[0]]  # another person's refresh is their own


def _state(workspace: Workspace) -> tuple[list[tuple[str, str, int, datetime]], list[tuple[str, str, str, int, str]]]:
    """Saved rows (with when) and feedback rows, sorted."""
    with workspace.deps.sessions() as session:
        saved = sorted(
            (r.team_id, r.user_id, r.insight_id, as_utc(r.saved_at)) for r in session.scalars(select(SavedInsight))
        )
    return saved, feedback_rows(workspace)


def test_one_batch_writes_what_the_same_reactions_one_by_one_write(workspace: Workspace) -> None:
    """The writer replays a batch on the saved rows there and writes only the net change: the rows, their
    dates, what each reaction changed and which notes go out are those of applying the reactions one by one."""
    before, pinned = datetime(2024, 6, 1, tzinfo=UTC), datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    handler = ReactionHandler(replace(workspace.deps, clock=lambda: pinned))
    [a, b, c] = insight_ids(workspace, 3)
    ta, tb, tc = (insight_message(workspace, i) for i in (a, b, c))
    batch = [
        Reaction(TEAM, "U0ANN", "bookmark", CHANNEL, ta, False),  # saved before: un-saved ...
        Reaction(TEAM, "U0ANN", "bookmark", CHANNEL, ta, True),  # ... and saved again (newer)
        Reaction(TEAM, "U0ANN", "bookmark", CHANNEL, tb, True),  # saved before: nothing changes
        Reaction(TEAM, "U0ANN", "bookmark", CHANNEL, tc, True),  # new ...
        Reaction(TEAM, "U0ANN", "bookmark", CHANNEL, tc, False),  # ... and gone again
        Reaction(TEAM, "U0BEN", "bookmark", CHANNEL, tc, False),  # nothing there to un-save
        Reaction(TEAM, "U0BEN", "bookmark", CHANNEL, tc, True),
        Reaction(TEAM, "U0BEN", "bookmark", CHANNEL, tc, True),  # a duplicate
        Reaction(TEAM, "U0BEN", "+1", CHANNEL, ta, True),
        Reaction(TEAM, "U0BEN", "+1", CHANNEL, ta, False),
        Reaction(TEAM, "U0BEN", "-1", CHANNEL, tb, False),
        Reaction(TEAM, "U0BEN", "-1", CHANNEL, tb, True),
    ]

    def start() -> None:
        with workspace.deps.sessions.begin() as session:
            session.execute(delete(SavedInsight))
            session.execute(delete(Feedback))
            save_insight(session, TEAM, "U0ANN", a, now=before)
            save_insight(session, TEAM, "U0ANN", b, now=before)

    start()
    with workspace.deps.sessions.begin() as session:
        together = handler._apply_all(session, batch)
    batched = _state(workspace)
    start()
    one_by_one = [handler.apply(reaction) for reaction in batch]
    assert _state(workspace) == batched
    assert [(o.changed_saved, o.note is not None) for o in together] == [
        (o.changed_saved, o.note is not None) for o in one_by_one
    ]
    assert [o.changed_saved for o in together] == [
        True,
        True,
        False,
        True,
        True,
        False,
        True,
        False,
        False,
        False,
        False,
        False,
    ]
    saved, feedback = batched
    assert saved == sorted([(TEAM, "U0ANN", a, pinned), (TEAM, "U0ANN", b, before), (TEAM, "U0BEN", c, pinned)])
    assert {(f[2], f[3], f[4]) for f in feedback} == {
        ("U0ANN", a, "save"),
        ("U0ANN", b, "save"),
        ("U0BEN", c, "save"),
        ("U0BEN", b, "down"),
    }


def test_a_note_slack_rate_limits_is_sent_again_after_the_wait_and_one_it_refuses_does_not_undo_the_save(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    """Notes go over the kept connections without slack_sdk's request machinery; a 429 or 5xx hands the note
    to slack_sdk (the client's retry handlers: once more after Retry-After), a refusal is only logged."""
    [first, second] = insight_ids(workspace, 2)
    ts, other_ts = insight_message(workspace, first), insight_message(workspace, second)
    workspace.slack.rate_limit("chat.postEphemeral", retry_after=1, times=1)
    assert react(workspace, "U0RATE", "bookmark", ts) == 200
    listeners.wait_idle(30)
    calls = [c for c in workspace.slack.calls("chat.postEphemeral") if c.params["user"] == "U0RATE"]
    assert [c.ok for c in calls] == [False, True]  # the 429, then the note once
    assert calls[1].params["text"].startswith(":bookmark: Saved")
    workspace.slack.fail("chat.postEphemeral", error="channel_not_found", times=1)
    assert react(workspace, "U0RATE", "bookmark", other_ts) == 200
    listeners.wait_idle(30)
    calls = [c for c in workspace.slack.calls("chat.postEphemeral") if c.params["user"] == "U0RATE"]
    assert [c.ok for c in calls] == [False, True, False]  # refused: not sent again
    assert saved_rows(workspace) == [(TEAM, "U0RATE", first), (TEAM, "U0RATE", second)]
