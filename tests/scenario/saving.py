"""Helpers for the react-to-save scenarios: reactions as Slack sends them, and waiting for their effects."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt.lazy_listener.thread_runner import ThreadLazyListenerRunner
from sqlalchemy import select

from bot.runtime.background import Coalescer
from bot.runtime.ordered_work import OrderedWork
from standin.slack_requests import event_body
from storage.messages_store import record_posted_message
from storage.models import Feedback, SavedInsight
from tests.scenario.conftest import Workspace

TEAM = "T0STANDIN"
CHANNEL = "C0GENERAL"
_event_ids = itertools.count(1)


class TrackingExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, able to wait until every listener it was given has finished."""

    def __init__(self) -> None:
        super().__init__(max_workers=8, thread_name_prefix="listener")
        self._pending: set[Future[Any]] = set()
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)
        return future

    def _done(self, future: Future[Any]) -> None:
        with self._lock:
            self._pending.discard(future)

    def wait_idle(self, timeout: float = 60.0) -> None:
        """Until every listener has finished, and the background work they started (Home refreshes) too."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                idle = not self._pending
            if idle:  # reactions are written and confirmed on their own threads (bot.runtime.ordered_work)
                assert OrderedWork.wait_all_idle(max(deadline - time.monotonic(), 0.01)), "reactions still queued"
            if idle and self.background is not None:
                assert self.background.wait_idle(max(deadline - time.monotonic(), 0.01)), "background work still running"
                with self._lock:
                    idle = not self._pending
            if idle:
                return
            assert time.monotonic() < deadline, "listeners still running"
            time.sleep(0.01)

    background: Coalescer | None = None


def track_listeners(workspace: Workspace) -> TrackingExecutor:
    """Run the app's listeners (which run after Slack gets its 200) on an executor we can wait for."""
    executor = TrackingExecutor()
    executor.background = workspace.deps.background
    workspace.server.app.listener_runner.listener_executor = executor
    lazy_runner = workspace.server.app.listener_runner.lazy_listener_runner
    assert isinstance(lazy_runner, ThreadLazyListenerRunner)
    lazy_runner.executor = executor
    return executor


def insight_message(workspace: Workspace, insight_id: int | None, *, channel: str = CHANNEL, kind: str = "insight",
                    team: str = TEAM) -> str:
    """Record a message as the digest delivery does; returns its ts."""
    ts = f"1800000000.{next(_event_ids):06d}"
    with workspace.deps.sessions.begin() as session:
        record_posted_message(session, team, channel, ts, insight_id, kind)
    return ts


def react(workspace: Workspace, user: str, emoji: str, ts: str, *, added: bool = True, channel: str = CHANNEL,
          team: str = TEAM, event_id: str | None = None, retry: int = 0, envelope_team: str | None = None) -> int:
    """Send a reaction event, signed like Slack; a retry has the same body, a new timestamp and X-Slack-Retry-Num."""
    event = {"type": "reaction_added" if added else "reaction_removed", "user": user, "reaction": emoji,
             "item": {"type": "message", "channel": channel, "ts": ts}, "item_user": "U0BOT",
             "event_ts": f"{time.time():.6f}"}
    body, content_type = event_body(event, team_id=envelope_team or team, installed_team_id=team,
                                    event_id=event_id or f"Ev{next(_event_ids):08d}")
    headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"} if retry else {}
    reply = workspace.server.post(body, content_type, timestamp=int(time.time()) + retry, extra_headers=headers)
    return reply.status


def saved_rows(workspace: Workspace) -> list[tuple[str, str, int]]:
    with workspace.deps.sessions() as session:
        rows = session.execute(select(SavedInsight.team_id, SavedInsight.user_id, SavedInsight.insight_id)
                               .order_by(SavedInsight.team_id, SavedInsight.user_id, SavedInsight.insight_id))
        return [(r[0], r[1], r[2]) for r in rows]


def feedback_rows(workspace: Workspace) -> list[tuple[str, str, str, int, str]]:
    with workspace.deps.sessions() as session:
        rows = session.execute(select(Feedback.team_id, Feedback.channel_id, Feedback.user_id, Feedback.insight_id,
                                      Feedback.kind).order_by(Feedback.user_id, Feedback.insight_id, Feedback.kind))
        return [(r[0], r[1], r[2], r[3], r[4]) for r in rows]


def insight_ids(workspace: Workspace, count: int) -> list[int]:
    from storage.models import InsightRow

    with workspace.deps.sessions() as session:
        return list(session.scalars(select(InsightRow.id).order_by(InsightRow.id).limit(count)))


def ephemerals(workspace: Workspace, user: str | None = None) -> list[dict[str, Any]]:
    return [c.params for c in workspace.slack.calls("chat.postEphemeral") if user is None or c.params["user"] == user]
