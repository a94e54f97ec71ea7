"""Carrying out settings commands: who may change what, topics and workspace settings.

Each function receives its dependencies (database sessions, the Slack client) and
returns the `Message` to show; the digest commands live in `bot.digest_settings`.
"""

from __future__ import annotations

from dataclasses import dataclass

from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import settings_blocks as sb
from bot.blocks import Message
from bot.deps import Deps
from bot.settings_grammar import AddTopics, ClearTopics, RemoveTopics, SetRestriction, ShowTopics
from bot.slack_facts import look_up_person
from bot.topic_edits import add_topics, remove_topics
from insights.targets import CHANNEL, PERSON
from storage.channels_store import (
    get_target,
    get_target_for_update,
    get_workspace,
    update_target,
    update_workspace,
)


@dataclass(frozen=True, slots=True)
class Asker:
    """Who typed the command, in which channel, with which command name."""

    team_id: str
    channel_id: str
    user_id: str
    command: str = "/insights"
    in_group_dm: bool = False  # a multi-person DM (`mpdm-…`): no channel digests, no conversations.info

    def place(self, personal: bool) -> Place:
        """The target a command addresses: this channel, or the asker's personal brief."""
        if personal:
            return Place(self.team_id, self.user_id, PERSON)
        return Place(self.team_id, self.channel_id, CHANNEL)

    @property
    def in_direct_message(self) -> bool:
        return self.channel_id.startswith("D")


@dataclass(frozen=True, slots=True)
class Place:
    """A digest target's key: team, channel (or user id) and kind."""

    team_id: str
    channel_id: str
    kind: str

    @property
    def personal(self) -> bool:
        return self.kind == PERSON


def refusal(deps: Deps, client: WebClient, asker: Asker, place: Place) -> Message | None:
    """Why `asker` may not change `place`, or None when they may.

    Personal briefs belong to their owner (commands only ever address the asker's own).
    A channel is open to everyone unless the workspace restricts changes to admins and
    the person who set that channel's digest up.
    """
    if place.personal:
        return None
    with deps.sessions() as session:
        restricted = get_workspace(session, place.team_id).restrict_settings
        target = get_target(session, place.team_id, place.channel_id)
    creator = target.created_by if target else None
    if not restricted or creator == asker.user_id or look_up_person(client, asker.user_id).is_admin:
        return None
    return sb.not_allowed(creator, asker.command)


def show_topics(deps: Deps, asker: Asker, command: ShowTopics) -> Message:
    place = asker.place(command.personal)
    with deps.sessions() as session:
        target = get_target(session, place.team_id, place.channel_id)
    return sb.topics_shown(target.topics if target else (), place.personal, asker.command)


def change_topics(deps: Deps, asker: Asker, command: AddTopics | RemoveTopics | ClearTopics) -> Message:
    """Add, remove or clear topics in one transaction (the row is locked while it changes)."""
    place = asker.place(command.personal)
    with deps.sessions.begin() as session:
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


def show_workspace(deps: Deps, asker: Asker) -> Message:
    with deps.sessions() as session:
        settings = get_workspace(session, asker.team_id)
    return sb.workspace_settings(settings, asker.command)


def set_restriction(deps: Deps, client: WebClient, asker: Asker, command: SetRestriction) -> Message:
    """Only workspace admins and owners may restrict (or open) digest changes."""
    if not look_up_person(client, asker.user_id).is_admin:
        return sb.admins_only(asker.command)
    change = ("restricted digest changes to admins and digest creators" if command.restricted
              else "let everyone change channel digests")
    with deps.sessions.begin() as session:
        update_workspace(session, asker.team_id, by_user=asker.user_id, change=change,
                         restrict_settings=command.restricted)
    return sb.restriction_set(command.restricted, asker.command)
