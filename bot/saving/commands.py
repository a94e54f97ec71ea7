"""Answering `/insights saved|forget me|settings save-emojis|settings confirmations`."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.deps import Deps
from bot.saving import actions
from bot.saving import blocks as sb
from bot.saving.grammar import ExportSaved, ForgetMe, ListSaved, SavedCommand, SavedUsageError, SearchSaved
from bot.shared.blocks import Message, notice
from bot.shared.request import Asker


def answer_saved(deps: Deps, client: WebClient, asker: Asker, parsed: SavedCommand) -> Message:
    """The reply to one saved-insights command."""
    if isinstance(parsed, SavedUsageError):
        return notice(parsed.message)
    if isinstance(parsed, ListSaved):
        return actions.show_page(deps.sessions, asker, parsed.offset)
    if isinstance(parsed, SearchSaved):
        return actions.search(deps, asker, parsed.query)
    if isinstance(parsed, ExportSaved):
        return actions.export(deps, client, asker)
    if isinstance(parsed, ForgetMe):
        return sb.forget_confirmation()
    return actions.save_settings(deps.sessions, client, asker, parsed)
