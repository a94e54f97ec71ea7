"""Reads the digest needs: the recent window of insights."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import Session

from insights.model import Insight
from storage.insights_store import insight_query, to_insight
from storage.models import InsightRow
from storage.tenancy import Scope, in_scope


def recent_insights(
    session: Session, since: datetime, until: datetime | None = None, scope: Scope = None
) -> list[Insight]:
    """Insights published (or, without a date, added) in [since, until), of `scope`'s podcasts when given."""
    when = func.coalesce(InsightRow.published_at, InsightRow.created_at)
    query = insight_query().where(when >= since)
    if until is not None:
        query = query.where(when < until)
    if (visible := in_scope(scope)) is not None:
        query = query.where(visible)
    return [to_insight(row) for row in session.execute(query.order_by(InsightRow.id))]
