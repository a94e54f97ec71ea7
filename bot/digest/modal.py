"""Digest settings in a modal: the view (current values), reading a submission, and field errors. Pure.

The modal offers exactly what the text commands can set (time, zone, days, topics,
thread mode, paused); `bot.digest.modal_apply` carries a submission out through the very
functions `/insights digest …` uses, so the stored row, audit trail and confirmation are the same.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import time
from functools import cache
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    CheckboxesElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    Option,
    PlainTextInputElement,
    RadioButtonsElement,
    SectionBlock,
    TimePickerElement,
)

from bot.shared import outgoing
from bot.shared.blocks import Message
from bot.shared.mrkdwn import clip
from insights.schedule import DAY_NAMES, DEFAULT_DIGEST_TIME, EVERY_DAY, is_valid_timezone, timezone_names
from insights.schedule import WEEKDAYS as WEEKDAY_SET
from insights.settings_values import ValueProblem, resolve_zone, split_topics
from insights.targets import CHANNEL, MAX_TOPICS, PERSON, DigestTarget

OPEN_ACTION = "digest_settings_open"
CALLBACK_ID = "digest_settings"
ZONE_ACTION = "zone"
PERSONAL_VALUE = "me"
_CHANNEL_PREFIX = "channel:"
MAX_ZONE_OPTIONS = 100  # Slack's limit for one options answer
THREAD, PAUSED = "thread", "paused"
DAILY, WEEKDAYS, CUSTOM = "daily", "weekdays", "custom"


@dataclass(frozen=True, slots=True)
class ModalTarget:
    """Which digest a modal changes, and where its confirmation goes (None: the target itself)."""

    kind: str
    channel_id: str  # the channel; for a personal brief, the owner's user id
    origin_channel: str | None = None

    @property
    def personal(self) -> bool:
        return self.kind == PERSON

    def metadata(self) -> str:
        return json.dumps({"k": self.kind, "c": self.channel_id, "o": self.origin_channel})


@dataclass(frozen=True, slots=True)
class Submitted:
    """A valid submission: every field the modal shows."""

    at: time
    zone: str
    days: frozenset[int]
    topics: tuple[str, ...]
    thread_mode: bool
    paused: bool


def button_value(personal: bool, channel_id: str) -> str:
    return PERSONAL_VALUE if personal else _CHANNEL_PREFIX + channel_id


def change_button(personal: bool, channel_id: str) -> ButtonElement:
    """The "Change settings" button that opens the modal."""
    return ButtonElement(text="Change settings", action_id=OPEN_ACTION, value=button_value(personal, channel_id))


def with_change_button(message: Message, personal: bool, channel_id: str) -> Message:
    """`message` (a digest overview) with the "Change settings" button under it."""
    blocks = [*message.blocks, ActionsBlock(block_id="digest_settings", elements=[change_button(personal, channel_id)])]
    return Message(blocks, message.text)


def target_of_button(value: str, user_id: str, origin_channel: str | None) -> ModalTarget | None:
    """The digest a clicked button addresses: the clicker's own brief, or a channel (never a DM)."""
    if value == PERSONAL_VALUE:
        return ModalTarget(PERSON, user_id, origin_channel)
    channel = value.removeprefix(_CHANNEL_PREFIX)
    if value.startswith(_CHANNEL_PREFIX) and channel[:1] in ("C", "G") and channel.isalnum() and len(channel) <= 32:
        return ModalTarget(CHANNEL, channel, origin_channel)
    return None


def target_of_view(view: dict[str, Any], user_id: str) -> ModalTarget | None:
    """The target a submitted modal was opened for; a personal brief is always the submitter's own."""
    try:
        data = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    origin = data.get("o") if isinstance(data.get("o"), str) else None
    if data.get("k") == PERSON:
        return ModalTarget(PERSON, user_id, origin)
    return target_of_button(_CHANNEL_PREFIX + str(data.get("c") or ""), user_id, origin)


# ----------------------------------------------------------------- the view
def _option(text: str, value: str) -> Option:
    return Option(text=clip(text, 75), value=value)


def settings_view(target: ModalTarget, current: DigestTarget | None, default_zone: str) -> dict[str, Any]:
    """The modal, filled with the digest's current values (the person's zone when it has none)."""
    schedule = current.schedule if current else None
    zone = schedule.timezone if schedule else default_zone
    at = schedule.at if schedule else DEFAULT_DIGEST_TIME
    days = [_option("Every day", DAILY), _option("Weekdays only (Monday to Friday)", WEEKDAYS),
            _option("Custom days (tick them below)", CUSTOM)]
    chosen_days = schedule.days if schedule else EVERY_DAY
    day_choice = days[0] if chosen_days >= EVERY_DAY else days[1] if chosen_days == WEEKDAY_SET else days[2]
    day_boxes = [_option(name, str(number)) for number, name in enumerate(DAY_NAMES)]
    ticked = [box for number, box in enumerate(day_boxes) if day_choice is days[2] and number in chosen_days]
    flags = [_option("Post the insights as replies in a thread under a header", THREAD),
             _option("Paused (no digests until unticked)", PAUSED)]
    chosen = [f for f, on in zip(flags, (bool(current and current.thread_mode), bool(current and current.paused)), strict=True) if on]
    heading = ("*Your personal brief*, sent to you by direct message." if target.personal
               else f"*The daily digest of <#{target.channel_id}>*")
    if schedule is None:
        heading += "\nNot set up yet: saving sets it up."
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=heading)),
        InputBlock(block_id="time", label="Delivery time", element=TimePickerElement(
            action_id="at", initial_time=f"{at:%H:%M}")),
        InputBlock(block_id="zone", label="Time zone", hint="Type a city or region, e.g. Berlin or New York",
                   element=ExternalDataSelectElement(action_id=ZONE_ACTION, min_query_length=1,
                                                     initial_option=_option(zone, zone))),
        InputBlock(block_id="days", label="Days", element=RadioButtonsElement(
            action_id="days", options=days, initial_option=day_choice)),
        InputBlock(block_id="custom_days", label="Custom days", optional=True,
                   hint="Used when Days is “Custom days”: the digest goes out on the ticked days only.",
                   element=CheckboxesElement(action_id="custom_days", options=day_boxes, initial_options=ticked or None)),
        InputBlock(block_id="topics", label="Topics", optional=True,
                   hint=f"Comma-separated, at most {MAX_TOPICS}. Empty: the best of everything.",
                   element=PlainTextInputElement(action_id="topics", placeholder="ai policy, semiconductors",
                                                 initial_value=", ".join(current.topics) if current else None)),
        InputBlock(block_id="options", label="Options", optional=True, element=CheckboxesElement(
            action_id="options", options=flags, initial_options=chosen or None)),
    ]
    title = "Your brief" if target.personal else "Digest settings"
    return outgoing.modal(blocks, title=title, callback_id=CALLBACK_ID, submit="Save",
                          private_metadata=target.metadata())


