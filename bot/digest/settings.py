"""Carrying out `/insights [me] digest …`: show, set the time, days, pause, thread mode, preview, post now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot.deps import Deps
from bot.digest import settings_blocks as sb
from bot.digest.grammar import (
    CMD,
    PostDigestNow,
    PreviewDigest,
    SetDays,
    SetDigestTime,
    SetPaused,
    SetThreadMode,
    ShowDigest,
)
from bot.shared.blocks import Message
from bot.shared.request import Asker, Place
from bot.shared.slack_facts import ChannelAccess, channel_access, look_up_person
from insights.schedule import days_mask, local_now, next_delivery
from insights.settings_values import days_phrase
from insights.targets import DigestTarget
from storage.channels_store import get_target, get_workspace, recent_changes, update_target
from storage.deliveries_store import DELIVERED, SKIPPED, delivery_status

RECENT_CHANGES = 3
Option = SetDays | SetPaused | SetThreadMode


def show_digest(deps: Deps, asker: Asker, command: ShowDigest) -> Message:
    place, now = asker.place(command.personal), deps.clock()
    with deps.sessions() as session:
        target = get_target(session, place.team_id, place.channel_id)
        view = sb.DigestView(
            personal=place.personal,
            target=target,
            now=now,
            next_at=upcoming(session, target, now),
            restricted=get_workspace(session, place.team_id).restrict_settings,
            changes=tuple(recent_changes(session, place.team_id, place.channel_id, RECENT_CHANGES)),
        )
    return sb.digest_overview(view, asker.command)


def set_time(deps: Deps, client: WebClient, asker: Asker, command: SetDigestTime) -> Message:
    """Set the delivery time (and zone); this (re)activates the digest."""
    place, now = asker.place(command.personal), deps.clock()
    before = _target(deps, place)
    zone, source = _zone(client, asker, command, before)
    with deps.sessions.begin() as session:
        after = update_target(
            session, place.team_id, place.channel_id, by_user=asker.user_id, kind=place.kind,
            change=f"set the digest time to {command.at:%H:%M} {zone}",
            digest_time=f"{command.at:%H:%M}", timezone=zone, paused=False, paused_reason=None,
        )
        next_at = upcoming(session, after, now)
    assert next_at is not None
    access = _access(client, place, activating=_inactive(before))
    return sb.digest_time_set(after, next_at, now, source, access, asker.command)


def set_option(deps: Deps, client: WebClient, asker: Asker, command: Option) -> Message:
    """The days it goes out, pause or resume, thread mode on or off."""
    place, now = asker.place(command.personal), deps.clock()
    before = _target(deps, place)
    if isinstance(command, SetPaused) and (before is None or before.schedule is None):
        return sb.not_set_up(place.personal, asker.command)
    if isinstance(command, SetPaused) and before is not None and before.paused == command.paused:
        state = "already paused" if command.paused else "already running"
        return sb.reply([f"The digest is {state}."], command=asker.command)
    columns, change, done = _option(command)
    with deps.sessions.begin() as session:
        after = update_target(session, place.team_id, place.channel_id, by_user=asker.user_id,
                              change=change, kind=place.kind, **columns)
        next_at = upcoming(session, after, now)
    resuming = isinstance(command, SetPaused) and not command.paused
    access = _access(client, place, activating=resuming)
    return sb.digest_changed(done, after, next_at, now, access, asker.command)


def preview(deps: Deps, asker: Asker, command: PreviewDigest) -> Message:
    """Exactly what would be posted now, shown only to the asker."""
    from bot.digest import actions as digest_actions  # the lead engineer's module; imported where it is used

    return digest_actions.preview(deps, _target_or_blank(deps, asker.place(command.personal)), deps.clock())


def post_now(deps: Deps, client: WebClient, asker: Asker, command: PostDigestNow) -> Message:
    """Post the digest now; it counts as today's."""
    from bot.digest import actions as digest_actions  # the lead engineer's module; imported where it is used

    target = _target_or_blank(deps, asker.place(command.personal))
    return digest_actions.post_now(deps, client, target, asker.user_id, deps.clock())


def upcoming(session: Session, target: DigestTarget | None, now: datetime) -> datetime | None:
    """When the target's next digest goes out (on its local wall clock), None if never."""
    if target is None or target.schedule is None or target.paused:
        return None
    local_date = local_now(target.schedule, now).date().isoformat()
    status = delivery_status(session, target.team_id, target.channel_id, local_date)
    return next_delivery(target.schedule, now, status in (DELIVERED, SKIPPED))  # a quiet day is done too


def _option(command: Option) -> tuple[dict[str, Any], str, str]:
    """The columns to change, the audit trail entry and the confirmation."""
    me = "me " if command.personal else ""
    if isinstance(command, SetDays):
        days = days_phrase(command.days)
        return {"digest_days": days_mask(command.days)}, f"set the digest to go out {days}", f"Done: the digest comes {days}."
    if isinstance(command, SetPaused) and command.paused:
        return ({"paused": True}, "paused the digest",
                f"Paused: no digests until you resume with `{CMD} {me}digest resume`.")
    if isinstance(command, SetPaused):
        return {"paused": False, "paused_reason": None}, "resumed the digest", "Resumed: the digest is back on."
    if command.enabled:
        return ({"thread_mode": True}, "turned thread mode on",
                "Done: the digest posts a header and its insights as replies in the header's thread.")
    return {"thread_mode": False}, "turned thread mode off", "Done: each insight of the digest is posted as its own message."


def _zone(client: WebClient, asker: Asker, command: SetDigestTime, before: DigestTarget | None) -> tuple[str, str]:
    """The zone to use and where it came from: typed, kept from before, the asker's own, or UTC."""
    if command.zone:
        return command.zone, "typed"
    if before is not None and before.schedule is not None:
        return before.schedule.timezone, "kept"
    person = look_up_person(client, asker.user_id)
    return (person.timezone, "yours") if person.timezone else ("UTC", "utc")


def _access(client: WebClient, place: Place, activating: bool) -> ChannelAccess | None:
    """Whether the bot can post in a channel whose digest is being switched on (not for personal briefs)."""
    if place.personal or not activating:
        return None
    return channel_access(client, place.channel_id)


def _inactive(target: DigestTarget | None) -> bool:
    return target is None or target.schedule is None or target.paused


def _target(deps: Deps, place: Place) -> DigestTarget | None:
    with deps.sessions() as session:
        return get_target(session, place.team_id, place.channel_id)


def _target_or_blank(deps: Deps, place: Place) -> DigestTarget:
    return _target(deps, place) or DigestTarget(place.team_id, place.channel_id, place.kind)
