"""Choosing a target's picks: the recent window as a pool (cached per run), then selection.

A workspace's digests draw only on what it may see (`storage.tenancy`): one pool per scope,
so neither the picks nor their "also on" agreement ever come from another workspace's feeds.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from insights.digest import DigestPick, DigestPool, DigestRules, build_pool, digest_window, select_digest
from insights.feedback import preferences
from insights.meaning import Meaning
from insights.targets import DigestTarget
from storage.deliveries_store import delivered_insight_ids
from storage.digest_queries import recent_insights
from storage.feedback_store import channel_feedback
from storage.models import InsightRow
from storage.tenancy import Scope, workspace_scope

#: A pool is rebuilt when insights were added or it is older than this.
POOL_MAX_AGE = timedelta(minutes=10)
#: Pools kept at once (one per distinct scope; workspaces following the same feeds share one).
MAX_POOLS = 64


class DigestComposer:
    """Builds the pool of recent insights once and selects each target's digest from it."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        rules: DigestRules | None = None,
        meaning: Callable[[], Meaning | None] | None = None,
    ) -> None:
        """`meaning` gives the embedding model's `Meaning` when a pool is built (None: lexical only)."""
        self._sessions = sessions
        self.rules = rules or DigestRules()
        self._meaning = meaning
        self._lock = threading.Lock()
        self._pools: OrderedDict[Scope, DigestPool] = OrderedDict()
        self._built_at: datetime | None = None
        self._stamp: int | None = None

    def pool(self, now: datetime, scope: Scope = None) -> DigestPool:
        """The pool of `scope`'s podcasts (None: every insight) for `now`, rebuilt when stale."""
        with self._lock, self._sessions() as session:
            stamp = session.scalar(select(func.max(InsightRow.id))) or 0
            fresh = self._built_at is not None and timedelta(0) <= now - self._built_at < POOL_MAX_AGE
            if not fresh or stamp != self._stamp:
                self._pools.clear()
                self._built_at, self._stamp = now, stamp
            if scope not in self._pools:
                since, until = digest_window(now, self.rules)
                meaning = self._meaning() if self._meaning else None
                self._pools[scope] = build_pool(recent_insights(session, since, until, scope), now, self.rules, meaning)
                while len(self._pools) > MAX_POOLS:
                    self._pools.popitem(last=False)
            self._pools.move_to_end(scope)
            return self._pools[scope]

    def warm(self, now: datetime, team_ids: Iterable[str]) -> None:
        """Build the pools these workspaces' digests will read at `now` (once each, before threads need them)."""
        with self._sessions() as session:
            scopes = {workspace_scope(session, team_id) for team_id in team_ids}
        for scope in scopes:
            self.pool(now, scope)

    def select(self, topics: list[str] | tuple[str, ...], now: datetime) -> list[DigestPick]:
        """The digest these topics would get at `now`, for a target that has received nothing."""
        return select_digest(self.pool(now), topics, ())

    def picks(self, session: Session, target: DigestTarget, now: datetime) -> list[DigestPick]:
        """The digest `target` would get at `now`: never anything it already received, shaped by its feedback."""
        exclude = delivered_insight_ids(session, target.team_id, target.channel_id)
        liked = preferences(channel_feedback(session, target.team_id, target.channel_id, now), now)
        scope = workspace_scope(session, target.team_id)
        return select_digest(self.pool(now, scope), target.topics, exclude, preferences=liked)