def refusal_view(message: Message) -> dict[str, Any]:
    """A modal saying why the person may not change this digest (replaces the form on submit)."""
    return outgoing.modal(message.blocks, title="Digest settings", callback_id=CALLBACK_ID + "_refused", close="Close")


def zone_options(query: str, limit: int = MAX_ZONE_OPTIONS) -> list[dict[str, Any]]:
    """Type-ahead over IANA zones: the zone the text means first, then names containing it."""
    typed = " ".join(query.lower().replace("_", " ").split())
    found: list[str] = []
    with contextlib.suppress(ValueProblem):  # the text means no zone
        found.append(resolve_zone(query))
    if typed:
        found += sorted(z for z in zone_names() if typed in z.lower().replace("_", " "))
    return [{"text": {"type": "plain_text", "text": z}, "value": z} for z in dict.fromkeys(found)][:limit]


@cache
def zone_names() -> tuple[str, ...]:
    """The IANA zones offered in the type-ahead, read once: reading every zone file takes too long to
    do within the 3 seconds Slack gives an options request (call it at start-up to warm it)."""
    return tuple(z for z in timezone_names() if is_valid_timezone(z) and not z.startswith(("Etc/", "SystemV/", "posix/", "right/")))


# ----------------------------------------------------------------- the submission
def _state(view: dict[str, Any], block: str, action: str) -> dict[str, Any]:
    value = ((view.get("state") or {}).get("values") or {}).get(block, {}).get(action)
    return value if isinstance(value, dict) else {}


def _selected(view: dict[str, Any], block: str, action: str) -> str:
    option = _state(view, block, action).get("selected_option")
    return str(option.get("value") or "") if isinstance(option, dict) else ""


def _plain(text: str) -> str:
    """Field errors are plain text: no mrkdwn code marks."""
    return clip(text.replace("`", ""), 300)


def read_submission(view: dict[str, Any]) -> Submitted | dict[str, str]:
    """The submitted settings, or errors by block id (shown by Slack next to each wrong field)."""
    errors: dict[str, str] = {}
    at: time | None = None
    raw_time = str(_state(view, "time", "at").get("selected_time") or "")
    try:
        hours, minutes = raw_time.split(":")
        at = time(int(hours), int(minutes))
    except ValueError:
        errors["time"] = "Choose a delivery time, e.g. 09:00."
    zone = _selected(view, "zone", ZONE_ACTION)
    if not is_valid_timezone(zone):
        errors["zone"] = _plain(f"I don't know the time zone “{clip(zone, 40)}”. Pick one from the list, e.g. Europe/Berlin."
                                if zone else "Choose a time zone.")
    days = _selected(view, "days", "days")
    chosen_days = {DAILY: EVERY_DAY, WEEKDAYS: WEEKDAY_SET}.get(days)
    if days == CUSTOM:
        chosen_days = _ticked_days(view)
        if not chosen_days:
            errors["custom_days"] = "Tick at least one day for custom days (or choose every day or weekdays)."
    elif chosen_days is None:
        errors["days"] = "Choose every day, weekdays only or custom days."
    topics: tuple[str, ...] = ()
    try:
        topics = split_topics(str(_state(view, "topics", "topics").get("value") or ""))
    except ValueProblem as problem:
        errors["topics"] = _plain(str(problem))
    flags = {str(o.get("value")) for o in _state(view, "options", "options").get("selected_options") or []
             if isinstance(o, dict)}
    if errors or at is None or chosen_days is None:
        return errors
    return Submitted(at, zone, chosen_days, topics, THREAD in flags, PAUSED in flags)


def _ticked_days(view: dict[str, Any]) -> frozenset[int] | None:
    """The ticked day boxes (0 is Monday); None when none is ticked or a value is not a day."""
    values = [o.get("value") for o in _state(view, "custom_days", "custom_days").get("selected_options") or []
              if isinstance(o, dict)]
    if not values or any(v not in _DAY_VALUES for v in values):
        return None
    return frozenset(int(str(v)) for v in values)


_DAY_VALUES = frozenset(str(number) for number in range(7))
