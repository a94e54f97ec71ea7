"""The `/insights` command grammar: what a person typed -> what they asked for."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.digest.grammar import SettingsCommand, parse_settings
from bot.feeds.grammar import FeedsCommand, parse_feeds
from bot.saving.grammar import SavedCommand, parse_saved
from bot.shared.subcommands import SUBCOMMANDS

HELP_WORDS = frozenset({"help", "?", "-h", "--help", "usage"})


@dataclass(frozen=True, slots=True)
class ShowHelp:
    """`/insights`, `/insights help`."""


@dataclass(frozen=True, slots=True)
class Search:
    """`/insights <query>` or `/insights search <query>`."""

    query: str


@dataclass(frozen=True, slots=True)
class DidYouMean:
    """A single word close to a subcommand, e.g. `/insights hlep`."""

    typed: str
    suggestion: str


Command = ShowHelp | Search | DidYouMean | SettingsCommand | FeedsCommand | SavedCommand


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


def closest_subcommand(word: str) -> str | None:
    """The subcommand `word` is a likely typo of (one or two edits away), if any."""
    if len(word) < 3 or word in SUBCOMMANDS:
        return None
    allowed = 1 if len(word) <= 5 else 2
    hit = process.extractOne(word, list(SUBCOMMANDS), scorer=OSA.distance, score_cutoff=allowed)
    return hit[0] if hit else None
