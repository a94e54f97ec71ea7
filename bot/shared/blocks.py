"""Block Kit renderers: pure functions from domain values to blocks plus fallback text.

Third-party text (an insight's text or quote, podcast and episode names, topics) reaches a
block or a fallback only through `bot.shared.mrkdwn`: `escape()` for running text, `name()` for a
title, `link()` for a labelled URL. `Message.as_kwargs()` sends everything through
`bot.shared.outgoing`, which checks mentions, link labels and Slack's limits once more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.shared import outgoing
from bot.shared.mrkdwn import clip, escape, link, name
from bot.shared.subcommands import SUBCOMMANDS
from insights.model import Insight, Match

MAX_BLOCKS = 50
SECTION_LIMIT = 3000
SHARE_ACTION = "insight_share"
SAVE_ACTION = "insight_save"
SAVE_EMOJI = "bookmark"
#: Characters of an insight's quote shown under it (the context line).
QUOTE_CHARS = 300


@dataclass(frozen=True, slots=True)
class Message:
    """Blocks and the fallback Slack shows in notifications (mrkdwn: third-party text in it is escaped)."""

    blocks: list[Block]
    text: str

    def as_kwargs(self) -> dict[str, Any]:
        """Arguments for `chat.postMessage`, `respond()` and friends, through the one outgoing check."""
        return outgoing.message(self.blocks, self.text)


def timestamp(seconds: float) -> str:
    """12:34 or 1:02:03."""
    total = int(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def attribution(insight: Insight) -> str:
    """podcast · episode · date · ▶ moment — each part only when known."""
    parts = []
    if insight.podcast:
        parts.append(f"*{name(clip(insight.podcast, 150))}*")
    if insight.episode:
        parts.append(link(insight.url, clip(insight.episode, 200)))
    elif insight.url:
        parts.append(link(insight.url, "episode page"))
    if insight.published_at:
        epoch = int(insight.published_at.timestamp())
        parts.append(f"<!date^{epoch}^{{date_short}}|{insight.published_at:%b %d, %Y}>")
    if insight.moment_url and insight.start_seconds is not None:
        parts.append(link(insight.moment_url, f"▶ listen at {timestamp(insight.start_seconds)}"))
    if insight.machine_transcribed:
        parts.append("_auto-transcribed_")
    return " · ".join(parts) or "_source unknown_"


def insight_fallback(insight: Insight) -> str:
    """The notification text of a message carrying one insight: its text and podcast, escaped."""
    return f"{escape(clip(insight.text, 2800))} ({name(clip(insight.podcast or 'podcast', 150))})"


def _quoted(insight: Insight) -> str:
    """The transcript's words a written insight rests on, as a line over its attribution ('' when none)."""
    if not insight.quote:
        return ""
    return f"“{escape(clip(' '.join(insight.quote.split()), QUOTE_CHARS))}”\n"


def insight_blocks(insight: Insight, *, with_buttons: bool) -> list[Block]:
    """One insight: its text, its quote (when written in other words), its attribution and (in search results) share/save buttons."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip(escape(insight.text), SECTION_LIMIT))),
        ContextBlock(elements=[MarkdownTextObject(text=_quoted(insight) + attribution(insight))]),
    ]
    if with_buttons:
        value = str(insight.id)
        blocks.append(
            ActionsBlock(
                block_id=f"insight-{insight.id}",
                elements=[
                    ButtonElement(text="Share in channel", action_id=SHARE_ACTION, value=value, style="primary"),
                    ButtonElement(text="Save", action_id=SAVE_ACTION, value=value),
                ],
            )
        )
    return blocks


def search_results(query: str, matches: Sequence[Match], notes: Sequence[str] = ()) -> Message:
    """The ephemeral answer to `/insights <query>` that found something."""
    count = len(matches)
    heading = f"{'The best match' if count == 1 else f'The {count} best matches'} for *{escape(clip(query, 200))}*"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(" ".join(notes), 3000))]))
    for index, match in enumerate(matches):
        if index:
            blocks.append(DividerBlock())
        blocks.extend(insight_blocks(match.insight, with_buttons=True))
    fallback = f"{count} insight{'s' if count != 1 else ''} for “{escape(clip(query, 200))}”: " + " | ".join(
        escape(clip(m.insight.text, 120)) for m in matches
    )
    return Message(blocks[:MAX_BLOCKS], clip(fallback, 3000))


def no_results(query: str, notes: Sequence[str] = ()) -> Message:
    """The answer when nothing matched: say so, and how to do better."""
    text = (
        f"I couldn't find any insights for *{escape(clip(query, 200))}*.\n"
        "• Try fewer or broader words, e.g. `/insights chips` instead of a whole sentence.\n"
        "• Check the spelling of names; small typos are fine, very different spellings are not.\n"
        "• New episodes are scanned regularly, so something may turn up later."
    )
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(" ".join(notes), 3000))]))
    return Message(blocks, f"No insights found for “{escape(clip(query, 200))}”.")


def nothing_to_search(query: str) -> Message:
    """The query had no searchable words (only emoji, punctuation or very common words)."""
    text = (
        f"*{escape(clip(query, 200)) or 'That'}* has no words I can search for. "
        "Try a topic, a name or a few keywords, e.g. `/insights export controls`."
    )
    return Message([SectionBlock(text=MarkdownTextObject(text=text))], "Nothing to search for: try a few keywords.")


def usage(command: str = "/insights") -> Message:
    """Help for `/insights`."""
    lines = [
        "*Podbrief* finds the best insights from recent podcast episodes.",
        f"• `{command} export controls`: search (typos are fine)",
        f"• `{command} search help`: search for a word that is also a subcommand",
    ]
    lines += [f"• `{command} {name}`: {about}" for name, about in SUBCOMMANDS.items() if name != "search"]
    lines.append("Each result has buttons to share it in the channel or save it for yourself.")
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text="\n".join(lines)))]
    return Message(blocks, f"How to use {command}: {command} <search words>, or {command} help.")


def did_you_mean(typed: str, suggestion: str, command: str = "/insights") -> Message:
    """A near-miss of a subcommand, with both ways forward."""
    text = (
        f"`{escape(clip(typed, 50))}` is not a command I know. Did you mean `{command} {suggestion}`?\n"
        f"To search for “{escape(clip(typed, 50))}”, use `{command} search {escape(clip(typed, 50))}`."
    )
    return Message([SectionBlock(text=MarkdownTextObject(text=text))], f"Did you mean {command} {suggestion}?")


def shared_insight(insight: Insight, shared_by: str) -> Message:
    """An insight someone shared into the channel from their search results."""
    blocks = insight_blocks(insight, with_buttons=False)
    blocks.append(
        ContextBlock(
            elements=[MarkdownTextObject(text=f"Shared by <@{shared_by}> · react with :{SAVE_EMOJI}: to save it")]
        )
    )
    return Message(blocks, insight_fallback(insight))


def notice(text: str) -> Message:
    """A short ephemeral note (confirmations and friendly errors)."""
    return Message([SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))], clip(text, 3000))
