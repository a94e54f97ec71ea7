"""`/insights digest preview` and `/insights digest now`."""

from __future__ import annotations

from datetime import datetime

from slack_sdk import WebClient

from bot.deps import Deps
from bot.digest.blocks import digest_item, digest_preview
from bot.shared.blocks import Message, notice
from bot.shared.slack_errors import CHANNEL_PROBLEMS
from insights.schedule import DigestSchedule, local_now
from insights.targets import DigestTarget


def local_day(target: DigestTarget, now: datetime) -> datetime:
    schedule = target.schedule or DigestSchedule(at=now.time(), timezone="UTC")
    return local_now(schedule, now)


def preview(deps: Deps, target: DigestTarget, now: datetime) -> Message:
    """Exactly what the digest would post now, shown only to the asker."""
    with deps.sessions() as session:
        picks = deps.digests.composer.picks(session, target, now)
    items = [digest_item(p.insight, p.reasons, p.also_on) for p in picks]
    return digest_preview(target, local_day(target, now).date(), items)


def post_now(deps: Deps, client: WebClient, target: DigestTarget, user_id: str, now: datetime) -> Message:
    """Post today's digest now; it counts as today's, so the scheduled one will not follow."""
    day = local_day(target, now).date()
    outcome = deps.digests.deliver(target, day, now)
    where = "your DMs" if target.is_personal else f"<#{target.channel_id}>"
    if outcome.status == "delivered":
        return notice(f"Posted today's digest in {where}. It counts as today's, so no second one will follow.")
    if outcome.status == "quiet":
        return notice(f"Nothing new was relevant enough today, so {where} got a quiet-day note (or nothing) instead.")
    if outcome.status == "busy":
        return notice("Today's digest has already been posted (or is being posted right now).")
    if outcome.status == "paused":
        problem = CHANNEL_PROBLEMS.get(outcome.detail or "")
        reason = problem.paused if problem else f"Slack said {outcome.detail}."
        return notice(f"I couldn't post in {where}, so its digest is paused. {reason}")
    return notice("Slack didn't accept the digest just now. I'll keep trying in the background.")
