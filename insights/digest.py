"""A channel's daily top five: relevant, fresh, good, echoed, varied, never repeated.

`build_pool` runs once per scheduler run over the recent window: near-duplicate
clusters, a base score per insight (freshness, quality, agreement across podcasts)
and, lazily, one ranked list per topic, shared by every channel that follows it.
`select_digest` then merges a channel's few topic lists best-first and stops as soon
as its picks are settled, so a channel costs a handful of candidates, not the window.
"""

from __future__ import annotations

import bisect
import gc
import heapq
import math
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from insights.meaning import Meaning, WindowMeaning
from insights.meaning_topics import ABOUT
from insights.model import Insight
from insights.near_duplicates import DuplicateRules, cluster_claims, make_claim
from insights.text import words
from insights.topics import (
    TopicDoc,
    TopicIndex,
    channel_topics,
    content_stems,
    normalise_topic,
    parse_topics,
    topic_stems,
)

#: (-score, id, position, matched topic): sorts best first, ties by id.
Entry = tuple[float, int, int, str]

_CAPITAL_OR_DIGIT = re.compile(r"[A-Z0-9]")


@dataclass(frozen=True, slots=True)
class DigestRules:
    """What a good digest is; the defaults are the product's."""

    size: int = 5
    freshness_days: float = 7.0
    max_per_podcast: int = 2
    #: Below this relevance to every channel topic an insight is filler, never picked.
    relevance_floor: float = 0.35
    #: Freshness halves every this many days.
    half_life_days: float = 3.0
    relevance_weight: float = 0.4
    freshness_weight: float = 0.25
    quality_weight: float = 0.15
    agreement_weight: float = 0.2
    #: A preference of +1 multiplies a score by 1 + this, -1 by 1 - this.
    preference_strength: float = 0.5
    #: Feeds date episodes a little ahead; up to this far ahead counts as just published.
    future_skew_hours: float = 24.0
    duplicates: DuplicateRules = field(default_factory=DuplicateRules)


@dataclass(frozen=True, slots=True)
class DigestPick:
    """One insight of a digest, why it was chosen, and where else it was said."""

    insight: Insight
    score: float
    reasons: tuple[str, ...] = ()
    also_on: tuple[str, ...] = ()
    topic: str | None = None


def freshness(age_days: float, half_life_days: float) -> float:
    """1 when just published, halving every `half_life_days`."""
    return math.pow(0.5, max(age_days, 0.0) / half_life_days)


def quality(text: str, content_words: int) -> float:
    """A proxy for a good standalone claim: a full sentence, specific, not a question."""
    # a few words are a fragment, not a claim; nor is a paragraph
    length = min(1.0, content_words / 8) if content_words <= 30 else max(0.4, 1.0 - (content_words - 30) / 50)
    specific = 0.15 if _is_specific(text) else 0.0
    question = 0.3 if text.rstrip().endswith("?") else 0.0
    return min(1.0, max(0.0, 0.8 * length + specific - question))


def _is_specific(text: str) -> bool:
    """A number, or a capitalised word inside a sentence (a name)."""
    for found in _CAPITAL_OR_DIGIT.finditer(text):
        i = found.start()
        if text[i].isdigit():
            return True
        if i > 1 and text[i - 1] == " " and text[i - 2] not in ".!?" and text[i + 1 : i + 2].isalpha():
            return True
    return False


def agreement(podcasts: int) -> float:
    """0 for a claim one podcast makes, rising towards 1 the more podcasts echo it."""
    return (podcasts - 1) / (podcasts + 1) if podcasts > 1 else 0.0


