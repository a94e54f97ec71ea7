"""Near-duplicate claims: the same thing said in other words, often on other podcasts.

Two claims are near-duplicates when
- their content words (stemmed, without stopwords and filler) overlap relative to the
  LONGER of the two, so a short sentence is never swallowed by a longer one that merely
  contains its words;
- rapidfuzz finds their sorted words alike (a symmetric, length-sensitive check);
- they say it the same way round: the same negation and the same direction words
  (rise/fall, up/down, more/less, win/lose...), so opposite claims stay apart.

Candidate pairs come from prefix filtering on rare words: with every claim's words in
rarest-first order, two claims that share at least `min_overlap` of the longer one must
share two words of their short prefixes. Up to ~10 content words that blocking loses no
qualifying pair; longer claims look at their 6 rarest words only (a little recall for a
lot of speed). A 100k window never compares all pairs. Clusters: union-find.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from rapidfuzz import fuzz

from insights.model import Insight
from insights.text import words
from insights.topics import content_stems

#: Words that change nothing about what a claim says.
FILLER = frozenset(
    ["actually", "also", "basically", "going", "gonna", "get", "gets", "got", "kind", "know", "like", "likely", "lot", "lots", "maybe", "mean", "pretty", "probably", "quite", "really", "say", "says", "said", "sort", "stuff", "thing", "things", "think", "way", "well", "yeah"]
)

#: Direction words by axis: +1 one way, -1 the other. Opposite or missing ones keep claims apart.
_AXES: dict[str, tuple[str, str]] = {
    "direction": (
        "rise rises rising rose risen up increase increases increased increasing grow grows growing grew "
        "grown growth gain gains gained climb climbs climbed climbing surge surges surged soar soars soared "
        "boost boosts boosted expand expands expanded expansion hike hikes hiked raise raises raised "
        "accelerate accelerates accelerated rebound rebounds more higher high highest strengthen strengthens",
        "fall falls falling fell fallen down decrease decreases decreased decreasing shrink shrinks shrank "
        "shrinking shrunk drop drops dropped dropping decline declines declined declining sink sinks sank "
        "plunge plunges plunged cut cuts cutting reduce reduces reduced reduction contract contracts "
        "contraction slow slows slowed slowing slowdown less fewer lower low lowest weaken weakens",
    ),
    "outcome": (
        "win wins winning won winner winners succeed succeeds success successful beat beats",
        "lose loses losing lost loser losers fail fails failing failed failure",
    ),
    "judgement": (
        "good better best positive bullish optimistic strong stronger true cheap cheaper",
        "bad worse worst negative bearish pessimistic weak weaker false expensive",
    ),
}
_POLAR: dict[str, tuple[str, int]] = {
    w: (axis, sign) for axis, sides in _AXES.items() for sign, side in zip((1, -1), sides, strict=True) for w in side.split()
}
_NEGATIONS = frozenset(["not", "no", "never", "none", "nobody", "nothing", "nowhere", "neither", "nor", "cannot", "without", "t"])
#: The first half of a contraction split at its apostrophe ("won't" -> "won" "t").
_CONTRACTED = frozenset(["won", "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "can", "couldn", "shouldn", "wouldn", "haven", "hasn", "hadn", "ain"])

_SIGNALS = frozenset(_POLAR) | _NEGATIONS
#: Words that are no part of what is claimed: filler and halves of contractions.
_NOT_CLAIMS = FILLER | _CONTRACTED | {"t"}

Polarity = tuple[tuple[str, int], ...]
_NEUTRAL: Polarity = (("negated", 0),)


@dataclass(frozen=True, slots=True)
class DuplicateRules:
    """When two claims count as the same."""

    #: Shared content words relative to the longer claim.
    min_overlap: float = 0.7
    #: rapidfuzz `ratio` of the two claims' sorted content words (0-100).
    min_similarity: float = 70.0
    #: Rarest words of a claim looked up for partners (blocking is exact up to ~10 words).
    max_prefix: int = 6
    #: A safety valve: a word is not indexed for more claims than this.
    max_postings: int = 20_000


class Claim(NamedTuple):
    """What near-duplicate detection needs of an insight (cheap to make for a whole window)."""

    id: int
    text: str
    #: Stemmed content words (`content_stems`), in order.
    stems: tuple[str, ...]

    @property
    def tokens(self) -> frozenset[str]:
        """The distinct words that carry the claim."""
        return frozenset(self.stems).difference(_NOT_CLAIMS)

    @property
    def polarity(self) -> Polarity:
        return polarity(words(self.text))


def make_claim(insight_id: int, text: str, stems: tuple[str, ...] | None = None) -> Claim:
    """A claim from an insight's text (and its `content_stems`, if already known)."""
    return Claim(insight_id, text, content_stems(words(text)) if stems is None else stems)


def polarity(folded_words: Sequence[str]) -> Polarity:
    """The claim's direction words by axis, plus whether it is negated (odd number of negations)."""
    if _SIGNALS.isdisjoint(folded_words):
        return _NEUTRAL
    signs: set[tuple[str, int]] = set()
    negations = 0
    for i, word in [(i, w) for i, w in enumerate(folded_words) if w in _SIGNALS]:
        if word == "t":
            if i and folded_words[i - 1] in _CONTRACTED:  # "n't", not a stray "t"
                negations += 1
        elif word in _NEGATIONS:
            negations += 1
        elif not (word in _CONTRACTED and i + 1 < len(folded_words) and folded_words[i + 1] == "t"):  # won't
            signs.add(_POLAR[word])
    return (*sorted(signs), ("negated", negations % 2))


