"""Block Kit for saved insights: the paged list, search results, confirmations, forget me."""

from __future__ import annotations

from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    DividerBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.shared.blocks import SECTION_LIMIT, Message, attribution, notice
from bot.shared.mrkdwn import clip, escape
from insights.model import Insight, Match
from storage.people_store import Forgotten
from storage.saved_store import Saved

PAGE_SIZE = 10
MORE_ACTION = "saved_more"
UNSAVE_ACTION = "saved_unsave"
FORGET_ACTION = "forget_me_confirm"
FORGET_CANCEL_ACTION = "forget_me_cancel"


def saved_item_blocks(insight: Insight) -> list[Block]:
    """One saved insight: its text with an Unsave button, and its attribution."""
    return [
        SectionBlock(
            text=MarkdownTextObject(text=clip(escape(insight.text), SECTION_LIMIT)),
            accessory=ButtonElement(text="Unsave", action_id=UNSAVE_ACTION, value=str(insight.id)),
        ),
        ContextBlock(elements=[MarkdownTextObject(text=attribution(insight))]),
    ]


def saved_page(
    items: Sequence[Saved], offset: int, total: int, save_emoji: str = "bookmark", command: str = "/insights"
) -> Message:
    """A page of a person's saved insights, newest first, with "More" when there are more."""
    if not items:
        if offset:
            return notice("That's all of your saved insights.")
        return notice(f"You have no saved insights yet. React with :{save_emoji}: on a Podbrief message, or use the "
                      f"Save button on `{command} <words>` results.")
    first, last = offset + 1, offset + len(items)
    heading = f"*Your saved insights* ({first}–{last} of {total}, newest first)"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    for saved in items:
        blocks += [DividerBlock(), *saved_item_blocks(saved.insight)]
    if last < total:
        blocks.append(ActionsBlock(block_id="saved-more", elements=[
            ButtonElement(text=f"More ({total - last} left)", action_id=MORE_ACTION, value=str(last)),
        ]))
    blocks.append(ContextBlock(elements=[MarkdownTextObject(
        text=f"`{command} saved <words>` searches them · `{command} saved export` sends them to you as files"
    )]))
    fallback = f"Your saved insights {first}–{last} of {total}: " + " | ".join(escape(clip(s.insight.text, 80)) for s in items)
    return Message(blocks, clip(fallback, 3000))


def saved_results(query: str, matches: Sequence[Match], notes: Sequence[str] = ()) -> Message:
    """What a search within someone's saved insights found."""
    shown = escape(clip(query, 200))
    if not matches:
        text = f"None of your saved insights match *{shown}*. `/insights {escape(clip(query, 100))}` searches everything."
        return notice(" ".join([text, *notes]))
    count = len(matches)
    heading = f"{'The best match' if count == 1 else f'The {count} best matches'} among your saved insights for *{shown}*"
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=heading))]
    if notes:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=clip(" ".join(notes), 3000))]))
    for match in matches:
        blocks += [DividerBlock(), *saved_item_blocks(match.insight)]
    fallback = f"{count} saved insight{'s' if count != 1 else ''} for “{shown}”"
    return Message(blocks, fallback)


def saved_confirmation(insight: Insight, new: bool) -> Message:
    """The quiet note after a save by reaction."""
    preview = escape(clip(insight.text, 80))
    if not new:
        return notice(f"You had already saved “{preview}”.")
    return notice(f":bookmark: Saved “{preview}”. Find it in Podbrief's Home tab or with `/insights saved`.")


def unsaved_confirmation(insight: Insight | None) -> Message:
    preview = f" “{escape(clip(insight.text, 80))}”" if insight else ""
    return notice(f"Removed{preview} from your saved insights.")


def forget_confirmation() -> Message:
    """The question before deleting what Podbrief stores about a person."""
    text = ("*Forget me?* This deletes, for you only: your saved insights, your reactions' feedback and your "
            "personal brief. Channel digests you set up keep running, with your name removed from their settings "
            "and history. This cannot be undone.")
    confirm = ConfirmObject(title="Forget me", text="Delete your saved insights and feedback for good?",
                            confirm="Delete", deny="Keep")
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=text)),
        ActionsBlock(block_id="forget-me", elements=[
            ButtonElement(text="Delete my data", action_id=FORGET_ACTION, value="forget", style="danger",
                          confirm=confirm),
            ButtonElement(text="Cancel", action_id=FORGET_CANCEL_ACTION, value="cancel"),
        ]),
    ]
    return Message(blocks, "Forget me? Confirm to delete your saved insights and feedback.")


def forgotten(done: Forgotten) -> Message:
    parts = [f"{done.saved} saved insight{'s' if done.saved != 1 else ''}",
             f"{done.feedback} reaction{'s' if done.feedback != 1 else ''} of feedback"]
    if done.personal_brief:
        parts.append("your personal brief")
    text = f"Done: deleted {', '.join(parts)}"
    if done.anonymised:
        text += f", and removed your name from {done.anonymised} settings record{'s' if done.anonymised != 1 else ''}"
    return notice(text + ".")


def save_emojis_shown(emojis: Sequence[str], confirmations: bool) -> Message:
    listed = " ".join(f":{e}:" for e in emojis)
    state = "on" if confirmations else "off"
    return notice(f"People save an insight by reacting with {listed}. Save confirmations are *{state}*.\n"
                  "Admins: `/insights settings save-emojis bookmark, pushpin, star`, "
                  "`/insights settings confirmations on|off`.")
