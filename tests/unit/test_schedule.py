"""Digest schedules: local wall-clock times, weekdays, DST changes and same-day catch-up."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

import pytest

from insights.schedule import DigestSchedule, due_local_date, is_valid_timezone, next_delivery

BERLIN = DigestSchedule(time(8, 30), "Europe/Berlin")
NEW_YORK_WEEKDAYS = DigestSchedule(time(9, 0), "America/New_York", weekdays_only=True)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


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
