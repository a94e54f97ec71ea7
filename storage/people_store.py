"""Forgetting a person: everything stored about one user of one team, and nobody else's."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from insights.targets import PERSON
from storage.models import (
    Channel,
    DeliveredInsight,
    Delivery,
    Feedback,
    PostedMessage,
    SavedInsight,
    SettingsChange,
    Workspace,
)


@dataclass(frozen=True, slots=True)
class Forgotten:
    """How many rows went (or were anonymised) when a person asked to be forgotten."""

    saved: int
    feedback: int
    personal_brief: int
    anonymised: int


def forget_person(session: Session, team_id: str, user_id: str) -> Forgotten:
    """Delete a person's saved insights, feedback and personal brief; remove their name from settings.

    Channel settings they created or changed stay (the channel still wants its digest), with
    the author set to NULL; so do audit trail entries, without their user id.
    """
    saved = _count(session, delete(SavedInsight).where(SavedInsight.team_id == team_id, SavedInsight.user_id == user_id))
    feedback = _count(session, delete(Feedback).where(Feedback.team_id == team_id, Feedback.user_id == user_id))
    brief = _forget_personal_brief(session, team_id, user_id)
    anonymised = 0
    for column in (Channel.created_by, Channel.updated_by):
        anonymised += _count(session, update(Channel).where(Channel.team_id == team_id, column == user_id)
                              .values({column: None}))
    anonymised += _count(session, update(SettingsChange)
                          .where(SettingsChange.team_id == team_id, SettingsChange.user_id == user_id)
                          .values(user_id=None))
    anonymised += _count(session, update(Workspace)
                          .where(Workspace.team_id == team_id, Workspace.updated_by == user_id)
                          .values(updated_by=None))
    return Forgotten(saved, feedback, brief, anonymised)


def _forget_personal_brief(session: Session, team_id: str, user_id: str) -> int:
    """The person's own brief: its settings, history, and the records of messages sent to their DM."""
    dm_channels = set(session.scalars(
        select(Delivery.post_channel).where(Delivery.team_id == team_id, Delivery.channel_id == user_id,
                                            Delivery.post_channel.is_not(None))
    ))
    if dm_channels:
        session.execute(delete(PostedMessage).where(PostedMessage.team_id == team_id,
                                                    PostedMessage.channel_id.in_(dm_channels)))
    session.execute(delete(DeliveredInsight).where(DeliveredInsight.team_id == team_id,
                                                   DeliveredInsight.channel_id == user_id))
    session.execute(delete(Delivery).where(Delivery.team_id == team_id, Delivery.channel_id == user_id))
    session.execute(delete(SettingsChange).where(SettingsChange.team_id == team_id,
                                                 SettingsChange.channel_id == user_id))
    return _count(session, delete(Channel).where(Channel.team_id == team_id, Channel.channel_id == user_id,
                                                  Channel.kind == PERSON))


def _count(session: Session, statement: object) -> int:
    """Run a DELETE or UPDATE and return how many rows it touched."""
    return int(session.execute(statement).rowcount or 0)  # type: ignore[call-overload]
