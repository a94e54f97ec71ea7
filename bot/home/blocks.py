"""The App Home tab: recent saved insights, the digests a person can see, short help. Pure."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, DividerBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.digest.modal import change_button
from bot.digest.settings_blocks import topic_list, when
from bot.saving.blocks import saved_item_blocks
from bot.shared.mrkdwn import clip, escape
from insights.model import Insight
from insights.schedule import EVERY_DAY
from insights.settings_values import days_phrase
from insights.targets import DigestTarget
from storage.saved_store import Saved

MAX_HOME_BLOCKS = 100
HOME_SAVED = 10


@dataclass(frozen=True, slots=True)
class HomeDigest:
    """A digest shown on the Home tab and when it goes out next (None: paused)."""

    target: DigestTarget
    next_at: datetime | None
    changeable: bool = False  # the person may change it: a "Change settings" button opens the modal


@dataclass(frozen=True, slots=True)
class HomeContent:
    """Everything the Home tab shows for one person."""

    saved: Sequence[Saved]
    saved_total: int
    digests: Sequence[HomeDigest]
    save_emojis: Sequence[str]
    now: datetime
    channels_note: str | None = None  # why the channel list may be incomplete
    user_id: str = ""  # whose Home this is (for the personal brief's "Change settings" button)


def home_blocks(content: HomeContent,
                saved_item: Callable[[Insight], Sequence[Any]] = saved_item_blocks) -> list[Any]:
    """The Home tab's blocks (at most 100, Slack's limit for a view).

    `saved_item` gives a saved insight's blocks (`saved_item_blocks`; a caller may hand in ones
    rendered before, as dicts)."""
    blocks: list[Any] = [HeaderBlock(text="Podbrief")]
    blocks += _saved_section(content, saved_item)
    blocks.append(DividerBlock())
    blocks += _digests_section(content)
    blocks.append(DividerBlock())
    blocks += _help(content.save_emojis)
    assert len(blocks) <= MAX_HOME_BLOCKS, "Slack refuses Home views with more than 100 blocks"
    return blocks


def _saved_section(content: HomeContent, saved_item: Callable[[Insight], Sequence[Any]]) -> list[Any]:
    emoji = f":{content.save_emojis[0]}:" if content.save_emojis else "the save emoji"
    if not content.saved:
        return [_section(f"*Your saved insights*\nNothing saved yet. React with {emoji} on any Podbrief "
                         "message to keep an insight here.")]
    blocks: list[Any] = [_section(f"*Your saved insights* ({content.saved_total})")]
    for saved in content.saved[:HOME_SAVED]:
        blocks += saved_item(saved.insight)
    if content.saved_total > HOME_SAVED:
        more = content.saved_total - HOME_SAVED
        blocks.append(_context(f"{more} more: `/insights saved` lists them all, `/insights saved export` sends a file."))
    return blocks


def _digests_section(content: HomeContent) -> list[Block]:
    blocks: list[Block] = [_section("*Digests you get*")]
    if not content.digests:
        blocks.append(_context("None of your channels has a daily digest yet. In a channel, type "
                               "`/insights digest at 9:00`; for your own brief by DM, `/insights me digest at 7:30`."))
    for digest in content.digests:
        line = _section(_digest_line(digest, content.now))
        if digest.changeable:
            line.accessory = change_button(digest.target.is_personal, digest.target.channel_id)
        blocks.append(line)
    if not any(d.target.is_personal for d in content.digests) and content.user_id:
        brief = _section("*Your personal brief (DM)* · not set up: the best insights for your own topics, "
                         "by direct message, at your time.")
        brief.accessory = change_button(True, content.user_id)
        blocks.append(brief)
    if content.channels_note:
        blocks.append(_context(content.channels_note))
    return blocks


def _digest_line(digest: HomeDigest, now: datetime) -> str:
    target = digest.target
    where = "Your personal brief (DM)" if target.is_personal else f"<#{target.channel_id}>"
    topics = topic_list(target.topics) if target.topics else "the best of everything"
    if digest.next_at is None:
        reason = f" ({escape(clip(target.paused_reason, 200))})" if target.paused_reason else ""
        status = f"paused{reason}"
    else:
        status = f"next {when(digest.next_at, now)}"
        if target.schedule and target.schedule.days != EVERY_DAY:
            status += f" · {days_phrase(target.schedule.days)}"
    return clip(f"*{where}* · {clip(topics, 1500)}\n{status}", 3000)


def _help(save_emojis: Sequence[str]) -> list[Block]:
    emojis = " ".join(f":{e}:" for e in save_emojis) or ":bookmark:"
    lines = [
        "*How to use Podbrief*",
        "• `/insights export controls`: search every insight (typos are fine)",
        f"• React with {emojis} on a Podbrief message to save it; remove the reaction to unsave",
        "• React with :+1: or :-1: on digest items: your channel's future digests learn from it",
        "• `/insights saved`, `/insights saved <words>`, `/insights saved export`: your saved insights",
        "• `/insights digest`: this channel's digest · `/insights me`: your personal brief",
        "• `/insights forget me`: delete what Podbrief stores about you",
    ]
    return [_section("\n".join(lines))]


def _section(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def _context(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])
