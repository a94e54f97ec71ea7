"""Meaning for a digest window: insight vectors, story pairs, topic relevance, Why phrases.

`Meaning` is what the digest is given when the embedding model can run: a function
`texts -> unit vectors` (an `(n, d)` numpy array; any model id), optional vectors known
already (`cached`, by insight id: what a vector store fills), and the rules. Nothing
here loads a model or touches numpy unless a `Meaning` is given, so the pure domain
stays lexical and dependency-free without the extra.

Cost is bounded: at most `max_insights` insights of a window (the newest) are embedded;
a topic embeds its own name once and, for a one-word topic, the texts that mention it
(at most `max_sense_checks`) without that word; the Why line embeds a pick's phrases.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from insights.meaning_stories import ClaimSigns, StoryRules, contradicts, same_story
from insights.meaning_topics import MeaningRules, blend, closest_phrases, mentions_topic, phrases, without_topic_words
from insights.model import Insight
from insights.near_duplicates import Claim, DuplicateRules, candidate_pairs, same_claim
from insights.topics import TopicMatch, topic_stems

#: Members of each of two stories checked for a disagreement before they join.
STORY_CHECKS = 20

#: texts -> unit vectors, one row per text.
Embed = Callable[[Sequence[str]], Any]
#: A second reader of two claims the rules would join into one story (e.g. a language model):
#: True one story, False not (they stay apart), None unsure or unavailable (the rules decide).
Confirm = Callable[[str, str], bool | None]


@dataclass(frozen=True)
class Meaning:
    """What the digest needs to match by meaning."""

    embed: Embed
    model_id: str = ""
    #: Vectors already known, by insight id (computed with the same model); a mutable one
    #: also keeps the vectors computed here, so the next pool reuses them.
    cached: Mapping[int, Any] = field(default_factory=dict)
    topics: MeaningRules = field(default_factory=MeaningRules)
    stories: StoryRules = field(default_factory=StoryRules)
    max_insights: int = 2000
    max_sense_checks: int = 500
    confirm: Confirm | None = None
    #: Pairs `confirm` is asked about per window at the most (a local model takes seconds each).
    max_confirmations: int = 40


class WindowMeaning:
    """The vectors of a window's insights (by position) and the decisions made from them."""

    def __init__(self, insights: Sequence[Insight], meaning: Meaning) -> None:
        import numpy as np  # the extra is installed: a Meaning was built from its model

        self._np = np
        self.meaning = meaning
        self.insights = insights
        newest = sorted(range(len(insights)), key=lambda p: (_moment(insights[p]), insights[p].id))
        chosen = sorted(newest[-meaning.max_insights :]) if meaning.max_insights else []
        self.positions = chosen
        self.row = {p: r for r, p in enumerate(chosen)}
        missing = [p for p in chosen if insights[p].id not in meaning.cached]
        fresh = meaning.embed([insights[p].text for p in missing]) if missing else None
        vectors = np.zeros((len(chosen), _width(fresh, meaning.cached)), dtype=np.float32)
        fresh_row = {p: i for i, p in enumerate(missing)}
        if fresh is not None and isinstance(meaning.cached, MutableMapping):
            for p, i in fresh_row.items():
                meaning.cached[insights[p].id] = fresh[i]
        for r, p in enumerate(chosen):
            if fresh is not None and p in fresh_row:
                vectors[r] = fresh[fresh_row[p]]
            else:
                vectors[r] = np.asarray(meaning.cached[insights[p].id], dtype=np.float32)
        self.vectors = vectors
        self._signs: dict[int, ClaimSigns] = {}
        self._topic_vectors: dict[str, Any] = {}
        self._phrases: dict[str, Any] = {}

    def signs(self, position: int) -> ClaimSigns:
        found = self._signs.get(position)
        if found is None:
            found = self._signs[position] = ClaimSigns.of(self.insights[position].text)
        return found

    def story_pairs(self) -> list[tuple[int, int]]:
        """Positions of pairs of insights that tell the same story (close vectors, confirmed)."""
        np, rules = self._np, self.meaning.stories
        found: list[tuple[int, int]] = []
        block = 512  # bounded memory: a block of rows against all
        for start in range(0, len(self.positions), block):
            sims = self.vectors[start : start + block] @ self.vectors.T
            rows, cols = np.nonzero(sims >= rules.min_cosine)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=False):
                a, b = start + r, c
                if a < b:
                    pa, pb = self.positions[a], self.positions[b]
                    if same_story(self.signs(pa), self.signs(pb), float(sims[r, c]), rules):
                        found.append((pa, pb))
        return found

    def clusters(self, claims: Sequence[Claim], rules: DuplicateRules, frequency: Mapping[str, int]) -> list[int]:
        """Each claim's story (the position of its first member): lexical near-duplicates and
        close vectors, each pair confirmed (by `Meaning.confirm` too, when given), never joining two
        stories whose members disagree."""
        parent = list(range(len(claims)))

        def root(p: int) -> int:
            while parent[p] != p:
                parent[p] = parent[parent[p]]
                p = parent[p]
            return p

        lexical = (
            (a, b) for a, b in candidate_pairs(claims, rules, frequency)
            if same_claim(claims[a], claims[b], rules) and not self.disagree(a, b)
        )
        members = {p: [p] for p in range(len(claims))}
        asked = 0
        for a, b in [*lexical, *self.story_pairs()]:
            ra, rb = root(a), root(b)
            # no chaining: A ~ B and B ~ C must not join A and C when they disagree
            if ra == rb or any(
                self.disagree(x, y) for x in members[ra][:STORY_CHECKS] for y in members[rb][:STORY_CHECKS]
            ):
                continue
            if self.meaning.confirm is not None and asked < self.meaning.max_confirmations:
                asked += 1
                if self.meaning.confirm(self.insights[a].text, self.insights[b].text) is False:
                    continue
            low, high = (ra, rb) if self.insights[ra].id < self.insights[rb].id else (rb, ra)
            parent[high] = low
            members[low].extend(members.pop(high))
        return [root(p) for p in range(len(claims))]

    def disagree(self, a: int, b: int) -> bool:
        """Whether the words of two insights (a lexical candidate pair) say they disagree."""
        return contradicts(self.signs(a), self.signs(b))

    def topic_vector(self, topic: str) -> Any:
        found = self._topic_vectors.get(topic)
        if found is None:
            found = self._topic_vectors[topic] = self.meaning.embed([topic])[0]
        return found

    def topic_matches(self, topic: str, lexical: Mapping[int, TopicMatch]) -> dict[int, TopicMatch]:
        """Blended relevance of every embedded insight (and the lexical matches of the rest)."""
        rules = self.meaning.topics
        vector = self.topic_vector(topic)
        cosines = (self.vectors @ vector).tolist() if self.positions else []
        rests: dict[int, float] = {}
        if len(topic_stems(topic)) == 1:
            mention = [p for p in self.positions if mentions_topic(self.insights[p].text, topic)]
            mention = mention[: self.meaning.max_sense_checks]
            if mention:
                masked = self.meaning.embed([without_topic_words(self.insights[p].text, topic) for p in mention])
                rests = dict(zip(mention, (masked @ vector).tolist(), strict=False))
        found = {p: m for p, m in lexical.items() if p not in self.row}
        none = TopicMatch(None, 0.0)
        for p, cosine in zip(self.positions, cosines, strict=False):
            match = blend(lexical.get(p, none), topic, cosine, rests.get(p), rules)
            if match.relevance:
                found[p] = match
        return found

    def about(self, position: int, topic: str) -> list[str]:
        """The phrases of an insight nearest a topic, for "about: topic (phrase, phrase)"."""
        candidates = phrases(self.insights[position].text)
        unknown = [c for c in candidates if c not in self._phrases]
        if unknown:
            for phrase, vector in zip(unknown, self.meaning.embed(unknown), strict=False):
                self._phrases[phrase] = vector
        vector = self.topic_vector(topic)
        cosines = [float(self._phrases[c] @ vector) for c in candidates]
        return closest_phrases(candidates, cosines, topic, self.meaning.topics)


def _moment(insight: Insight) -> datetime:
    """When an insight was published, in UTC (naive times are UTC; unknown is oldest)."""
    moment = insight.published_at
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _width(fresh: Any, cached: Mapping[int, Any]) -> int:
    if fresh is not None and len(fresh):
        return int(fresh.shape[1])
    for vector in cached.values():
        return len(vector)
    return 0
