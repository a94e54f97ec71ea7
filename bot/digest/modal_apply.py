"""Carrying out a digest settings modal through the text commands' own functions.

Each changed field becomes the command a person would have typed (`digest at 8:30 Europe/Berlin`,
`digest days …`, `topics add …`, `digest pause`…), run by `bot.digest.settings` and
`bot.digest.channel_settings`: the same stored row, the same audit entries, the same confirmations.
"""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.models.blocks import Block, DividerBlock
from sqlalchemy.orm import Session, sessionmaker

from bot.deps import Deps
from bot.digest import channel_settings as actions
from bot.digest import settings as digest
from bot.digest.grammar import AddTopics, ClearTopics, RemoveTopics, SetDays, SetDigestTime, SetPaused, SetThreadMode
from bot.digest.modal import ModalTarget, Submitted
from bot.shared.blocks import Message, notice
from bot.shared.request import Asker
from bot.shared.slack_facts import look_up_person
from insights.targets import DigestTarget
from insights.topics import normalise_topic
from storage.channels_store import get_target

NOTHING_CHANGED = "Nothing changed: the settings were already these."


def asker_for(target: ModalTarget, team_id: str, user_id: str) -> Asker:
    """The person as the text commands see them: in the digest's channel (or their DM for their brief)."""
    channel = (target.origin_channel or "") if target.personal else target.channel_id
    return Asker(team_id=team_id, channel_id=channel, user_id=user_id)


def current_target(sessions: sessionmaker[Session], team_id: str, target: ModalTarget) -> DigestTarget | None:
    with sessions() as session:
        return get_target(session, team_id, target.channel_id)


def default_zone(client: WebClient, current: DigestTarget | None, user_id: str) -> str:
    """The digest's zone, else the person's own (users.info), else UTC."""
    if current is not None and current.schedule is not None:
        return current.schedule.timezone
    return look_up_person(client, user_id).timezone or "UTC"


def refusal(sessions: sessionmaker[Session], client: WebClient, asker: Asker, target: ModalTarget) -> Message | None:
    """Why the person may not change this digest (the text commands' rule), or None."""
    return actions.refusal(sessions, client, asker, asker.place(target.personal))


def apply_submission(deps: Deps, client: WebClient, asker: Asker, target: ModalTarget, wanted: Submitted) -> Message:
    """Change what differs, field by field, as the text commands would; one confirmation for all."""
    personal = target.personal
    before = current_target(deps.sessions, asker.team_id, target)
    replies: list[Message] = []
    schedule = before.schedule if before else None
    if schedule is None or (schedule.at, schedule.timezone) != (wanted.at, wanted.zone):
        replies.append(digest.set_time(deps, client, asker, SetDigestTime(wanted.at, wanted.zone, personal)))
        before = current_target(deps.sessions, asker.team_id, target)
    assert before is not None and before.schedule is not None
    if before.schedule.days != wanted.days:
        replies.append(digest.set_option(deps, client, asker, SetDays(wanted.days, personal)))
    if before.thread_mode != wanted.thread_mode:
        replies.append(digest.set_option(deps, client, asker, SetThreadMode(wanted.thread_mode, personal)))
    replies += _topic_changes(deps, asker, before.topics, wanted.topics, personal)
    if before.paused != wanted.paused:
        replies.append(digest.set_option(deps, client, asker, SetPaused(wanted.paused, personal)))
    return _combined(replies)


def _topic_changes(deps: Deps, asker: Asker, current: tuple[str, ...], wanted: tuple[str, ...],
                   personal: bool) -> list[Message]:
    if current and not wanted:
        return [actions.change_topics(deps.sessions, asker, ClearTopics(personal))]
    keep = {normalise_topic(t) for t in wanted}
    have = {normalise_topic(t) for t in current}
    gone = tuple(t for t in current if normalise_topic(t) not in keep)
    new = tuple(t for t in wanted if normalise_topic(t) not in have)
    replies = [actions.change_topics(deps.sessions, asker, RemoveTopics(gone, personal))] if gone else []
    if new:
        replies.append(actions.change_topics(deps.sessions, asker, AddTopics(new, personal)))
    return replies


def _combined(replies: list[Message]) -> Message:
    if not replies:
        return notice(NOTHING_CHANGED)
    blocks: list[Block] = []
    for index, reply in enumerate(replies):
        if index:
            blocks.append(DividerBlock())
        blocks.extend(reply.blocks)
    return Message(blocks, " ".join(reply.text for reply in replies))
