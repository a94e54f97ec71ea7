"""Posting digests: claim in the database, post header and picks, record every message.

Exactly once per (team, channel, local date): the claim row is unique, picks are stored
with it, and every posted message is recorded as soon as Slack accepts it, so a worker
that takes over an expired claim resumes instead of posting again. (A crash in the
instant between Slack accepting a message and our recording it can still repeat that
one message: chat.postMessage has no idempotency key, and finding the message again would
need channel-history scopes. So: at most one repeated message per channel whose post was in
flight, measured by tests/scenario/test_digest_crash.py and stated in the README.)

Several workers share a run: each claims a few due targets at a time, as its threads free up,
locking their rows with FOR UPDATE SKIP LOCKED (PostgreSQL) so that workers claiming at the
same moment take different targets, and posts outside that short transaction.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from sqlalchemy.orm import Session, sessionmaker

from bot.digest.blocks import digest_header, digest_item, quiet_day
from bot.digest.compose import DigestComposer
from bot.shared.slack_errors import CHANNEL_PROBLEMS, SLACK_TROUBLE_CODES, WORKSPACE_TOKEN_CODES
from bot.workspaces.clients import WorkspaceNotInstalled
from bot.workspaces.status import stop_deliveries
from ingest.claimed_work import drain
from insights.schedule import due_local_date
from insights.targets import DigestTarget
from storage import deliveries_store as store
from storage.channels_store import get_workspace, lock_due_targets, pause_target, scheduled_targets
from storage.messages_store import record_posted_message

log = logging.getLogger("podbrief.digest")

MAX_ATTEMPTS = 5  # for refusals Slack gives for this digest itself; its own outages never count
#: How many pending targets one claim looks at, at least (more when more threads are idle).
CLAIM_WINDOW = 64

ClientFor = Callable[[str], WebClient]
Checkpoint = Callable[[str], None]
Claimed = tuple[DigestTarget, store.Claim, date]


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What happened to one target's digest for one local date."""

    team_id: str
    channel_id: str
    local_date: str
    status: str  # delivered | quiet | busy | paused | workspace_inactive | retry | failed
    detail: str = ""


