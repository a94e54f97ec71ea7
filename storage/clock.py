"""Time as storage hands it out: the current UTC time, and aware UTC from what a database returns."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import overload

#: Something that tells the time; injected wherever "now" matters, so tests can pin it.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current time, aware UTC (the default clock)."""
    return datetime.now(UTC)


@overload
def as_utc(value: datetime) -> datetime: ...
@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: datetime | None) -> datetime | None: ...
def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands back naive datetimes; every datetime leaving storage is aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