class DigestPool:
    """The recent window, scored and clustered once, with topic lists built on demand."""

    def __init__(
        self, insights: Sequence[Insight], now: datetime, rules: DigestRules, meaning: Meaning | None = None
    ) -> None:
        self.rules, self.now = rules, now
        self.insights = tuple(insights)
        #: Vectors and decisions by meaning; None: lexical only (the extra is not installed).
        self.meaning = WindowMeaning(self.insights, meaning) if meaning is not None else None
        self._how: dict[tuple[str, int], str] = {}
        self._position = {insight.id: p for p, insight in enumerate(self.insights)}
        keys: dict[str | None, str] = {}
        self._podcast = [keys.get(i.podcast) or keys.setdefault(i.podcast, _key(i.podcast)) for i in self.insights]
        self._tag_names: dict[str, str] = {}
        self.topic_index = self._analyse()
        self._ranked: dict[str, list[Entry]] = {}

    def _analyse(self) -> TopicIndex:
        """Words, topic index, clusters and base scores of every insight."""
        stems = [content_stems(words(i.text)) for i in self.insights]
        tags: dict[tuple[str, ...], tuple[tuple[str, ...], ...]] = {}
        for insight in self.insights:
            if insight.topics not in tags:
                tags[insight.topics] = tuple(dict.fromkeys(t for t in map(topic_stems, insight.topics) if t))
        index = TopicIndex([TopicDoc(s, tags[i.topics]) for i, s in zip(self.insights, stems, strict=True)])
        claims = [make_claim(i.id, i.text, s) for i, s in zip(self.insights, stems, strict=True)]
        if self.meaning is None:
            cluster_of = cluster_claims(claims, self.rules.duplicates, index.frequency())
            self._cluster = [self._position[cluster_of[i.id]] for i in self.insights]
        else:
            self._cluster = self.meaning.clusters(claims, self.rules.duplicates, index.frequency())
        members: dict[int, list[int]] = {}
        for position, cluster in enumerate(self._cluster):
            members.setdefault(cluster, []).append(position)
        self._echoes = {c: self._podcasts_of(m) for c, m in members.items()}
        self.base = [self._base(p, quality(i.text, len(s))) for p, (i, s) in enumerate(zip(self.insights, stems, strict=True))]
        return index

    def _podcasts_of(self, positions: Sequence[int]) -> list[str]:
        if len(positions) == 1:  # most claims: no need to sort
            return [n] if (n := self.insights[positions[0]].podcast) else []
        named = {self._podcast[p]: self.insights[p].podcast for p in reversed(positions) if self._podcast[p]}
        return sorted(n for n in named.values() if n)

    def _base(self, position: int, quality_score: float) -> float:
        r = self.rules
        echoes = max(1, len(self._echoes[self._cluster[position]]))
        return (
            r.freshness_weight * freshness(self.age_days(position), r.half_life_days)
            + r.quality_weight * quality_score
            + r.agreement_weight * agreement(echoes)
        )

    def __len__(self) -> int:
        return len(self.insights)

    def __contains__(self, insight_id: object) -> bool:
        return insight_id in self._position

    def age_days(self, position: int) -> float:
        dated = _utc(self.insights[position].dated_at or self.now)
        return max(0.0, (self.now - dated).total_seconds() / 86400)

    def echoed_by(self, position: int) -> list[str]:
        """The distinct podcasts that made this insight's claim."""
        return self._echoes[self._cluster[position]]

    def blocked_clusters(self, exclude_ids: Iterable[int]) -> set[int]:
        """Clusters a channel must not see again: those with a member it already received."""
        found = (self._position.get(i) for i in exclude_ids)
        return {self._cluster[p] for p in found if p is not None}

    def warm(self, topics: Iterable[str]) -> None:
        """Build the ranked lists of these topics now (a scheduler run knows them all)."""
        for topic in topics:
            for name in parse_topics(topic):
                self.ranked(name)

    def ranked(self, topic: str) -> list[Entry]:
        """The insights relevant to a normalised topic, best first (built once, then shared)."""
        found = self._ranked.get(topic)
        if found is None:
            if topic:
                weight = self.rules.relevance_weight
                matches = self._matches(topic)
                found = [(-(weight * rel + self.base[p]), self.insights[p].id, p, topic) for p, rel in matches]
            else:  # no topics: the best of everything
                full = self.rules.relevance_weight
                found = [(-(full + b), self.insights[p].id, p, "") for p, b in enumerate(self.base)]
            found.sort()
            self._ranked[topic] = found
        return found

    def _matches(self, topic: str) -> list[tuple[int, float]]:
        """(position, relevance) of the insights at least `relevance_floor` relevant to a topic."""
        floor = self.rules.relevance_floor
        if self.meaning is None:
            return self.topic_index.matches(topic, floor)
        compiled = self.topic_index.compile(topic)
        lexical = {p: compiled.score(self.topic_index.docs[p]) for p, _ in self.topic_index.matches(topic, 0.0)}
        blended = self.meaning.topic_matches(topic, lexical)
        found = []
        for position in sorted(blended):
            match = blended[position]
            if match.relevance >= floor:
                found.append((position, match.relevance))
                self._how[(topic, position)] = match.how
        return found

    def why_topic(self, position: int, topic: str) -> str:
        """The Why line's topic part: "matched: t", or "about: t (phrase, phrase)" for a match by meaning."""
        if self.meaning is None or self._how.get((topic, position)) != ABOUT:
            return f"matched: {topic}"
        near = self.meaning.about(position, topic)
        return f"about: {topic} ({', '.join(near)})" if near else f"about: {topic}"

    def cluster_key(self, position: int) -> int:
        return self._cluster[position]

    def podcast_key(self, position: int) -> str:
        return self._podcast[position]

    def tags(self, position: int) -> tuple[str, ...]:
        """The insight's topic tags, normalised."""
        names = self._tag_names
        return tuple(names.get(t) or names.setdefault(t, normalise_topic(t)) for t in self.insights[position].topics)


