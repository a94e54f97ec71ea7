"""Block Kit for digests: the header, each pick as its own message, the quiet-day note."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from slack_sdk.models.blocks import Block, ContextBlock, HeaderBlock, MarkdownTextObject, SectionBlock

from bot.shared.blocks import SAVE_EMOJI, Message, insight_blocks, insight_fallback
from bot.shared.mrkdwn import clip, escape, name
from insights.model import Insight
from insights.targets import DigestTarget


def _topics_line(target: DigestTarget) -> str:
    if not target.topics:
        return "the best of everything (no topics set)"
    return ", ".join(name(t) for t in target.topics)


def digest_header(target: DigestTarget, day: date, count: int) -> Message:
    """The first message of a digest."""
    title = "Your podcast brief" if target.is_personal else "Today's podcast insights"
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"{title} · {day:%a %d %b}", 150)),
        SectionBlock(text=MarkdownTextObject(text=f"The top {count} for *{clip(_topics_line(target), 2500)}*.")),
        ContextBlock(elements=[MarkdownTextObject(
            text=f"React with :{SAVE_EMOJI}: on an item below to save it · `/insights digest` for settings"
        )]),
    ]
    return Message(blocks, f"{title} for {day:%a %d %b}: the top {count} insights.")


def digest_item(insight: Insight, reasons: Sequence[str], also_on: Sequence[str]) -> Message:
    """One pick, posted as its own message so a reaction saves exactly this insight."""
    blocks = insight_blocks(insight, with_buttons=False)
    notes = []
    if reasons:
        notes.append("Why: " + escape(", ".join(reasons)))
    if also_on:
        notes.append("Also on: " + ", ".join(name(podcast) for podcast in also_on))
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(" · ".join(notes), 3000))]))
    return Message(blocks, insight_fallback(insight))


def quiet_day(target: DigestTarget, day: date) -> Message:
    """Said instead of filler when nothing new is relevant enough."""
    text = (
        f"Quiet day: no new insights for *{clip(_topics_line(target), 2500)}* were worth your time "
        f"({day:%a %d %b}). Broaden the topics with `/insights topics add …`."
    )
    return Message([SectionBlock(text=MarkdownTextObject(text=text))], "Quiet day: no new insights worth sending today.")


def digest_preview(target: DigestTarget, day: date, items: Sequence[Message]) -> Message:
    """Everything a digest would post, as one ephemeral message."""
    if not items:
        return quiet_day(target, day)
    header = digest_header(target, day, len(items))
    blocks = [*header.blocks]
    for item in items:
        blocks.extend(item.blocks)
    return Message(blocks[:50], header.text)
