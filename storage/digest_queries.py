"""Reads the digest needs: the recent window of insights."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import Session

from insights.model import Insight
from storage.clock import as_utc
from storage.insights_store import insight_query, to_insight
from storage.models import InsightRow
from storage.tenancy import Scope, in_scope

#: `Insight.dated_at` in SQL: the publication date or, without one, when the insight was added.
DATED_AT = func.coalesce(InsightRow.published_at, InsightRow.created_at)


def recent_insights(
    session: Session, since: datetime, until: datetime | None = None, scope: Scope = None
) -> list[Insight]:
    """Insights dated (`Insight.dated_at`: published or, without a date, added) in [since, until], of
    `scope`'s podcasts when given. `insights.digest.digest_window` gives the bounds of a digest's window;
    `build_pool` keeps exactly these. `added_at` is filled in where it dates the insight (no published
    date): copying every insight of a large window would cost more than the query."""
    when = DATED_AT
    query = insight_query().add_columns(InsightRow.created_at).where(when >= since)
    if until is not None:
        query = query.where(when <= until)
    if (visible := in_scope(scope)) is not None:
        query = query.where(visible)
    insights = [(to_insight(row), row.created_at) for row in session.execute(query.order_by(InsightRow.id))]
    return [i if i.published_at else replace(i, added_at=as_utc(created)) for i, created in insights]