def digest_window(now: datetime, rules: DigestRules | None = None) -> tuple[datetime, datetime]:
    """The digest window at `now`, both ends included: an insight is eligible when its `Insight.dated_at`
    (the episode's publication date or, without one, when the insight was added) lies between
    `freshness_days` before `now` and `future_skew_hours` after it. The one definition: the storage
    query that reads the window (`storage.digest_queries.recent_insights`) applies the same rule."""
    rules = rules or DigestRules()
    now = _utc(now)
    return now - timedelta(days=rules.freshness_days), now + timedelta(hours=rules.future_skew_hours)


def in_window(insight: Insight, window: tuple[datetime, datetime]) -> bool:
    """Whether `insight` is dated within `window` (`digest_window`); one that cannot be dated never is."""
    dated = insight.dated_at
    return dated is not None and window[0] <= _utc(dated) <= window[1]


def build_pool(
    insights: Sequence[Insight], now: datetime, rules: DigestRules | None = None, meaning: Meaning | None = None
) -> DigestPool:
    """The pool of the insights in the digest window at `now` (`digest_window`), ordered by id.

    An insight without a published date counts by when it was added (`Insight.added_at`), for the
    window and for its freshness. With `meaning` (the embedding model's), topics and stories are
    matched by meaning too.
    """
    rules = rules or DigestRules()
    now = _utc(now)
    window = digest_window(now, rules)
    recent = {i.id: i for i in insights if in_window(i, window)}
    with _collector_paused():
        return DigestPool([recent[k] for k in sorted(recent)], now, rules, meaning)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Building makes millions of long-lived objects and no cycles: rescanning them costs ~25%."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def select_digest(
    pool: DigestPool,
    topics: Sequence[str],
    exclude_ids: Collection[int],
    *,
    preferences: Mapping[str, float] | None = None,
) -> list[DigestPick]:
    """A channel's picks, best first: relevant to its topics (all, when none), never a repeat."""
    wanted = channel_topics(topics)
    streams = [pool.ranked(t) for t in wanted] if wanted else [pool.ranked("")]
    blocked = pool.blocked_clusters(exclude_ids)
    prefs = _Preferences(preferences or {}, pool.rules.preference_strength)
    plain = _greedy(pool, (_Chosen(-e[0], e[1], e[2], e[3]) for e in heapq.merge(*streams)), blocked)
    chosen = _preferring(pool, streams, blocked, prefs) if prefs.active else plain
    return [_explain(pool, rank, c, plain) for rank, c in enumerate(chosen)]


@dataclass(frozen=True, slots=True)
class _Chosen:
    """A candidate: its (preference-adjusted) score, and what a preference did for it."""

    score: float
    id: int
    position: int
    topic: str
    liked: str | None = None


