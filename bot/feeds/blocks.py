"""Block Kit replies to the feeds commands: pure functions returning `Message`s."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot.feeds.grammar import ACCESS_USAGE, CMD, FEEDS_USAGE, FeedsError
from bot.shared.blocks import MAX_BLOCKS, SECTION_LIMIT, Message
from bot.shared.mrkdwn import clip, escape, link, name
from ingest.scan_results import AddFeedResult
from storage.feeds_store import FeedInfo

#: Room left for the heading and the closing note of a feed list.
_LIST_BLOCKS = MAX_BLOCKS - 3


def _named(text: str, command: str) -> str:
    """The real command name in `code` mentions (never inside titles or URLs)."""
    return text.replace(f"`{CMD}", f"`{command}") if command != CMD else text


def _section(text: str, command: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=clip(_named(text, command), SECTION_LIMIT)))


def _context(text: str, command: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=clip(_named(text, command), SECTION_LIMIT))])


def _message(blocks: list[Block], fallback: str, command: str) -> Message:
    return Message(blocks, clip(_named(fallback, command).replace("*", "").replace("`", ""), 3000))


def _usage(lines: Sequence[str]) -> str:
    return "Usage: " + " · ".join(f"`{CMD} {line}`" for line in lines)


def reply(text: str, notes: Sequence[str] = (), command: str = CMD) -> Message:
    """A section of `text` and, when given, a context block of `notes`."""
    blocks: list[Block] = [_section(text, command)]
    if notes:
        blocks.append(_context("\n".join(notes), command))
    return _message(blocks, text, command)


def feeds_help(command: str = CMD) -> Message:
    return reply("*Podcast feeds* are what Podbrief scans for new episodes; each new episode becomes insights.",
                 [_usage(FEEDS_USAGE), f"Admins decide who manages feeds: {_usage(ACCESS_USAGE[1:])}"], command)


def feeds_error(error: FeedsError, command: str = CMD) -> Message:
    return reply(escape(error.message), [_usage(error.usage)], command)


def feed_name(title: str | None, url: str) -> str:
    """The podcast title linked to its feed (the URL when there is no title)."""
    label = clip(title or url, 150)
    return link(url, label) if len(url) <= 500 else name(label)


def _added_line(result: AddFeedResult) -> str:
    if not result.ok:
        return f"✗ {escape(clip(result.url, 200))}: cannot be used: {escape(result.reason or 'unknown reason')}."
    name = f"*{feed_name(result.title, result.url)}* (id {result.feed_id})"
    if result.already_followed:
        return f"= {name} is already followed: {result.episode_count} episodes."
    episodes = f"{result.episode_count} episode{'' if result.episode_count == 1 else 's'}"
    transcripts = f", {result.transcripts_found} with transcripts" if result.transcripts_found else ""
    return f"✓ Now following {name}: {episodes}{transcripts}."


def feeds_added(results: Sequence[AddFeedResult], rejected: Sequence[tuple[str, str]] = (),
                command: str = CMD) -> Message:
    """What `feeds add` did for each URL, and when their insights arrive."""
    blocks: list[Block] = [_section(_added_line(r), command) for r in results]
    notes = [f"✗ `{escape(typed)}` skipped: {escape(why)}." for typed, why in rejected]
    if any(r.ok and not r.already_followed for r in results):
        notes.append(f"Insights from the newest episodes arrive with the next feed scan. See `{CMD} feeds list`.")
    if notes:
        blocks.append(_context("\n".join(notes), command))
    added = sum(r.ok and not r.already_followed for r in results)
    failed = sum(not r.ok for r in results)
    fallback = f"Feeds: {added} added, {failed} could not be used." if len(results) > 1 else _added_line(results[0])
    return _message(blocks, fallback, command)


def ago(moment: datetime | None, now: datetime) -> str:
    """"never", "just now", "12 min ago", "5 h ago" or the date."""
    if moment is None:
        return "never"
    minutes = int((now - moment).total_seconds() // 60)
    if minutes < 1:
        return "just now"
    if minutes < 120:
        return f"{minutes} min ago"
    return f"{minutes // 60} h ago" if minutes < 48 * 60 else moment.strftime("%Y-%m-%d")


def when(moment: datetime | None, now: datetime) -> str:
    """When a failing feed is tried again."""
    if moment is None or moment <= now:
        return "at the next scan"
    return f"in {max(1, int((moment - now).total_seconds() // 60))} min"


def feed_status(feed: FeedInfo, now: datetime, *, show_notes_only: bool = False, transcribing: bool = False) -> str:
    """One feed in mrkdwn: name and id, then last checked, last new episode, counts, last error.

    `show_notes_only`: the feed's episodes had no transcript, so insights could only come from show notes.
    `transcribing`: some of its episodes are queued for (or in) transcription (TRANSCRIBE=missing).
    """
    nothing_good = " · no insights: show notes only" if show_notes_only and not feed.insights_extracted else ""
    nothing_good = " · transcribing…" if transcribing else nothing_good
    lines = [
        f"*{feed_name(feed.title or '(not read yet)', feed.url)}* · id {feed.id}",
        f"Last checked {ago(feed.last_checked_at, now)} · last new episode {ago(feed.last_new_episode_at, now)} · "
        f"{feed.episode_count} episodes · {feed.insights_extracted} insights{nothing_good}",
    ]
    if feed.last_error:
        lines.append(f"⚠️ Last error: {escape(clip(feed.last_error, 400))} "
                     f"(failed {feed.consecutive_failures}× in a row; next try {when(feed.next_check_at, now)})")
    return "\n".join(lines)


def _library_note(library_feeds: int) -> list[str]:
    if not library_feeds:
        return []
    feeds = f"{library_feeds} feed{'' if library_feeds == 1 else 's'}"
    return [f"Podbrief's operator also follows {feeds} for every workspace (the deployment-wide library)."]


def feeds_listed(feeds: Sequence[FeedInfo], now: datetime, command: str = CMD, library_feeds: int = 0,
                 show_notes_only: Collection[int] = (), transcribing: Collection[int] = ()) -> Message:
    """Every feed this workspace follows, packed into as few sections as fit (≤ 50 blocks in all).

    `show_notes_only`: podcast ids whose processed episodes all came from show notes.
    `transcribing`: ids of the feeds with episodes being transcribed.
    """
    if not feeds:
        return reply("This workspace follows no podcast feeds yet.",
                     [f"Add one with `{CMD} feeds add https://example.com/podcast.xml`.",
                      *_library_note(library_feeds)], command)
    failing = sum(bool(f.last_error) for f in feeds)
    heading = f"*This workspace follows {len(feeds)} podcast feed{'' if len(feeds) == 1 else 's'}*" + (
        f" ({failing} failing)" if failing else "")
    sections = _packed([feed_status(feed, now, show_notes_only=feed.podcast_id in show_notes_only,
                                    transcribing=feed.id in transcribing) for feed in feeds])
    blocks: list[Block] = [_section(heading, command)]
    blocks += [_section(text, command) for text, _ in sections[:_LIST_BLOCKS]]
    notes = [f"Remove one with `{CMD} feeds remove ID`; add more with `{CMD} feeds add URL`.",
             *_library_note(library_feeds)]
    if hidden := sum(count for _, count in sections[_LIST_BLOCKS:]):
        notes.insert(0, f"…and {hidden} more: run `podbrief feeds list` to see them all.")
    blocks.append(_context("\n".join(notes), command))
    return _message(blocks, f"{heading}.", command)


def _packed(statuses: Sequence[str]) -> list[tuple[str, int]]:
    """Statuses joined into section texts of at most 3000 characters: (text, how many feeds)."""
    sections: list[tuple[str, int]] = []
    chunk: list[str] = []
    for status in statuses:
        if chunk and len("\n\n".join([*chunk, status])) > SECTION_LIMIT:
            sections.append(("\n\n".join(chunk), len(chunk)))
            chunk = []
        chunk.append(status)
    if chunk:
        sections.append(("\n\n".join(chunk), len(chunk)))
    return sections


def feed_removed(feed: FeedInfo, command: str = CMD) -> Message:
    return reply(f"Stopped following *{feed_name(feed.title, feed.url)}* (id {feed.id}) in this workspace. "
                 "Its insights leave this workspace's searches and digests (unless the operator's library has "
                 "the feed too); what you saved stays saved.",
                 command=command)


def no_such_feed(target: str, command: str = CMD) -> Message:
    what = f"id {target}" if target.isdigit() else f"`{escape(clip(target, 200))}`"
    return reply(f"This workspace follows no feed with {what}.", [f"See the ids with `{CMD} feeds list`."], command)


def not_allowed(command: str = CMD) -> Message:
    return reply("Only workspace admins and owners can manage podcast feeds here.",
                 [f"An admin can let everyone do it with `{CMD} settings feeds open`."], command)


def admins_only(command: str = CMD) -> Message:
    return reply("Only workspace admins and owners can change who manages podcast feeds.", command=command)


def feeds_access(open_to_all: bool, command: str = CMD) -> Message:
    who = "*everyone* in this workspace" if open_to_all else "*workspace admins and owners* only"
    return reply(f"Podcast feeds can be added and removed by {who}.", [_usage(ACCESS_USAGE[1:])], command)


def feeds_access_set(open_to_all: bool, command: str = CMD) -> Message:
    if open_to_all:
        return reply(f"Done: everyone in this workspace can add and remove podcast feeds now (`{CMD} feeds`).",
                     command=command)
    return reply("Done: only workspace admins and owners can add and remove podcast feeds now.", command=command)
