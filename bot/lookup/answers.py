"""What a lookup (`/insights <words>`, help, a likely typo) answers: the search, then the right message."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.lookup.grammar import DidYouMean, LookupCommand, ShowHelp
from bot.shared import blocks
from bot.shared.blocks import Message
from bot.shared.mrkdwn import escape
from insights.model import Match
from insights.search import SearchPlan
from insights.text import fold
from insights.timing import stage
from storage.search_index import SearchResult

RESULTS_PER_SEARCH = 5

SearchFunction = Callable[[str, int], SearchResult]


def answer_lookup(parsed: LookupCommand, search: SearchFunction, command: str = "/insights") -> Message:
    """The reply to a lookup command; `search(query, limit)` runs the actual search."""
    if isinstance(parsed, ShowHelp):
        return blocks.usage(command)
    if isinstance(parsed, DidYouMean):
        result = search(parsed.typed, RESULTS_PER_SEARCH)
        with stage("render"):
            if not result.matches:
                return blocks.did_you_mean(parsed.typed, parsed.suggestion, command)
            exact = any(w.word == fold(parsed.typed) and w.variants and w.variants[0].similarity == 1.0
                        for w in result.plan.words)
            hint = () if exact else (f"Did you mean `{command} {parsed.suggestion}`?",)
            return _results(parsed.typed, result, hint)
    result = search(parsed.query, RESULTS_PER_SEARCH)
    with stage("render"):
        return _results(parsed.query, result)


def _results(query: str, result: SearchResult, extra: tuple[str, ...] = ()) -> Message:
    if not result.plan.words:
        return blocks.nothing_to_search(query)
    notes = (*extra, *search_notes(result.plan, result.matches))
    if not result.matches:
        return blocks.no_results(query, notes)
    return blocks.search_results(result.plan.query, result.matches, notes)


def search_notes(plan: SearchPlan, matches: Sequence[Match] | None = None) -> list[str]:
    """Short notes on how the query was read: corrections, unknown words, truncation.

    With `matches` (a workspace's results), a correction is named only when a shown match holds it:
    the vocabulary is deployment-wide, and its words must not reveal another workspace's feeds.
    """
    notes: list[str] = []
    shown = None if matches is None else {term for m in matches for term in m.matched_terms}
    corrected = [
        f"{escape(w.word)} → {escape(w.variants[0].term)}"
        for w in plan.words
        if w.variants and w.variants[0].term != w.word and (shown is None or w.variants[0].term in shown)
    ]
    if corrected:
        notes.append("Also matched similar words: " + ", ".join(corrected) + ".")
    if plan.unknown_words and plan.searchable:
        notes.append("No insight mentions " + ", ".join(f"*{escape(w)}*" for w in plan.unknown_words) + ".")
    if plan.truncated:
        notes.append("Your search was long, so I used only its first words.")
    return notes
