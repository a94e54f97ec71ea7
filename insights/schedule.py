"""When digests are due: local wall-clock times in IANA zones, computed with zoneinfo.

A digest is due for a local date once that date's delivery time has passed there,
so a digest missed during downtime is caught up later the same local day, and a
date that has ended is never delivered late (the next day gets its own digest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_DIGEST_TIME = time(9, 0)
EVERY_DAY: frozenset[int] = frozenset(range(7))  # date.weekday() numbers: 0 is Monday
WEEKDAYS: frozenset[int] = frozenset(range(5))
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True, slots=True)
class DigestSchedule:
    """A delivery time in a time zone, on chosen days of the week (local days; every day by default)."""

    at: time
    timezone: str
    days: frozenset[int] = EVERY_DAY

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def weekdays_only(self) -> bool:
        return self.days == WEEKDAYS

    def delivers_on(self, day: date) -> bool:
        return day.weekday() in self.days


def days_mask(days: frozenset[int]) -> int | None:
    """The stored form of a day set: a 7-bit mask (bit 0 is Monday); None for every day."""
    return None if days >= EVERY_DAY else sum(1 << d for d in days if 0 <= d < 7)


def days_from_mask(mask: int | None) -> frozenset[int]:
    """The day set a stored mask means; None (and an empty mask, never stored) is every day."""
    days = frozenset(d for d in range(7) if mask and mask >> d & 1)
    return days or EVERY_DAY


def local_now(schedule: DigestSchedule, now: datetime) -> datetime:
    """`now` (aware) on the schedule's wall clock."""
    return now.astimezone(schedule.zone)


def due_local_date(schedule: DigestSchedule, now: datetime) -> date | None:
    """The local date whose digest is due at `now`, or None when none is due yet today."""
    local = local_now(schedule, now)
    if not schedule.delivers_on(local.date()):
        return None
    return local.date() if local.time().replace(tzinfo=None) >= schedule.at else None


def next_delivery(schedule: DigestSchedule, now: datetime, delivered_today: bool) -> datetime:
    """The next moment a digest will go out, as an aware datetime in the schedule's zone.

    Wall-clock arithmetic: across a DST change the delivery stays at the same local time;
    a time that does not exist that day (spring forward) resolves as zoneinfo maps it.
    """
    local = local_now(schedule, now)
    day = local.date()
    if delivered_today or local.time().replace(tzinfo=None) >= schedule.at:
        if not delivered_today and schedule.delivers_on(day):
            return local  # due now (catching up the same local day)
        day += timedelta(days=1)
    while not schedule.delivers_on(day):
        day += timedelta(days=1)
    return datetime.combine(day, schedule.at, tzinfo=schedule.zone)


def is_valid_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return False
    return "/" in name or name == "UTC"


def timezone_names() -> frozenset[str]:
    """All IANA zone names this machine knows (for fuzzy matching of city names)."""
    return frozenset(available_timezones())
