"""Migration 0011: a digest set to weekdays only keeps going out Monday to Friday, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.engine import Engine

from insights.schedule import EVERY_DAY, WEEKDAYS
from storage.channels_store import get_target
from storage.db import alembic_config, session_factory

_ROW = ("INSERT INTO channels (team_id, channel_id, kind, topics, digest_time, timezone, weekdays_only, paused, "
        "thread_mode, created_at, updated_at) VALUES ('T0', :channel, 'channel', '[]', '09:00', 'Europe/Berlin', "
        ":weekdays, :no, :no, :at, :at)")


@pytest.fixture
def before_0011(engine: Engine) -> Iterator[Engine]:
    """The schema as it was before custom days; brought back to the newest revision afterwards."""
    config = alembic_config(engine)
    command.downgrade(config, "0010")
    try:
        yield engine
    finally:
        command.upgrade(config, "head")


def test_weekdays_only_becomes_monday_to_friday_and_the_others_stay_every_day(before_0011: Engine) -> None:
    at = datetime(2026, 12, 1, tzinfo=UTC)
    with before_0011.begin() as connection:
        connection.execute(text(_ROW), {"channel": "C0WEEKDAYS", "weekdays": True, "no": False, "at": at})
        connection.execute(text(_ROW), {"channel": "C0DAILY", "weekdays": False, "no": False, "at": at})
    command.upgrade(alembic_config(before_0011), "head")
    with session_factory(before_0011)() as session:
        weekdays, daily = (get_target(session, "T0", c) for c in ("C0WEEKDAYS", "C0DAILY"))
    assert weekdays is not None and weekdays.schedule is not None and weekdays.schedule.days == WEEKDAYS
    assert daily is not None and daily.schedule is not None and daily.schedule.days == EVERY_DAY