class _Preferences:
    """Reactions' feedback: "topic:<name>" / "podcast:<name>" weights in [-1, 1]."""

    def __init__(self, weights: Mapping[str, float], strength: float) -> None:
        self.podcasts: dict[str, float] = {}
        self.topics: dict[str, float] = {}
        for key, weight in weights.items():
            kind, _, name = key.partition(":")
            if kind.strip() == "podcast" and weight:
                self.podcasts[_key(name)] = max(-1.0, min(1.0, weight))
            elif kind.strip() == "topic" and weight:
                self.topics[normalise_topic(name)] = max(-1.0, min(1.0, weight))
        self.strength = strength
        self.active = bool(self.podcasts or self.topics)
        lift = max([0.0, *self.podcasts.values()]) + max([0.0, *self.topics.values()])
        self.max_up = 1.0 + strength * min(1.0, lift)

    def effect(self, pool: DigestPool, position: int, topic: str) -> tuple[float, str | None]:
        """The score multiplier for an insight, and the liked podcast or topic that lifted it."""
        podcast = self.podcasts.get(pool.podcast_key(position), 0.0)
        named = [(abs(w), w, t) for t in (topic, *pool.tags(position)) if (w := self.topics.get(t))]
        _, liked_topic, topic_name = max(named, default=(0.0, 0.0, ""))
        total = max(-1.0, min(1.0, podcast + liked_topic))
        liked = None
        if total > 0:
            liked = pool.insights[position].podcast if podcast >= liked_topic else topic_name
        return 1.0 + self.strength * total, liked


def _greedy(pool: DigestPool, ordered: Iterable[_Chosen], blocked: Collection[int]) -> list[_Chosen]:
    """Best first, one per cluster, at most `max_per_podcast` per podcast, until `size`."""
    rules = pool.rules
    picks: list[_Chosen] = []
    clusters: set[int] = set()
    per_podcast: dict[str, int] = {}
    for candidate in ordered:
        cluster = pool.cluster_key(candidate.position)
        podcast = pool.podcast_key(candidate.position)
        if cluster in blocked or cluster in clusters or per_podcast.get(podcast, 0) >= rules.max_per_podcast:
            continue
        picks.append(candidate)
        clusters.add(cluster)
        per_podcast[podcast] = per_podcast.get(podcast, 0) + 1
        if len(picks) == rules.size:
            break
    return picks


def _preferring(
    pool: DigestPool, streams: Sequence[list[Entry]], blocked: Collection[int], prefs: _Preferences
) -> list[_Chosen]:
    """`_greedy` on preference-adjusted scores, reading the streams only until the picks are settled.

    An unread insight scores at most its raw score times `max_up`; once that is below the
    last pick's score, nothing unread can change the picks.
    """
    collected: list[_Chosen] = []
    picks: list[_Chosen] = []
    seen: set[int] = set()
    for neg, insight_id, position, topic in heapq.merge(*streams):
        if len(picks) == pool.rules.size and -neg * prefs.max_up < picks[-1].score:
            break
        if insight_id in seen or pool.cluster_key(position) in blocked:
            continue
        seen.add(insight_id)
        multiplier, liked = prefs.effect(pool, position, topic)
        chosen = _Chosen(-neg * multiplier, insight_id, position, topic, liked)
        bisect.insort(collected, chosen, key=lambda c: (-c.score, c.id))
        picks = _greedy(pool, collected, blocked)
    return picks


def _explain(pool: DigestPool, rank: int, chosen: _Chosen, plain: Sequence[_Chosen]) -> DigestPick:
    """The pick with its reasons and the other podcasts that said it."""
    insight = pool.insights[chosen.position]
    echoes = pool.echoed_by(chosen.position)
    reasons = [pool.why_topic(chosen.position, chosen.topic)] if chosen.topic else []
    if len(echoes) > 1:
        reasons.append(f"echoed by {len(echoes)} podcasts")
    reasons.append(_age_label(pool.age_days(chosen.position)))
    if chosen.liked:
        before = next((r for r, c in enumerate(plain) if c.id == chosen.id), None)
        if before is None or rank < before:
            reasons.append(f"your team liked {chosen.liked}")
    also_on = tuple(p for p in echoes if _key(p) != pool.podcast_key(chosen.position))
    return DigestPick(insight, round(chosen.score, 4), tuple(reasons), also_on, chosen.topic or None)


def _age_label(days: float) -> str:
    whole = int(days)
    return "fresh: today" if whole == 0 else "fresh: 1 day old" if whole == 1 else f"fresh: {whole} days old"


def _key(podcast: str | None) -> str:
    return " ".join(words(podcast)) if podcast else ""


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
