"""The `/insights` command grammar: what a person typed -> what they asked for."""

from __future__ import annotations

from bot.digest.grammar import SettingsCommand, parse_settings
from bot.feeds.grammar import FeedsCommand, parse_feeds
from bot.lookup.grammar import HELP_WORDS, DidYouMean, LookupCommand, Search, ShowHelp, closest_subcommand
from bot.saving.grammar import SavedCommand, parse_saved

#: Every command `/insights` knows, each owned by one feature (`bot.router.listener` dispatches on the type).
Command = LookupCommand | SettingsCommand | FeedsCommand | SavedCommand

__all__ = ["Command", "DidYouMean", "Search", "ShowHelp", "parse_command"]


def parse_command(text: str | None) -> Command:
    """Decide what `/insights <text>` asks for. Anything that is not a subcommand is a search."""
    stripped = (text or "").strip()
    if not stripped:
        return ShowHelp()
    first, _, rest = stripped.partition(" ")
    keyword = first.lower()
    if keyword in HELP_WORDS:
        return ShowHelp()
    if keyword == "search":
        return Search(rest.strip()) if rest.strip() else ShowHelp()
    if (saved := parse_saved(stripped)) is not None:  # before settings: it owns `settings save-emojis …`
        return saved
    if (feeds := parse_feeds(stripped)) is not None:  # before settings: it owns `settings feeds …`
        return feeds
    if (settings := parse_settings(stripped)) is not None:
        return settings
    if not rest and (suggestion := closest_subcommand(keyword)):
        return DidYouMean(first, suggestion)
    return Search(stripped)
