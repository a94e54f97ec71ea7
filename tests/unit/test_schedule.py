"""Digest schedules: local wall-clock times, weekdays, DST changes and same-day catch-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from insights.schedule import (
    EVERY_DAY,
    WEEKDAYS,
    DigestSchedule,
    days_from_mask,
    days_mask,
    due_local_date,
    is_valid_timezone,
    next_delivery,
)

BERLIN = DigestSchedule(time(8, 30), "Europe/Berlin")
NEW_YORK_WEEKDAYS = DigestSchedule(time(9, 0), "America/New_York", WEEKDAYS)
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
NEW_YORK_MWF = DigestSchedule(time(9, 0), "America/New_York", frozenset({MON, WED, FRI}))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("schedule", "now", "due"),
    [
        (BERLIN, utc(2026, 11, 27, 7, 29), None),  # 08:29 in Berlin (CET, UTC+1)
        (BERLIN, utc(2026, 11, 27, 7, 30), date(2026, 11, 27)),  # 08:30 sharp
        (BERLIN, utc(2026, 11, 27, 22, 59), date(2026, 11, 27)),  # 23:59: missed earlier, caught up the same day
        (BERLIN, utc(2026, 11, 27, 23, 0), None),  # midnight: the 27th is over, the 28th not yet due
        (BERLIN, utc(2026, 7, 1, 6, 30), date(2026, 7, 1)),  # summer time: 08:30 CEST is 06:30 UTC
        (BERLIN, utc(2026, 7, 1, 6, 29), None),
        (NEW_YORK_WEEKDAYS, utc(2026, 11, 28, 15, 0), None),  # a Saturday
        (NEW_YORK_WEEKDAYS, utc(2026, 11, 30, 14, 0), date(2026, 11, 30)),  # Monday 09:00 EST
        (NEW_YORK_WEEKDAYS, utc(2026, 11, 28, 3, 0), date(2026, 11, 27)),  # Friday 22:00 in New York
    ],
)
def test_a_digest_is_due_once_its_local_time_has_passed_that_day(
    schedule: DigestSchedule, now: datetime, due: date | None
) -> None:
    assert due_local_date(schedule, now) == due


def test_a_time_skipped_by_the_spring_change_is_delivered_right_after_it() -> None:
    skipped = DigestSchedule(time(2, 30), "Europe/Berlin")  # 29 March 2026: 02:00 -> 03:00
    assert due_local_date(skipped, utc(2026, 3, 29, 0, 59)) is None  # 01:59 CET
    assert due_local_date(skipped, utc(2026, 3, 29, 1, 0)) == date(2026, 3, 29)  # 03:00 CEST


def test_the_next_delivery_keeps_its_local_time_across_a_dst_change() -> None:
    before = next_delivery(BERLIN, utc(2026, 3, 28, 12, 0), delivered_today=True)
    assert (before.date(), before.hour, before.minute) == (date(2026, 3, 29), 8, 30)
    assert before.utcoffset().total_seconds() == 2 * 3600  # already summer time


def test_the_next_delivery_skips_the_weekend() -> None:
    friday_after = next_delivery(NEW_YORK_WEEKDAYS, utc(2026, 11, 27, 15, 0), delivered_today=True)
    assert friday_after.date() == date(2026, 11, 30)


def test_an_undelivered_digest_past_its_time_is_next_right_now() -> None:
    now = utc(2026, 11, 27, 10, 0)
    assert next_delivery(BERLIN, now, delivered_today=False) == now.astimezone(BERLIN.zone)


@pytest.mark.parametrize(("name", "valid"), [("Europe/Berlin", True), ("UTC", True), ("Berlin", False), ("Mars/Olympus", False), ("", False)])
def test_only_iana_zone_names_are_valid(name: str, valid: bool) -> None:
    assert is_valid_timezone(name) is valid


@pytest.mark.parametrize(
    ("now", "due"),
    [
        (utc(2026, 11, 3, 14, 0), None),  # Tuesday 09:00 EST: not a chosen day
        (utc(2026, 11, 4, 14, 0), date(2026, 11, 4)),  # Wednesday 09:00 EST
        (utc(2026, 11, 5, 3, 0), date(2026, 11, 4)),  # Wednesday 22:00 in New York: caught up the same local day
        (utc(2026, 11, 5, 14, 0), None),  # Thursday
        (utc(2026, 11, 7, 14, 0), None),  # Saturday
        (utc(2026, 11, 2, 13, 30), None),  # Monday 08:30 EST, the day after the fall change (09:30 if EDT stuck)
        (utc(2026, 11, 2, 14, 0), date(2026, 11, 2)),  # Monday 09:00 EST
        (utc(2026, 3, 9, 13, 0), date(2026, 3, 9)),  # Monday after the spring change: 09:00 EDT is 13:00 UTC
        (utc(2026, 3, 10, 13, 0), None),  # Tuesday of that week
    ],
)
def test_a_monday_wednesday_friday_digest_is_due_only_on_those_local_days(now: datetime, due: date | None) -> None:
    assert due_local_date(NEW_YORK_MWF, now) == due


def test_the_chosen_day_is_the_one_in_the_channels_own_zone() -> None:
    sydney_mondays = DigestSchedule(time(7, 0), "Australia/Sydney", frozenset({MON}))
    assert due_local_date(sydney_mondays, utc(2026, 11, 30, 21, 0)) is None  # Monday in UTC, Tuesday 08:00 in Sydney
    assert due_local_date(sydney_mondays, utc(2026, 11, 29, 21, 0)) == date(2026, 11, 30)  # Monday 08:00 in Sydney


def test_the_next_custom_day_keeps_its_local_time_across_the_fall_change() -> None:
    friday_done = utc(2026, 10, 30, 14, 0)  # Friday 10:00 EDT, delivered
    assert next_delivery(NEW_YORK_MWF, friday_done, delivered_today=True) == utc(2026, 11, 2, 14, 0)  # Monday 09:00 EST
    tuesday = utc(2026, 11, 3, 15, 0)
    assert next_delivery(NEW_YORK_MWF, tuesday, delivered_today=False) == utc(2026, 11, 4, 14, 0)


def test_day_sets_round_trip_through_the_stored_mask_and_every_day_is_none() -> None:
    assert days_mask(EVERY_DAY) is None and days_from_mask(None) == EVERY_DAY
    assert days_mask(WEEKDAYS) == 0b0011111 and days_from_mask(0b0011111) == WEEKDAYS
    assert days_from_mask(days_mask(frozenset({MON, WED, FRI}))) == frozenset({MON, WED, FRI})
    assert NEW_YORK_WEEKDAYS.weekdays_only and not NEW_YORK_MWF.weekdays_only and not BERLIN.weekdays_only
