"""Digest deliveries claimed in the database, so each target gets one digest per local date.

A claim is a row unique on (team, channel, local date). Its picks are stored with it,
each marked once its message is posted, so a worker that takes over an expired claim
(after a crash or an outage) resumes where the other stopped instead of starting over.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, SQLColumnExpression, exists, or_, select, update
from sqlalchemy.orm import Session

from insights.model import Insight
from storage.clock import as_utc
from storage.insights_store import get_insight
from storage.models import DeliveredInsight, Delivery
from storage.sql_helpers import upsert_insert

CLAIMED, DELIVERED, SKIPPED, FAILED = "claimed", "delivered", "skipped", "failed"


@dataclass(frozen=True, slots=True)
class Claim:
    """A delivery this worker owns until `lease_until`."""

    id: int
    team_id: str
    channel_id: str
    local_date: str
    attempts: int
    post_channel: str | None
    header_ts: str | None

    @property
    def resumed(self) -> bool:
        return self.attempts > 1


@dataclass(frozen=True, slots=True)
class StoredPick:
    """A pick of a claimed delivery, in order; `posted_ts` is None until it is posted."""

    row_id: int
    insight: Insight
    position: int
    reasons: tuple[str, ...]
    also_on: tuple[str, ...]
    posted_ts: str | None


def taken(
    team_id: SQLColumnExpression[str], channel_id: SQLColumnExpression[str], local_date: str, now: datetime
) -> ColumnElement[bool]:
    """SQL: the delivery of (team, channel, local_date) is finished, failed, or held under a live lease."""
    expired = (Delivery.status == CLAIMED) & or_(Delivery.lease_until.is_(None), Delivery.lease_until < now)
    return exists().where(
        Delivery.team_id == team_id, Delivery.channel_id == channel_id, Delivery.local_date == local_date, ~expired
    )


def claim_delivery(
    session: Session, team_id: str, channel_id: str, local_date: str, worker: str, now: datetime, lease: timedelta
) -> Claim | None:
    """Claim (team, channel, date) for this worker: a new claim, a takeover of an expired or
    failed one, or None when someone else holds it or it is done."""
    inserted = session.execute(
        upsert_insert(session, Delivery)
        .values(team_id=team_id, channel_id=channel_id, local_date=local_date, status=CLAIMED, claimed_by=worker,
                claimed_at=now, lease_until=now + lease, attempts=1)
        .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "local_date"])
        .returning(Delivery.id)
    ).scalar()
    if inserted is None:
        taken = session.execute(
            update(Delivery)
            .where(
                Delivery.team_id == team_id,
                Delivery.channel_id == channel_id,
                Delivery.local_date == local_date,
                or_(
                    Delivery.status == FAILED,
                    (Delivery.status == CLAIMED) & or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
                ),
            )
            .values(status=CLAIMED, claimed_by=worker, claimed_at=now, lease_until=now + lease,
                    attempts=Delivery.attempts + 1, error=None)
            .returning(Delivery.id)
        ).scalar()
        if taken is None:
            return None
    row = session.scalar(
        select(Delivery).where(
            Delivery.team_id == team_id, Delivery.channel_id == channel_id, Delivery.local_date == local_date
        )
    )
    assert row is not None
    return Claim(row.id, team_id, channel_id, local_date, row.attempts, row.post_channel, row.header_ts)


def store_picks(session: Session, claim: Claim, picks: Sequence[tuple[int, Sequence[str], Sequence[str]]], now: datetime) -> None:
    """Remember the chosen (insight id, reasons, also_on) for a claim; a channel never gets one twice."""
    for position, (insight_id, reasons, also_on) in enumerate(picks):
        session.execute(
            upsert_insert(session, DeliveredInsight)
            .values(team_id=claim.team_id, channel_id=claim.channel_id, insight_id=insight_id, delivery_id=claim.id,
                    delivered_at=now, position=position, reasons=list(reasons), also_on=list(also_on))
            .on_conflict_do_nothing(index_elements=["team_id", "channel_id", "insight_id"])
        )


def stored_picks(session: Session, delivery_id: int) -> list[StoredPick]:
    rows = session.scalars(
        select(DeliveredInsight).where(DeliveredInsight.delivery_id == delivery_id).order_by(DeliveredInsight.position)
    )
    picks = []
    for row in rows:
        insight = get_insight(session, row.insight_id)
        if insight is not None:
            picks.append(StoredPick(row.id, insight, row.position, tuple(row.reasons or ()), tuple(row.also_on or ()),
                                    row.posted_ts))
    return picks


def has_picks(session: Session, delivery_id: int) -> bool:
    return session.scalar(select(DeliveredInsight.id).where(DeliveredInsight.delivery_id == delivery_id).limit(1)) is not None


def delivered_insight_ids(session: Session, team_id: str, channel_id: str) -> set[int]:
    """Every insight this target has received or has been promised (pending picks)."""
    return set(session.scalars(
        select(DeliveredInsight.insight_id).where(
            DeliveredInsight.team_id == team_id, DeliveredInsight.channel_id == channel_id
        )
    ))


def mark_pick_posted(session: Session, row_id: int, ts: str) -> None:
    session.execute(update(DeliveredInsight).where(DeliveredInsight.id == row_id).values(posted_ts=ts))


def set_post_channel(session: Session, delivery_id: int, channel: str) -> None:
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(post_channel=channel))


def set_header_ts(session: Session, delivery_id: int, ts: str) -> None:
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(header_ts=ts))


def finish_delivery(session: Session, delivery_id: int, status: str, now: datetime, error: str | None = None) -> None:
    """Close a claim as delivered, skipped or failed (failed claims may be claimed again)."""
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id)
        .values(status=status, completed_at=now, lease_until=None, error=error[:500] if error else None)
    )


def release_claim(session: Session, delivery_id: int, error: str) -> None:
    """Give a claim up after a passing failure: the next run may take it over at once."""
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id, Delivery.status == CLAIMED)
        .values(lease_until=None, error=error[:500])
    )


def delivery_status(session: Session, team_id: str, channel_id: str, local_date: str) -> str | None:
    return session.scalar(
        select(Delivery.status).where(
            Delivery.team_id == team_id, Delivery.channel_id == channel_id, Delivery.local_date == local_date
        )
    )


def delivery_states(session: Session, local_dates: Sequence[str]) -> dict[tuple[str, str, str], tuple[str, datetime | None]]:
    """(team, channel, date) -> (status, lease_until) for every delivery on those dates, in one query."""
    if not local_dates:
        return {}
    rows = session.execute(
        select(Delivery.team_id, Delivery.channel_id, Delivery.local_date, Delivery.status, Delivery.lease_until)
        .where(Delivery.local_date.in_(sorted(set(local_dates))))
    )
    return {(r.team_id, r.channel_id, r.local_date): (r.status, as_utc(r.lease_until)) for r in rows}
