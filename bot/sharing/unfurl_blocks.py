"""The unfurl of a pasted episode link: title, podcast, date, and its top insights with Save buttons. Pure."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, ButtonElement, ContextBlock, MarkdownTextObject, SectionBlock

from bot.shared.blocks import SAVE_ACTION, SAVE_EMOJI, timestamp
from bot.shared.mrkdwn import clip, escape, link, name
from storage.episode_links import LinkedEpisode

INSIGHT_CHARS = 600


def unfurl_blocks(episode: LinkedEpisode) -> list[Block]:
    """An episode's unfurl (third-party text escaped in every field)."""
    title = link(episode.url, clip(episode.title, 200)) if episode.url else name(clip(episode.title, 200))
    about = [f"*{name(clip(episode.podcast, 150))}*"] if episode.podcast else []
    if episode.published_at:
        about.append(f"<!date^{int(episode.published_at.timestamp())}^{{date_short}}|{episode.published_at:%b %d, %Y}>")
    count = len(episode.insights)
    heading = f"*{title}*\n" + " · ".join([*about, f"{'the top insight' if count == 1 else f'top {count} insights'}"])
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    for insight in episode.insights:
        blocks.append(SectionBlock(
            text=MarkdownTextObject(text=escape(clip(insight.text, INSIGHT_CHARS))),
            accessory=ButtonElement(text="Save", action_id=SAVE_ACTION, value=str(insight.id)),
        ))
        if insight.moment_url and insight.start_seconds is not None:
            moment = link(insight.moment_url, f"▶ listen at {timestamp(insight.start_seconds)}")
            blocks.append(ContextBlock(elements=[MarkdownTextObject(text=moment)]))
    hint = (f"Podbrief · react with :{SAVE_EMOJI}: to save this insight" if count == 1
            else "Podbrief · Save keeps an insight in your list (`/insights saved`)")
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=hint)]))
    return blocks
