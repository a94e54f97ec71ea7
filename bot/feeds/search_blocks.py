"""Block Kit for `/insights feeds search`: the directory's top matches, each with a Follow button.

Everything shown comes from a third-party directory: names and authors go through
`bot.shared.mrkdwn.name`, artwork is shown only when `ingest.directory` kept it (a short https URL),
and the Follow button carries the feed URL, which `feeds add`'s own path checks again.
"""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    ImageElement,
    MarkdownTextObject,
    SectionBlock,
)

from bot.feeds.blocks import reply
from bot.feeds.grammar import CMD, MAX_URL_LENGTH
from bot.shared.blocks import SECTION_LIMIT, Message
from bot.shared.mrkdwn import clip, escape, host_of, name
from ingest.directory import Podcast

FOLLOW_ACTION = "feeds_follow"


def _plain(text: str, command: str) -> str:
    return text.replace(f"`{CMD}", f"`{command}") if command != CMD else text


def podcast_line(podcast: Podcast) -> str:
    """`*Name*` and, below it, its author and episode count (all escaped)."""
    details = [f"by {name(clip(podcast.author, 150))}"] if podcast.author else []
    if podcast.episode_count is not None:
        details.append(f"{podcast.episode_count:,} episode{'' if podcast.episode_count == 1 else 's'}")
    if podcast.feed_url is None:
        details.append("no public feed listed")
    else:
        details.append(f"feed at {escape(host_of(podcast.feed_url)) or 'an unknown host'}")
    return f"*{name(clip(podcast.name, 200))}*\n" + " · ".join(details)


def followable(podcast: Podcast) -> bool:
    return podcast.feed_url is not None and len(podcast.feed_url) <= MAX_URL_LENGTH


def search_results(terms: str, podcasts: Sequence[Podcast], command: str = CMD) -> Message:
    """The matches for `terms`; a podcast with a feed gets a Follow button (which adds it as `feeds add` does)."""
    if not podcasts:
        return reply(f"The podcast directory found no podcast for “{escape(clip(terms, 100))}”.",
                     [f"Try the podcast's exact name, or follow its feed with `{CMD} feeds add` and its address."],
                     command)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(
        text=clip(f"Podcasts matching “{escape(clip(terms, 100))}”:", SECTION_LIMIT)))]
    for index, podcast in enumerate(podcasts):
        image = (ImageElement(image_url=podcast.artwork_url, alt_text=clip(podcast.name, 100) or "artwork")
                 if podcast.artwork_url else None)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(podcast_line(podcast), SECTION_LIMIT)),
                                   accessory=image))
        if followable(podcast):
            assert podcast.feed_url is not None
            blocks.append(ActionsBlock(block_id=f"follow-{index}", elements=[ButtonElement(
                text="Follow", action_id=FOLLOW_ACTION, value=podcast.feed_url, style="primary")]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(text=_plain(
        f"Follow adds the podcast's feed for this workspace, like `{CMD} feeds add`. Found in a public "
        "podcast directory: names and feeds are theirs.", command))]))
    fallback = f"Podcasts matching “{escape(clip(terms, 100))}”: " + "; ".join(
        name(clip(p.name, 100)) for p in podcasts)
    return Message(blocks, clip(fallback, 3000))


def directory_failed(terms: str, why: str, command: str = CMD) -> Message:
    """The directory could not answer: say so plainly, and what still works."""
    return reply(f"I couldn't search for “{escape(clip(terms, 100))}”: {escape(why)}.",
                 [f"You can still follow a podcast by its feed address: `{CMD} feeds add https://…`."], command)
