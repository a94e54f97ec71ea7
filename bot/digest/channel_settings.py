"""Carrying out settings commands: who may change what, topics and workspace settings.

Each function receives its dependencies (database sessions, the Slack client) and
returns the `Message` to show; the digest commands live in `bot.digest.settings`.
"""

from __future__ import annotations

from slack_sdk import WebClient
from sqlalchemy.orm import Session, sessionmaker

from bot.digest import settings_blocks as sb
from bot.digest.grammar import AddTopics, ClearTopics, RemoveTopics, SetRestriction, ShowTopics
from bot.shared.blocks import Message
from bot.shared.request import Asker, Place
from bot.shared.slack_facts import look_up_person
from insights.topic_edits import add_topics, remove_topics
from storage.channels_store import (
    get_target,
    get_target_for_update,
    get_workspace,
    update_target,
    update_workspace,
)


def refusal(sessions: sessionmaker[Session], client: WebClient, asker: Asker, place: Place) -> Message | None:
    """Why `asker` may not change `place`, or None when they may.

    Personal briefs belong to their owner (commands only ever address the asker's own).
    A channel is open to everyone unless the workspace restricts changes to admins and
    the person who set that channel's digest up.
    """
    if place.personal:
        return None
    with sessions() as session:
        restricted = get_workspace(session, place.team_id).restrict_settings
        target = get_target(session, place.team_id, place.channel_id)
    creator = target.created_by if target else None
    if not restricted or creator == asker.user_id or look_up_person(client, asker.user_id).is_admin:
        return None
    return sb.not_allowed(creator, asker.command)


def show_topics(sessions: sessionmaker[Session], asker: Asker, command: ShowTopics) -> Message:
    place = asker.place(command.personal)
    with sessions() as session:
        target = get_target(session, place.team_id, place.channel_id)
    return sb.topics_shown(target.topics if target else (), place.personal, asker.command)


def change_topics(sessions: sessionmaker[Session], asker: Asker, command: AddTopics | RemoveTopics | ClearTopics) -> Message:
    """Add, remove or clear topics in one transaction (the row is locked while it changes)."""
    place = asker.place(command.personal)
    with sessions.begin() as session:
        target = get_target_for_update(session, place.team_id, place.channel_id)
        current = target.topics if target else ()
        if isinstance(command, AddTopics):
            added = add_topics(current, command.topics)
            _save_topics(session, asker, place, added.topics, f"added topics: {', '.join(added.added)}", added.added)
            return sb.topics_added(added, place.personal, asker.command)
        if isinstance(command, RemoveTopics):
            gone = remove_topics(current, command.topics)
            _save_topics(session, asker, place, gone.topics, f"removed topics: {', '.join(gone.removed)}", gone.removed)
            return sb.topics_removed(gone, place.personal, asker.command)
        _save_topics(session, asker, place, (), f"cleared topics (were: {', '.join(current)})", current)
        return sb.topics_cleared(current, place.personal, asker.command)


def _save_topics(session: Session, asker: Asker, place: Place, topics: tuple[str, ...], change: str,
                 changed: tuple[str, ...]) -> None:
    if changed:  # nothing changed, nothing recorded
        update_target(session, place.team_id, place.channel_id, by_user=asker.user_id, change=change,
                      kind=place.kind, topics=list(topics))


def show_workspace(sessions: sessionmaker[Session], asker: Asker) -> Message:
    with sessions() as session:
        settings = get_workspace(session, asker.team_id)
    return sb.workspace_settings(settings, asker.command)


def set_restriction(sessions: sessionmaker[Session], client: WebClient, asker: Asker, command: SetRestriction) -> Message:
    """Only workspace admins and owners may restrict (or open) digest changes."""
    if not look_up_person(client, asker.user_id).is_admin:
        return sb.admins_only(asker.command)
    change = ("restricted digest changes to admins and digest creators" if command.restricted
              else "let everyone change channel digests")
    with sessions.begin() as session:
        update_workspace(session, asker.team_id, by_user=asker.user_id, change=change,
                         restrict_settings=command.restricted)
    return sb.restriction_set(command.restricted, asker.command)