class DigestDeliverer:
    """Delivers due digests; several processes running at once share the work, none doing it twice."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        client_for: ClientFor,
        composer: DigestComposer,
        *,
        worker_id: str | None = None,
        lease: timedelta = timedelta(minutes=5),
        post_interval: float = 0.25,
        max_workers: int = 16,
        sleep: Callable[[float], None] = time.sleep,
        checkpoint: Checkpoint = lambda _step: None,
    ) -> None:
        self._sessions = sessions
        self._client_for = client_for
        self.composer = composer
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}"
        self._lease = lease
        self._post_interval = post_interval
        self._max_workers = max_workers
        self._sleep = sleep
        self._checkpoint = checkpoint

    def run_due(self, now: datetime) -> list[DeliveryOutcome]:
        """Deliver the digests due at `now`, claiming targets as threads free up until none is left:
        workers running at once share the targets; one target's failure never holds up the others."""
        pending = {(target.team_id, target.channel_id): day for target, day in self.due_targets(now)}
        if not pending:
            return []
        self.composer.warm(now, {team_id for team_id, _ in pending})

        def claim(limit: int) -> tuple[list[Claimed], bool]:
            return self._claim_batch(pending, limit, now), bool(pending)

        return drain(claim, lambda claimed: self._deliver_claimed_safely(*claimed, now), self._max_workers,
                     thread_name_prefix="digest")

    def due_targets(self, now: datetime) -> list[tuple[DigestTarget, date]]:
        """Targets whose digest for their current local date is due and not done or in flight."""
        with self._sessions() as session:
            targets = scheduled_targets(session)
            candidates = [(t, d) for t in targets if t.schedule and (d := due_local_date(t.schedule, now))]
            states = store.delivery_states(session, [d.isoformat() for _, d in candidates])
        due = []
        for target, day in candidates:
            state = states.get((target.team_id, target.channel_id, day.isoformat()))
            if state is None or (state[0] == store.CLAIMED and (state[1] is None or state[1] < now)):
                due.append((target, day))
        return due

    def _claim_batch(self, pending: dict[tuple[str, str], date], limit: int, now: datetime) -> list[Claimed]:
        """Claim up to `limit` of the `pending` targets that no other worker has taken or is taking, in
        one short transaction; drop from `pending` whatever this worker need not look at again."""
        window = dict(itertools.islice(pending.items(), max(CLAIM_WINDOW, 4 * limit)))
        with self._sessions.begin() as session:
            locked = lock_due_targets(session, {key: day.isoformat() for key, day in window.items()}, now, limit)
            claimed = [c for target in locked if (c := self._claim(session, target, window, now))]
        # Fewer than asked: the rest of the window is done, held by other workers or no longer due.
        for key in window if len(locked) < limit else [(t.team_id, t.channel_id) for t in locked]:
            del pending[key]
        return claimed

    def _claim(self, session: Session, target: DigestTarget, window: dict[tuple[str, str], date],
               now: datetime) -> Claimed | None:
        day = window[(target.team_id, target.channel_id)]
        if target.schedule is None or due_local_date(target.schedule, now) != day:  # changed since the run began
            return None
        claim = store.claim_delivery(session, target.team_id, target.channel_id, day.isoformat(), self.worker_id, now,
                                     self._lease)
        return (target, claim, day) if claim else None

    def _deliver_claimed_safely(self, target: DigestTarget, claim: store.Claim, day: date,
                                now: datetime) -> DeliveryOutcome:
        try:
            return self._deliver_claimed(target, claim, day, now)
        except Exception as error:
            log.exception("digest for %s/%s failed unexpectedly", target.team_id, target.channel_id)
            return DeliveryOutcome(target.team_id, target.channel_id, day.isoformat(), "retry", type(error).__name__)

    def deliver(self, target: DigestTarget, day: date, now: datetime) -> DeliveryOutcome:
        """Claim and post `target`'s digest for local date `day` (resuming a claim left unfinished)."""
        local_date = day.isoformat()
        with self._sessions.begin() as session:
            claim = store.claim_delivery(session, target.team_id, target.channel_id, local_date, self.worker_id, now,
                                         self._lease)
        if claim is None:
            return DeliveryOutcome(target.team_id, target.channel_id, local_date, "busy", "already delivered or in progress")
        return self._deliver_claimed(target, claim, day, now)

    def _deliver_claimed(self, target: DigestTarget, claim: store.Claim, day: date, now: datetime) -> DeliveryOutcome:
        """Choose the picks of a fresh claim (a resumed one keeps its own), then post what is missing."""
        self._choose_picks(target, claim, now)
        self._checkpoint("claimed")
        try:
            return self._post(target, claim, day, now)
        except SlackApiError as error:
            code = str(error.response.get("error", "unknown_error"))
            if _slack_in_trouble(error.response.status_code, code):  # however long it lasts, retry within the day
                return self._give_back(claim, f"Slack is having trouble: {code}")
            return self._slack_refused(target, claim, code, now)
        except (URLError, TimeoutError, OSError) as error:
            return self._give_back(claim, f"Slack unreachable: {type(error).__name__}")
        except (SlackClientError, WorkspaceNotInstalled) as error:  # e.g. a token refresh that failed
            return self._give_back(claim, f"no usable token: {type(error).__name__}")

    def _choose_picks(self, target: DigestTarget, claim: store.Claim, now: datetime) -> None:
        try:
            with self._sessions() as session:  # chosen outside the write transaction, which stays short
                if store.has_picks(session, claim.id):
                    return
                picks = self.composer.picks(session, target, now)
            with self._sessions.begin() as session:
                store.store_picks(session, claim, [(p.insight.id, p.reasons, p.also_on) for p in picks], now)
        except Exception:
            self._give_back(claim, "could not choose the picks")
            raise

    def _post(self, target: DigestTarget, claim: store.Claim, day: date, now: datetime) -> DeliveryOutcome:
        with self._sessions() as session:
            picks = store.stored_picks(session, claim.id)
            quiet_note = get_workspace(session, target.team_id).quiet_day_note
        client = self._client_for(target.team_id)
        channel = claim.post_channel or self._open_channel(client, target, claim)
        if not picks:
            if quiet_note and claim.header_ts is None:
                self._send(client, target.team_id, channel, quiet_day(target, day).as_kwargs(), None, "digest_header",
                           then=lambda session, ts: store.set_header_ts(session, claim.id, ts))
            return self._finish(claim, store.SKIPPED, now, "quiet")
        header_ts = claim.header_ts
        if header_ts is None:
            header_ts = self._send(client, target.team_id, channel, digest_header(target, day, len(picks)).as_kwargs(),
                                   None, "digest_header", then=lambda session, ts: store.set_header_ts(session, claim.id, ts))
            self._checkpoint("header")
        for pick in picks:
            if pick.posted_ts is not None:
                continue
            message = digest_item(pick.insight, pick.reasons, pick.also_on).as_kwargs()
            thread = header_ts if target.thread_mode else None
            self._send(client, target.team_id, channel, message, thread, "insight", pick.insight.id,
                       then=partial(_mark_pick_posted, pick.row_id))
            self._checkpoint("item")
        return self._finish(claim, store.DELIVERED, now, "delivered")

    def _open_channel(self, client: WebClient, target: DigestTarget, claim: store.Claim) -> str:
        channel = target.channel_id
        if target.is_personal:
            channel = client.conversations_open(users=target.channel_id)["channel"]["id"]
            with self._sessions.begin() as session:
                store.set_post_channel(session, claim.id, channel)
        return channel

    def _send(self, client: WebClient, team_id: str, channel: str, message: dict[str, Any], thread_ts: str | None, kind: str,
              insight_id: int | None = None, *, then: Callable[[Session, str], None]) -> str:
        """Post one message, then record it and its progress in one transaction."""
        self._sleep(self._post_interval)  # stay within Slack's per-channel pace
        response = client.chat_postMessage(channel=channel, thread_ts=thread_ts, unfurl_links=False,
                                           unfurl_media=False, **message)
        ts: str = response["ts"]
        with self._sessions.begin() as session:
            record_posted_message(session, team_id, response["channel"], ts, insight_id, kind)
            then(session, ts)
        return ts

    def _finish(self, claim: store.Claim, status: str, now: datetime, outcome: str) -> DeliveryOutcome:
        with self._sessions.begin() as session:
            store.finish_delivery(session, claim.id, status, now)
        return DeliveryOutcome(claim.team_id, claim.channel_id, claim.local_date, outcome)

    def _slack_refused(self, target: DigestTarget, claim: store.Claim, code: str, now: datetime) -> DeliveryOutcome:
        with self._sessions.begin() as session:
            if code in CHANNEL_PROBLEMS:
                # Released, not failed: once someone fixes the channel and resumes the same local
                # day, the scheduler takes the claim over and posts what is still missing.
                pause_target(session, target.team_id, target.channel_id, CHANNEL_PROBLEMS[code].paused)
                store.release_claim(session, claim.id, code)
                return DeliveryOutcome(claim.team_id, claim.channel_id, claim.local_date, "paused", code)
            if code in WORKSPACE_TOKEN_CODES:
                stop_deliveries(session, target.team_id, f"Slack said {code}; reinstall or update the token",
                                change=f"Slack said {code}")
                store.finish_delivery(session, claim.id, store.FAILED, now, code)
                return DeliveryOutcome(claim.team_id, claim.channel_id, claim.local_date, "workspace_inactive", code)
            if claim.attempts >= MAX_ATTEMPTS:
                store.finish_delivery(session, claim.id, store.FAILED, now, code)
                return DeliveryOutcome(claim.team_id, claim.channel_id, claim.local_date, "failed", code)
        return self._give_back(claim, f"Slack said {code}")

    def _give_back(self, claim: store.Claim, reason: str) -> DeliveryOutcome:
        log.warning("digest %s/%s will be retried: %s", claim.team_id, claim.channel_id, reason)
        with self._sessions.begin() as session:
            store.release_claim(session, claim.id, reason)
        return DeliveryOutcome(claim.team_id, claim.channel_id, claim.local_date, "retry", reason)


def _slack_in_trouble(status: int, code: str) -> bool:
    return status == 429 or status >= 500 or code in SLACK_TROUBLE_CODES


def _mark_pick_posted(row_id: int, session: Session, ts: str) -> None:
    store.mark_pick_posted(session, row_id, ts)
