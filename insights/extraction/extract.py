"""A handful of standalone insights from a transcript, ranked, with start times and topic tags.

1. The transcript becomes sentences with start times, filler removed (`sentences`).
2. Candidates are 1-3 consecutive sentences of one speaker that stand alone
   (`standalone`) and take 12-60 words.
3. Each candidate's rank is the TextRank centrality of its sentences (`textrank`)
   times its standalone score, a preference for substantive claims of a comfortable
   length, and a boost where it overlaps a publisher's soundbite.
4. The best ones are picked in rank order, never two that share a sentence or say
   nearly the same thing; topics come from `keywords`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from insights.extraction.keywords import CONSIDERED, GENERIC, Keywords, match_vocabulary
from insights.extraction.sentences import Sentence, transcript_sentences
from insights.extraction.standalone import THRESHOLD, cleaned_standalone_score, leans_on_context
from insights.extraction.textrank import centrality
from insights.text import STOPWORDS, words
from insights.topics import stem
from insights.transcript import Extracted, Segment

MIN_WORDS = 12
MAX_WORDS = 60
MAX_SENTENCES = 3
#: A candidate fully inside a publisher's soundbite scores this much more (1.0 doubles it).
SOUNDBITE_BOOST = 1.0
#: rapidfuzz token-set similarity (0-100) from which two candidates count as saying the same thing.
NEAR_DUPLICATE = 85.0
#: Words that mark a claim worth keeping (advice, reasons, generalisations).
SUBSTANCE = frozenset(
    """should need needs must key important best worst always never most because mistake mistakes secret
    reason helps better worse biggest every everyone nobody fundamentally means matters goal rule tip
    strategy truth difference""".split()
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Sentences `first`..`last` (inclusive) as one passage, with its rank."""

    first: int
    last: int
    text: str
    start: float | None
    end: float | None
    score: float
    key: str  # its content stems, sorted, for near-duplicate checks


def extract_insights(
    segments: Sequence[Segment],
    *,
    limit: int = 6,
    soundbites: Sequence[tuple[float, float]] = (),
    topic_vocabulary: Collection[str] = (),
) -> list[Extracted]:
    """Up to `limit` standalone insights of a transcript, best first.

    `soundbites` are the publisher's (start, duration) highlights, in seconds; overlapping
    passages rank higher. With a `topic_vocabulary`, topics are taken from it (and may be
    empty); otherwise they are the passage's top keyword phrases.
    """
    if limit <= 0:
        return []
    sentences = transcript_sentences(segments)
    folded = [words(s.text) for s in sentences]
    stems = [frozenset(_content_stems(f)) for f in folded]
    ranks = centrality(stems)
    chosen = _select(_candidates(sentences, stems, ranks, soundbites), limit)
    keywords = Keywords(folded=folded)
    return [Extracted(c.text, c.start, round(c.score, 4), _topics(c.text, keywords, topic_vocabulary)) for c in chosen]


def _content_stems(folded: Sequence[str]) -> list[str]:
    """Stems of the content words among folded words (no stopwords, vague words or short words)."""
    return [stem(t) for t in folded if t not in STOPWORDS and t not in GENERIC and len(t) > 2]


def _candidates(
    sentences: Sequence[Sentence],
    stems: Sequence[frozenset[str]],
    ranks: Sequence[float],
    soundbites: Sequence[tuple[float, float]],
) -> list[Candidate]:
    """Every passage of 1-3 consecutive sentences of one turn and one thought that stands alone, ranked."""
    found: list[Candidate] = []
    for first, opening in enumerate(sentences):
        if not opening.text:
            continue
        for last in range(first, min(first + MAX_SENTENCES, len(sentences))):
            if last > first and not _continues(sentences[last], stems[last], stems[first:last]):
                break
            if sentences[last].turn != opening.turn or not sentences[last].text:
                break
            text = " ".join(s.text for s in sentences[first : last + 1])
            count = len(text.split())
            if count > MAX_WORDS:
                break
            standalone = cleaned_standalone_score(text, floor=THRESHOLD) if count >= MIN_WORDS else 0.0
            if standalone < THRESHOLD:
                continue
            centre = math.fsum(ranks[first : last + 1]) / (last - first + 1)
            start, end = opening.start, sentences[last].end
            score = math.sqrt(centre) * standalone * _shape(text, count) * _boost(start, end, soundbites)
            key = " ".join(sorted(frozenset().union(*stems[first : last + 1])))
            found.append(Candidate(first, last, text, start, end, score, key))
    return found


def _continues(sentence: Sentence, stems: frozenset[str], before: Sequence[frozenset[str]]) -> bool:
    """True when a sentence carries on the thought before it: it points back, or shares a content word."""
    return leans_on_context(sentence.text) or any(stems & earlier for earlier in before)


def _shape(text: str, count: int) -> float:
    """Preference for substantive claims of 16-45 words."""
    length = 0.85 if count < 16 else 0.9 if count > 45 else 1.0
    markers = len(SUBSTANCE.intersection(w.lower().strip(".,;:!?\"'") for w in text.split()))
    return length * (1.0 + 0.08 * min(3, markers))


def _boost(start: float | None, end: float | None, soundbites: Sequence[tuple[float, float]]) -> float:
    """1 + up to `SOUNDBITE_BOOST`, by how much of the passage (or soundbite) they share."""
    if start is None or not soundbites:
        return 1.0
    end = max(end if end is not None else start, start)
    best = 0.0
    for bite_start, duration in soundbites:
        bite_end = bite_start + max(duration, 0.0)
        overlap = min(end, bite_end) - max(start, bite_start)
        shortest = min(end - start, bite_end - bite_start)
        if overlap > 0 and shortest > 0:
            best = max(best, min(1.0, overlap / shortest))
        elif end == start and bite_start <= start < bite_end:
            best = 1.0
    return 1.0 + SOUNDBITE_BOOST * best


def _select(candidates: Sequence[Candidate], limit: int) -> list[Candidate]:
    """The best candidates in rank order, none sharing a sentence or near-duplicating another."""
    chosen: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (-c.score, c.first, c.last)):
        if len(chosen) == limit:
            break
        if any(c.first <= candidate.last and candidate.first <= c.last for c in chosen):
            continue
        if any(fuzz.token_set_ratio(c.key, candidate.key) >= NEAR_DUPLICATE for c in chosen):
            continue
        chosen.append(candidate)
    return chosen


def _topics(text: str, keywords: Keywords, vocabulary: Collection[str]) -> tuple[str, ...]:
    """The passage's topics: vocabulary topics when a vocabulary is given, else its keyword phrases."""
    if not vocabulary:
        return keywords.topics(text)
    phrases = [phrase for phrase, _ in keywords.phrases(text)]
    considered = phrases[:CONSIDERED] + [" ".join(phrases)]
    return match_vocabulary(considered, vocabulary)
