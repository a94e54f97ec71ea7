"""Topics as people type them, and how relevant an insight is to one.

Matching is phrase-aware and forgiving: plural forms match ("semiconductor" and
"semiconductors"), small typos match at a small discount, an insight tagged with the
topic or saying the topic's words together and in order (stopwords between them do not
count) scores high, all the words apart scores less, some of them less again, and an
unrelated insight scores 0.

`doc_relevance` scores one insight; `TopicIndex` gives the same answers for a whole
window at once from an inverted index, so a topic costs its matches, not the window.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import filterfalse, repeat

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from insights.model import Insight
from insights.text import STOPWORDS, words

#: Relevance of each kind of match (before the typo discount).
TAGGED = 0.9
PHRASE = 0.9
TAGGED_AND_PHRASE = 1.0
ALL_WORDS = 0.7
PARTIAL = 0.6
#: Similarity lost per typo (edit) in a word.
TYPO_DISCOUNT = 0.1

_SEPARATORS = re.compile(r"[,;\n]")


def normalise_topic(raw: str) -> str:
    """The canonical name of a typed topic: folded words, single spaces ("AI-Policy " -> "ai policy")."""
    return " ".join(words(raw))


def parse_topics(raw: str) -> list[str]:
    """Topics typed as a list ("ai policy, semiconductors; China"), normalised, without repeats."""
    found: list[str] = []
    for part in _SEPARATORS.split(raw):
        topic = normalise_topic(part)
        if topic and topic not in found:
            found.append(topic)
    return found


def channel_topics(topics: Sequence[str]) -> list[str]:
    """A channel's topics, normalised, each once (an entry may list several, comma-separated)."""
    found: list[str] = []
    for raw in [topics] if isinstance(topics, str) else topics:
        found.extend(t for t in parse_topics(raw) if t not in found)
    return found


def closest_topic(typed: str, existing: Iterable[str], min_score: float = 85.0) -> str | None:
    """The existing topic a person most likely meant (plural- and typo-tolerant), if any."""
    wanted = _stemmed(normalise_topic(typed))
    choices = {topic: _stemmed(normalise_topic(topic)) for topic in existing}
    for topic, stemmed in choices.items():
        if stemmed == wanted:
            return topic
    best = process.extractOne(wanted, choices, scorer=fuzz.ratio, score_cutoff=min_score)
    return best[2] if best else None


def stem(word: str) -> str:
    """A folded word's singular form, roughly ("policies" -> "policy", "chips" -> "chip")."""
    n = len(word)
    if n > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if n > 4 and word.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if n > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


_STEMS: dict[str, str] = {}
#: The stem cache is emptied when it grows past this many words.
STEM_CACHE_LIMIT = 500_000


def content_stems(folded_words: Sequence[str]) -> tuple[str, ...]:
    """The stems of a text's content words (`words` without stopwords), in order; cached."""
    cache = _STEMS
    try:  # map/filterfalse keep the loop in C: this runs for every insight of a window
        return tuple(map(cache.__getitem__, filterfalse(STOPWORDS.__contains__, folded_words)))
    except KeyError:
        if len(cache) > STEM_CACHE_LIMIT:
            cache.clear()
        for word in folded_words:
            if word not in cache:  # keep the first copy: texts share one string per stem
                cache[word] = stem(word)
        return tuple([cache.get(w) or stem(w) for w in folded_words if w not in STOPWORDS])


def _stemmed(topic: str) -> str:
    return " ".join(stem(w) for w in topic.split())


def allowed_edits(word: str) -> int:
    """Typos tolerated in a word of this length (short words must be exact)."""
    n = len(word)
    return 0 if n <= 4 else 1 if n <= 7 else 2


def word_similarity(wanted: str, found: str) -> float:
    """How well `found` stands for `wanted` (both stemmed): 1 when equal, less per typo, else 0."""
    if wanted == found:
        return 1.0
    limit = allowed_edits(min(wanted, found, key=len))
    if not limit or abs(len(wanted) - len(found)) > limit:
        return 0.0
    edits = OSA.distance(wanted, found, score_cutoff=limit)
    return 1.0 - TYPO_DISCOUNT * edits if edits <= limit else 0.0


def topic_stems(topic: str) -> tuple[str, ...]:
    """The stemmed content words a topic is matched by (stopwords do not count)."""
    return content_stems(words(topic))


@dataclass(frozen=True, slots=True)
class TopicDoc:
    """What topic matching needs of an insight: its stemmed content words and tags."""

    stems: tuple[str, ...]
    tags: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def of(cls, insight: Insight) -> TopicDoc:
        tags = tuple(dict.fromkeys(topic_stems(t) for t in insight.topics))
        return cls(topic_stems(insight.text), tuple(t for t in tags if t))


@dataclass(frozen=True, slots=True)
class TopicMatch:
    """How relevant an insight is (0-1), to which topic, and how it matched."""

    topic: str | None
    relevance: float
    how: str = ""


@dataclass(frozen=True, slots=True)
class CompiledTopic:
    """A topic ready to score insights: each of its words with the spellings that stand for it."""

    topic: str
    wanted: tuple[str, ...]
    lookups: tuple[Mapping[str, float], ...]

    @classmethod
    def over(cls, topic: str, vocabulary: Iterable[str]) -> CompiledTopic:
        """Compiled against every word in `vocabulary` (stemmed words), checked one by one."""
        wanted = topic_stems(topic)
        distinct = set(vocabulary)
        return cls(topic, wanted, tuple({s: sim for s in distinct if (sim := word_similarity(w, s))} for w in wanted))

    def score(self, doc: TopicDoc) -> TopicMatch:
        """Relevance of one insight (whose words are all in the compiled vocabulary)."""
        text, how = _text_score(doc.stems, self.lookups)
        tag = _tag_score(doc.tags, self.wanted)
        if tag and how == "phrase":  # both: the best there is, less any typo discounts
            return TopicMatch(self.topic, round(TAGGED_AND_PHRASE * (tag / TAGGED) * (text / PHRASE), 4), "tagged")
        if tag >= text and tag:
            return TopicMatch(self.topic, round(tag, 4), "tagged")
        return TopicMatch(self.topic if text else None, round(text, 4), how)


