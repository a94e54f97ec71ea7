"""The lookup part of the `/insights` grammar: help, a search, or a likely typo of a subcommand."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

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


LookupCommand = ShowHelp | Search | DidYouMean


def closest_subcommand(word: str) -> str | None:
    """The subcommand `word` is a likely typo of (one or two edits away), if any."""
    if len(word) < 3 or word in SUBCOMMANDS:
        return None
    allowed = 1 if len(word) <= 5 else 2
    hit = process.extractOne(word, list(SUBCOMMANDS), scorer=OSA.distance, score_cutoff=allowed)
    return hit[0] if hit else None