def same_claim(a: Claim, b: Claim, rules: DuplicateRules = DuplicateRules()) -> bool:
    """Whether two claims say the same thing, the same way round."""
    return _alike(a.tokens, b.tokens, rules) and a.polarity == b.polarity


def are_near_duplicates(a: str, b: str, rules: DuplicateRules = DuplicateRules()) -> bool:
    """Whether two texts say the same thing, the same way round."""
    return same_claim(make_claim(0, a), make_claim(1, b), rules)


def _alike(a: frozenset[str], b: frozenset[str], rules: DuplicateRules) -> bool:
    """Overlap relative to the longer claim, then rapidfuzz on the sorted words."""
    if not a or not b or len(a & b) < rules.min_overlap * max(len(a), len(b)) - 1e-9:
        return False
    return bool(fuzz.ratio(" ".join(sorted(a)), " ".join(sorted(b)), score_cutoff=rules.min_similarity))


def candidate_pairs(
    claims: Sequence[Claim], rules: DuplicateRules = DuplicateRules(), frequency: Mapping[str, int] | None = None
) -> Iterator[tuple[int, int]]:
    """Positions of claim pairs that may be near-duplicates, each pair once.

    Claims are taken shortest first; a claim meets the earlier ones that share two words
    of its rarest-first prefix (set unions and intersections, done in C). Claims too short
    for the one at hand are too short for every later one too, and leave the index.
    `frequency` (documents per word, for every word of the claims) is counted unless given.
    """
    ranked = _rarest_first(claims, frequency)
    sizes = [len(r) for r in ranked]
    index: list[set[int]] = [set() for _ in range(1 + max((r[-1] for r in ranked if r), default=0))]
    order = sorted(range(len(claims)), key=sizes.__getitem__)
    indexed: list[list[set[int]]] = [[] for _ in claims]
    oldest = 0
    for position in order:
        size = sizes[position]
        while sizes[order[oldest]] < rules.min_overlap * size - 1e-9:  # too short from now on
            for posting in indexed[order[oldest]]:
                posting.discard(order[oldest])
            oldest += 1
        shared = math.ceil(rules.min_overlap * size - 1e-9)  # words any partner must share
        need = min(2, shared)  # ... so `need` of them stand in both prefixes
        postings = [index[r] for r in ranked[position][: min(size - shared + need, max(rules.max_prefix, need))]]
        yield from ((other, position) for other in _sharing(postings, need))
        indexed[position] = [p for p in postings if len(p) < rules.max_postings]
        for posting in indexed[position]:
            posting.add(position)


def _rarest_first(claims: Sequence[Claim], frequency: Mapping[str, int] | None) -> list[list[int]]:
    """Each claim's distinct words as ranks, rarest first (0 is the window's rarest word)."""
    if frequency is None:
        frequency = Counter(t for c in claims for t in set(c.stems))
    vocabulary = sorted((t for t in frequency if t not in _NOT_CLAIMS), key=lambda t: (frequency[t], t))
    rank = {t: r for r, t in enumerate(vocabulary)}
    return [sorted(map(rank.__getitem__, set(c.stems).difference(_NOT_CLAIMS))) for c in claims]


def _sharing(postings: Sequence[set[int]], need: int) -> set[int]:
    """Members of at least `need` (1 or 2) of the posting sets."""
    seen: set[int] = set()
    twice: set[int] = set()
    for posting in postings:
        if need > 1 and seen:
            twice.update(posting.intersection(seen))
        seen.update(posting)
    return twice if need > 1 else seen


def cluster_claims(
    claims: Sequence[Claim], rules: DuplicateRules = DuplicateRules(), frequency: Mapping[str, int] | None = None
) -> dict[int, int]:
    """Each claim's cluster, named by its smallest member id (`frequency`: see `candidate_pairs`)."""
    parent = list(range(len(claims)))

    def root(p: int) -> int:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for a, b in candidate_pairs(claims, rules, frequency):
        ra, rb = root(a), root(b)
        if ra != rb and same_claim(claims[a], claims[b], rules):
            low, high = (ra, rb) if claims[ra].id < claims[rb].id else (rb, ra)
            parent[high] = low
    return {c.id: claims[root(p)].id for p, c in enumerate(claims)}


def cluster_insights(
    insights: Sequence[Insight], rules: DuplicateRules = DuplicateRules()
) -> list[tuple[Insight, ...]]:
    """Insights grouped into near-duplicate clusters (singletons included), each by id, by first id."""
    claims = [make_claim(i.id, i.text) for i in insights]
    cluster_of = cluster_claims(claims, rules)
    groups: dict[int, list[Insight]] = {}
    for insight in sorted(insights, key=lambda i: i.id):
        groups.setdefault(cluster_of[insight.id], []).append(insight)
    return [tuple(group) for _, group in sorted(groups.items())]