def doc_relevance(doc: TopicDoc, topic: str) -> TopicMatch:
    """Relevance of one insight to one topic."""
    return CompiledTopic.over(topic, doc.stems).score(doc)


def topic_relevance(insight: Insight, topics: str | Sequence[str]) -> TopicMatch:
    """The channel topic an insight is most relevant to (first listed wins a tie)."""
    wanted = parse_topics(topics) if isinstance(topics, str) else [normalise_topic(t) for t in topics]
    doc = TopicDoc.of(insight)
    best = TopicMatch(None, 0.0)
    for topic in wanted:
        match = doc_relevance(doc, topic)
        if match.relevance > best.relevance:
            best = match
    return best


def _tag_score(tags: Sequence[tuple[str, ...]], wanted: tuple[str, ...]) -> float:
    best = 0.0
    for tag in tags:
        if len(tag) == len(wanted):
            sims = [word_similarity(w, t) for w, t in zip(wanted, tag, strict=True)]
            if all(sims):
                best = max(best, TAGGED * math.fsum(sims) / len(sims))
    return best


def _text_score(stems: Sequence[str], lookups: Sequence[Mapping[str, float]]) -> tuple[float, str]:
    """Score of the text: the phrase, all its words apart, or some of them."""
    if not lookups:
        return 0.0, ""
    hits = [{i: look[s] for i, s in enumerate(stems) if s in look} for look in lookups]
    best = [max(h.values(), default=0.0) for h in hits]
    if all(best):
        phrase = _best_phrase(hits)
        if phrase:
            return PHRASE * phrase, "phrase"
        return ALL_WORDS * math.fsum(best) / len(best), "words"
    if len(best) > 1 and any(best):
        return PARTIAL * math.fsum(best) / len(best), "partial"
    return 0.0, ""


def _best_phrase(hits: Sequence[Mapping[int, float]]) -> float:
    """Mean similarity of the best place where the words stand together, in order (0 if none)."""
    best = 0.0
    for start, first in hits[0].items():
        sims = [first]
        for offset, later in enumerate(hits[1:], 1):
            sim = later.get(start + offset)
            if sim is None:
                break
            sims.append(sim)
        if len(sims) == len(hits):
            best = max(best, math.fsum(sims) / len(sims))
    return best


class TopicIndex:
    """Topic relevance over a whole window, from an inverted index of stemmed words."""

    def __init__(self, docs: Sequence[TopicDoc]) -> None:
        self.docs = docs
        postings: defaultdict[str, list[int]] = defaultdict(list)
        tags: defaultdict[tuple[str, ...], list[int]] = defaultdict(list)
        for position, doc in enumerate(docs):
            # append `position` to the posting list of each distinct word, looping in C
            deque(map(list.append, map(postings.__getitem__, set(doc.stems)), repeat(position)), maxlen=0)
            for tag in doc.tags:
                tags[tag].append(position)
        self._postings = dict(postings)
        self._tags = dict(tags)
        by_length: dict[int, list[str]] = {}
        for s in sorted(postings):
            by_length.setdefault(len(s), []).append(s)
        self._by_length = by_length

    def frequency(self) -> dict[str, int]:
        """How many docs each indexed word stands in."""
        return {s: len(p) for s, p in self._postings.items()}

    def compile(self, topic: str) -> CompiledTopic:
        """The topic compiled against the indexed vocabulary (typo variants found by rapidfuzz)."""
        wanted = topic_stems(topic)
        return CompiledTopic(topic, wanted, tuple(self._variants(w) for w in wanted))

    def matches(self, topic: str, floor: float = 0.0) -> list[tuple[int, float]]:
        """(position, relevance) of every doc at least `floor` relevant (and above 0), by position."""
        compiled = self.compile(topic)
        found = []
        for position in sorted(self._candidates(compiled, floor)):
            relevance = compiled.score(self.docs[position]).relevance
            if relevance > 0 and relevance >= floor:
                found.append((position, relevance))
        return found

    def _variants(self, word: str) -> dict[str, float]:
        """Indexed words that stand for `word`, with their similarity."""
        limit = allowed_edits(word)
        found = {word: 1.0} if word in self._postings else {}
        for length in range(len(word) - limit, len(word) + limit + 1) if limit else ():
            choices = self._by_length.get(length, ())
            for choice, _, _ in process.extract(word, choices, scorer=OSA.distance, score_cutoff=limit, limit=None):
                if sim := word_similarity(word, choice):
                    found[choice] = sim
        return found

    def _candidates(self, compiled: CompiledTopic, floor: float) -> set[int]:
        """Docs that can reach `floor`: tagged, or with enough of the topic's words."""
        wanted = compiled.wanted
        counts: dict[int, int] = {}
        for look in compiled.lookups:
            docs: set[int] = set()
            for variant in look:
                docs.update(self._postings[variant])
            for position in docs:
                counts[position] = counts.get(position, 0) + 1
        k = len(wanted)
        need = k if PARTIAL * (k - 1) / max(k, 1) < floor else max(1, math.ceil(floor * k / PARTIAL - 1e-9))
        candidates = {p for p, c in counts.items() if c >= need}
        for tag, positions in self._tags.items():
            if _tag_score([tag], wanted):
                candidates.update(positions)
        return candidates
