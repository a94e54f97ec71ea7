"""Search planning and ranking: from what a person typed to ordered matches.

The database proposes candidates from its full-text index; this module decides
which words to look for (with typo-tolerant variants) and orders what comes back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise

from rapidfuzz import fuzz

from insights.model import Insight, Match
from insights.text import clean_display_text, terms
from insights.vocabulary import Variant, Vocabulary

MAX_QUERY_CHARS = 300
MAX_QUERY_TERMS = 8
#: A match must cover at least this share of the query's (weighted) words.
MIN_COVERAGE = 0.5


@dataclass(frozen=True, slots=True)
class QueryWord:
    """One word of the query and the indexed terms that may stand for it."""

    word: str
    variants: tuple[Variant, ...]
    weight: float

    @property
    def known(self) -> bool:
        return bool(self.variants)


@dataclass(frozen=True, slots=True)
class SearchPlan:
    """What to look for: the query's words, each with its variants."""

    query: str
    words: tuple[QueryWord, ...]
    truncated: bool = False

    @property
    def searchable(self) -> tuple[QueryWord, ...]:
        """The words that can match something in the index."""
        return tuple(w for w in self.words if w.known)

    @property
    def unknown_words(self) -> tuple[str, ...]:
        return tuple(w.word for w in self.words if not w.known)

    @property
    def is_empty(self) -> bool:
        return not self.searchable


@dataclass(frozen=True, slots=True)
class Candidate:
    """An insight proposed by the index, with the terms it was indexed under."""

    insight: Insight
    indexed_terms: tuple[str, ...]


def query_words(raw: str) -> tuple[list[str], bool]:
    """The distinct searchable words of a raw query, and whether it was cut short."""
    text = clean_display_text(raw)
    truncated = len(text) > MAX_QUERY_CHARS
    found: list[str] = []
    for word in terms(text[:MAX_QUERY_CHARS]):
        if word not in found:
            found.append(word)
    if len(found) > MAX_QUERY_TERMS:
        found, truncated = found[:MAX_QUERY_TERMS], True
    return found, truncated


def query_text(raw: str) -> str:
    """The query as searched (and embedded): cleaned for display, cut at `MAX_QUERY_CHARS`."""
    return clean_display_text(raw)[:MAX_QUERY_CHARS]


def plan_search(raw: str, vocabulary: Vocabulary) -> SearchPlan:
    """Turn a typed query into the words and variants to look for."""
    found, truncated = query_words(raw)
    planned = []
    for word in found:
        variants = vocabulary.expand(word)
        weight = max((vocabulary.idf(v.term) for v in variants), default=0.0)
        planned.append(QueryWord(word, variants, weight))
    return SearchPlan(query_text(raw), tuple(planned), truncated)


def partial_matches(words: Sequence[QueryWord]) -> list[tuple[QueryWord, ...]]:
    """The smallest groups of query words an insight must contain to pass `MIN_COVERAGE`.

    An insight holding fewer of the words cannot be ranked (see `rank`), so looking for
    "any of these groups" instead of "any word" finds every rankable insight without
    the flood of ones that hold only a common word. Heaviest (rarest) groups first;
    the whole query is not a group (that is the all-words search).
    """
    total = sum(w.weight for w in words)
    groups: list[tuple[QueryWord, ...]] = []
    for size in range(1, len(words)):
        for group in combinations(words, size):
            if sum(w.weight for w in group) < MIN_COVERAGE * total:
                continue
            if any(set(smaller) <= set(group) for smaller in groups):
                continue
            groups.append(group)
    groups.sort(key=lambda g: -sum(w.weight for w in g))
    return groups


def rank(plan: SearchPlan, candidates: Sequence[Candidate], limit: int) -> list[Match]:
    """Order candidates by how well they answer the plan; best first, at most `limit`."""
    words = plan.searchable
    if not words or limit <= 0:
        return []
    total_weight = sum(w.weight for w in words) or 1.0
    wanted = frozenset(v.term for w in words for v in w.variants)
    scored: list[Match] = []
    for candidate in candidates:
        positions = _positions(candidate.indexed_terms, wanted)
        coverage, matched = 0.0, []
        hits: list[list[int] | None] = []
        for word in words:
            best = _best_variant(word, positions)
            if best is None:
                hits.append(None)
                continue
            coverage += word.weight * best.similarity
            matched.append(best.term)
            hits.append(positions[best.term])
        if not matched or coverage / total_weight < MIN_COVERAGE:
            continue
        # Compare the words as matched (typos corrected), so a typo does not reorder results.
        resemblance = fuzz.token_set_ratio(" ".join(matched), " ".join(candidate.indexed_terms)) / 100
        score = 80 * coverage / total_weight + 12 * _adjacency(hits) + 8 * resemblance
        scored.append(Match(candidate.insight, round(score, 2), tuple(matched)))
    scored.sort(key=_order_key)
    return scored[:limit]


def _positions(indexed: Sequence[str], wanted: frozenset[str]) -> dict[str, list[int]]:
    """Where each wanted term stands in the indexed terms (other terms are not needed)."""
    positions: dict[str, list[int]] = {}
    for i, term in enumerate(indexed):
        if term in wanted:
            positions.setdefault(term, []).append(i)
    return positions


def _best_variant(word: QueryWord, positions: dict[str, list[int]]) -> Variant | None:
    for variant in word.variants:  # variants come best first
        if variant.term in positions:
            return variant
    return None


def _adjacency(hits: list[list[int] | None]) -> float:
    """Share of consecutive query words that stand next to each other in the text."""
    pairs = list(pairwise(hits))
    if not pairs:
        return 1.0 if hits and hits[0] is not None else 0.0
    close = sum(1 for a, b in pairs if a and b and any(0 < y - x <= 2 for x in a for y in b))
    return close / len(pairs)


def _order_key(match: Match) -> tuple[float, float, int]:
    published = match.insight.published_at
    recency = -published.timestamp() if published else 0.0
    return (-match.score, recency, match.insight.id)
