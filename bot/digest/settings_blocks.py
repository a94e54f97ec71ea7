"""Block Kit replies to the settings commands: pure functions returning `Message`s."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.digest.grammar import CMD, SettingsUsageError
from bot.shared.blocks import SECTION_LIMIT, Message
from bot.shared.mrkdwn import clip, escape, name
from bot.shared.slack_errors import CHANNEL_PROBLEMS
from bot.shared.slack_facts import ChannelAccess
from insights.settings_values import days_phrase
from insights.targets import MAX_TOPICS, DigestTarget, WorkspaceSettings
from insights.topic_edits import TopicsAdded, TopicsRemoved

Change = tuple[str | None, str, datetime]
ZONE_NOTES = {
    "yours": "I used your Slack time zone, *{zone}*. For another one, add a city or zone: `{cmd} {example} london`.",
    "utc": "I couldn't find your time zone in Slack, so I used *UTC*. "
    "To pick one, add a city or zone: `{cmd} {example} new york`.",
}


@dataclass(frozen=True, slots=True)
class DigestView:
    """Everything `/insights digest` shows about one target."""

    personal: bool
    target: DigestTarget | None
    now: datetime
    next_at: datetime | None = None
    restricted: bool = False
    changes: tuple[Change, ...] = ()


def section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))


def context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION_LIMIT))])


def reply(lines: Sequence[str], notes: Sequence[str] = (), command: str = CMD) -> Message:
    """A section of `lines` and a context block of `notes`, with the real command name."""
    text = _named("\n".join(line for line in lines if line), command)
    blocks: list[Block] = [section(text)]
    if notes:
        blocks.append(context(_named("\n".join(notes), command)))
    plain = text.replace("*", "").replace("`", "")
    return Message(blocks, clip(plain, 3000))


def settings_error(error: SettingsUsageError, command: str = CMD) -> Message:
    usage = " · ".join(f"`{CMD} {line}`" for line in error.usage)
    return reply([escape(error.message)], [f"Usage: {usage}"], command)


def topic_list(topics: Sequence[str]) -> str:
    return ", ".join(f"*{name(t)}*" for t in topics)


def topics_shown(topics: Sequence[str], personal: bool = False, command: str = CMD) -> Message:
    whose = _whose(personal)
    me = _me(personal)
    if not topics:
        return reply([f"{whose} digest follows no topics yet, so it brings the best of everything.",
                      f"Add some with `{CMD} {me}topics add ai policy, semiconductors`."], command=command)
    return reply([f"{whose} digest follows {len(topics)} topic{_s(len(topics))}: {topic_list(topics)}."],
                 [f"Change them with `{CMD} {me}topics add …`, `{CMD} {me}topics remove …` or `{CMD} {me}topics clear`."],
                 command)


def topics_added(result: TopicsAdded, personal: bool = False, command: str = CMD) -> Message:
    lines = [f"Added {topic_list(result.added)}." if result.added else "No new topics added."]
    if result.already:
        lines.append(f"Already followed: {topic_list(result.already)}.")
    if result.over_cap:
        lines.append(f"Not added, the list is full ({MAX_TOPICS} topics at most): {topic_list(result.over_cap)}. "
                     f"Remove some with `{CMD} {_me(personal)}topics remove …` first.")
    return reply(lines, [_now_following(result.topics)], command)


def topics_removed(result: TopicsRemoved, personal: bool = False, command: str = CMD) -> Message:
    lines = [f"Removed {topic_list(result.removed)}."] if result.removed else []
    for unknown in result.unknown:
        if unknown.suggestions:
            lines.append(f"*{escape(unknown.typed)}* is not a topic here. Did you mean {topic_list(unknown.suggestions)}?")
        else:
            lines.append(f"*{escape(unknown.typed)}* is not a topic here.")
    return reply(lines, [_now_following(result.topics)], command)


def topics_cleared(previous: Sequence[str], personal: bool = False, command: str = CMD) -> Message:
    if not previous:
        return reply([f"{_whose(personal)} digest had no topics to clear."], command=command)
    return reply([f"Cleared {len(previous)} topic{_s(len(previous))}: {topic_list(previous)}."],
                 ["With no topics, the digest brings the best of everything."], command)


def digest_overview(view: DigestView, command: str = CMD) -> Message:
    """`/insights digest`: the settings, the next delivery in local time, who set it up."""
    target, me = view.target, _me(view.personal)
    title = "*Your personal brief* (sent to you by direct message)" if view.personal else "*This channel's daily digest*"
    if target is None or target.schedule is None:
        topics = f"Topics so far: {topic_list(target.topics)}." if target and target.topics else ""
        return reply([title, "Not set up yet.", topics,
                      f"Set it up with `{CMD} {me}digest at 9:00` (your time zone) or `{CMD} {me}digest at 9:00 berlin`, "
                      f"then choose topics with `{CMD} {me}topics add ai policy, semiconductors`."], command=command)
    lines = [title, *_settings_lines(target), _next_line(view)]
    return reply(lines, _audit_notes(view), command)


def digest_time_set(target: DigestTarget, next_at: datetime, now: datetime, zone_source: str,
                    access: ChannelAccess | None, command: str = CMD) -> Message:
    assert target.schedule is not None
    subject = "your brief" if target.is_personal else "the digest"
    lines = [f"Done: {subject} arrives at *{target.schedule.at:%H:%M}* ({escape(target.schedule.timezone)}), "
             f"{_days(target)}.", f"Next delivery: {when(next_at, now)}."]
    if access is not None and not access.can_post:
        lines.append(f":warning: {CHANNEL_PROBLEMS.get(access.reason or '', CHANNEL_PROBLEMS['not_in_channel']).setup}")
    note = ZONE_NOTES.get(zone_source)
    example = f"{_me(target.is_personal)}digest at {target.schedule.at:%H:%M}"
    notes = [note.format(zone=target.schedule.timezone, cmd=CMD, example=example)] if note else []
    return reply(lines, notes, command)


def digest_changed(done: str, target: DigestTarget, next_at: datetime | None, now: datetime,
                   access: ChannelAccess | None = None, command: str = CMD) -> Message:
    """A confirmation of a digest change, with when the next one goes out (if it is set up)."""
    lines = [done]
    if target.schedule is None:
        lines.append(f"It takes effect once the digest has a time: `{CMD} {_me(target.is_personal)}digest at 9:00`.")
    elif next_at is not None:
        lines.append(f"Next delivery: {when(next_at, now)}.")
    if access is not None and not access.can_post:
        lines.append(f":warning: {CHANNEL_PROBLEMS.get(access.reason or '', CHANNEL_PROBLEMS['not_in_channel']).setup}")
    return reply(lines, command=command)


def not_set_up(personal: bool = False, command: str = CMD) -> Message:
    me = _me(personal)
    return reply([f"{_whose(personal)} digest isn't set up yet. Set it up with `{CMD} {me}digest at 9:00`."],
                 command=command)


def use_personal_brief(command: str = CMD) -> Message:
    return reply(["This is a direct message, so there is no channel digest here.",
                  f"For a brief sent to you, use `{CMD} me digest at 7:30` and `{CMD} me topics add …`."],
                 command=command)


def no_group_dm_digests(command: str = CMD) -> Message:
    return reply(["This is a group direct message: digests go to channels or to you alone, not to group DMs.",
                  f"Set one up in a channel with `{CMD} digest at 9:00`, or get your own brief with "
                  f"`{CMD} me digest at 7:30`."], command=command)


def not_allowed(creator: str | None, command: str = CMD) -> Message:
    who = f"workspace admins and <@{creator}>, who set it up," if creator else "workspace admins"
    return reply([f"In this workspace, only {who} can change this channel's digest.",
                  f"You can still see it with `{CMD} digest`, and set up your own with `{CMD} me digest at 7:30`."],
                 command=command)


def admins_only(command: str = CMD) -> Message:
    return reply(["Only workspace admins and owners can change workspace settings."], command=command)


def workspace_settings(settings: WorkspaceSettings, command: str = CMD) -> Message:
    state = ("*restricted*: only workspace admins and the person who set a channel's digest up can change it"
             if settings.restrict_settings else "*open*: anyone in a channel can change its digest")
    return reply([f"Digest settings are {state}.", "Personal briefs are always changed by their owner only."],
                 [f"Admins: `{CMD} settings restrict on` or `{CMD} settings restrict off`."], command)


def restriction_set(restricted: bool, command: str = CMD) -> Message:
    if restricted:
        return reply(["Done: only workspace admins and the person who set a channel's digest up can change it now. "
                      "Everyone can still see the settings."], command=command)
    return reply(["Done: anyone in a channel can change its digest now."], command=command)


# ----------------------------------------------------------------------------- pieces
def when(moment: datetime, now: datetime) -> str:
    """"Tue, Nov 25 at 08:30 CET (tomorrow, in 14 h 10 min)" on the moment's own wall clock."""
    if moment <= now:
        return "any minute now (today's digest is due)"
    today = now.astimezone(moment.tzinfo).date()
    day = {0: "today", 1: "tomorrow"}.get((moment.date() - today).days)
    minutes = int((moment - now).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    relative = f"in {hours} h" + (f" {minutes} min" if minutes else "") if hours else f"in {max(minutes, 1)} min"
    return f"*{moment:%a, %b} {moment.day} at {moment:%H:%M} {moment.tzname()}* ({', '.join(filter(None, (day, relative)))})"


def _settings_lines(target: DigestTarget) -> list[str]:
    assert target.schedule is not None
    topics = topic_list(target.topics) if target.topics else "none yet, so the best of everything"
    status = "paused" + (f" ({escape(target.paused_reason)})" if target.paused_reason else "") if target.paused else "active"
    layout = "as replies in a thread under the header" if target.thread_mode else "each insight as its own message"
    return [f"• Topics: {topics}", f"• Time: *{target.schedule.at:%H:%M}* {escape(target.schedule.timezone)}, {_days(target)}",
            f"• Status: {status}", f"• Layout: {layout}"]


def _next_line(view: DigestView) -> str:
    me = _me(view.personal)
    if view.target is not None and view.target.paused:
        return f"No deliveries while paused. Resume with `{CMD} {me}digest resume`."
    if view.next_at is None:
        return ""
    return f"Next delivery: {when(view.next_at, view.now)}."


def _audit_notes(view: DigestView) -> list[str]:
    target = view.target
    assert target is not None
    parts = []
    if target.created_by:
        parts.append(f"Set up by <@{target.created_by}>")
    if target.updated_by:
        parts.append(f"last changed by <@{target.updated_by}>")
    notes = [" · ".join(parts)] if parts else []
    notes += [f"{_who(user)} {escape(clip(change, 200))} ({_slack_date(at)})" for user, change, at in view.changes]
    if view.restricted and not view.personal:
        notes.append("Only workspace admins and the person who set this digest up can change it.")
    return notes


def _slack_date(moment: datetime) -> str:
    """A date Slack shows in each reader's own time zone."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{moment:%b %d, %Y %H:%M} UTC>"


def _now_following(topics: Sequence[str]) -> str:
    return f"Now following: {topic_list(topics)}." if topics else "No topics now: the digest brings the best of everything."


def _days(target: DigestTarget) -> str:
    return days_phrase(target.schedule.days) if target.schedule else "every day"


def _who(user: str | None) -> str:
    return f"<@{user}>" if user else "Podbrief"


def _whose(personal: bool) -> str:
    return "Your personal" if personal else "This channel's"


def _me(personal: bool) -> str:
    return "me " if personal else ""


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _named(text: str, command: str) -> str:
    return text if command == CMD else text.replace(f"`{CMD} ", f"`{command} ")
