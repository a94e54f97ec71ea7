"""A handful of standalone insights from a transcript, ranked, with start times and topic tags.

1. The transcript becomes sentences with start times, filler removed (`sentences`).
2. Candidates are 1-3 consecutive sentences of one speaker that stand alone
   (`standalone`, which sees past lead-ins such as "I think") and take 12-60 words.
3. Each candidate's score (0-1) is its quality (standalone score, how garbled it was
   said (`garble`), where it sits in the talk (`turns`: host questions and segues
   score low), a preference for substantive claims of a comfortable length) times its
   salience: the highest TextRank centrality among its sentences (`textrank`), so the
   sentence that carries a point never lowers the passage holding it. A publisher's
   soundbite lifts the passages it covers; an episode told as a story (`precision.genre_factor`)
   lowers all its passages, and a subject already talked about before the passage
   ("…, because the printer doesn't…", `context`) lowers that passage.
4. The best ones are picked in score order, never two that share a sentence or say
   nearly the same thing, and none below `PUBLISH_THRESHOLD`: four good insights beat
   six with two bad ones. Only a timed transcript that would otherwise get fewer than
   `MIN_PER_HOUR` per hour of talk takes the next best down to `FLOOR`; show notes
   (untimed) get nothing that does not pass. Topics come from `keywords`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from insights.extraction.context import WINDOW, reference_factor
from insights.extraction.garble import garble_factor
from insights.extraction.keywords import CONSIDERED, GENERIC, Keywords, match_vocabulary
from insights.extraction.leadin import strip_lead_in
from insights.extraction.precision import PASSAGE_FACTORS, genre_factor, passage_factors
from insights.extraction.quality import (
    command_factor,
    fact_factor,
    narrative_factor,
    personal_factor,
    pointing_factor,
    praise_factor,
    subject_factor,
)
from insights.extraction.sentences import Sentence, transcript_sentences
from insights.extraction.standalone import THRESHOLD, cleaned_standalone_score, leans_on_context
from insights.extraction.textrank import centrality
from insights.extraction.turns import turn_factor, turn_facts
from insights.text import STOPWORDS, words
from insights.topics import stem
from insights.transcript import Extracted, Segment

MIN_WORDS = 12
MAX_WORDS = 60
MAX_SENTENCES = 3
#: A candidate fully inside a publisher's soundbite scores this much more (0.5: half as much again, at most 1).
SOUNDBITE_BOOST = 0.5
#: Passages scoring below this are not published, however few are left.
PUBLISH_THRESHOLD = 0.72
#: A timed transcript gets at least this many insights per hour of talk (limit allowing) from `FLOOR` up.
MIN_PER_HOUR = 3.0
FLOOR = 0.66
#: Score factors for each sentence added to a passage: one that explains the one before, one that
#: otherwise points back, one that shares a word; a sentence shorter than MIN_ADDED_WORDS is never added.
JOIN_EXPLAINING = 1.0
JOIN_POINTING_BACK = 0.85
JOIN_SHARED_WORD = 0.88
MIN_ADDED_WORDS = 5
_EXPLAINS = re.compile(
    r"^(?:that s why|this is why|that is why|which is why|because|which means|that means|this means)\b"
)
#: Centrality at which salience is halfway to its top (1.0 is an average sentence).
SALIENCE_HALF = 0.5
#: rapidfuzz token-set similarity (0-100) from which two candidates count as saying the same thing.
NEAR_DUPLICATE = 85.0
#: Words that mark a claim worth keeping (advice, reasons, generalisations).
SUBSTANCE = frozenset(
    [
        "should",
        "need",
        "needs",
        "must",
        "key",
        "important",
        "best",
        "worst",
        "always",
        "never",
        "most",
        "because",
        "mistake",
        "mistakes",
        "secret",
        "reason",
        "helps",
        "better",
        "worse",
        "biggest",
        "every",
        "everyone",
        "nobody",
        "fundamentally",
        "means",
        "matters",
        "goal",
        "rule",
        "tip",
        "strategy",
        "truth",
        "difference",
    ]
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
    features: tuple[float, ...] = ()  # `FEATURES`, for the learned score (`learned`)


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
    candidates = _candidates(sentences, stems, ranks, soundbites)
    chosen = _select(candidates, limit, PUBLISH_THRESHOLD)
    wanted = min(limit, math.ceil(MIN_PER_HOUR * _hours(sentences)))
    if len(chosen) < wanted:
        chosen = _select(candidates, wanted, FLOOR)
    keywords = Keywords(folded=folded)
    return [Extracted(c.text, c.start, round(c.score, 4), _topics(c.text, keywords, topic_vocabulary)) for c in chosen]


def _content_stems(folded: Sequence[str]) -> list[str]:
    """Stems of the content words among folded words (no stopwords, vague words or short words)."""
    return [stem(t) for t in folded if t not in STOPWORDS and t not in GENERIC and len(t) > 2]


def scored_candidates(segments: Sequence[Segment], soundbites: Sequence[tuple[float, float]] = ()) -> list[Candidate]:
    """Every passage that stands alone, with its rule score and its `FEATURES` (none cut at `FLOOR`)."""
    sentences = transcript_sentences(segments)
    stems = [frozenset(_content_stems(words(s.text))) for s in sentences]
    return _candidates(sentences, stems, centrality(stems), soundbites, keep_all=True)


def _candidates(
    sentences: Sequence[Sentence],
    stems: Sequence[frozenset[str]],
    ranks: Sequence[float],
    soundbites: Sequence[tuple[float, float]],
    *,
    keep_all: bool = False,
) -> list[Candidate]:
    """Every passage of 1-3 consecutive sentences of one turn and one thought that stands alone, scored.

    Passages whose ungraded score is below `FLOOR` are dropped unless `keep_all`.
    """
    found: list[Candidate] = []
    turns = turn_facts(sentences)
    garbled: dict[int, float] = {}  # computed for the sentences of passages that stand alone only
    genre = genre_factor([s.text for s in sentences])
    for first, opening in enumerate(sentences):
        if not opening.text:
            continue
        placed = turn_factor(sentences, first, turns)
        joined = 1.0
        for last in range(first, min(first + MAX_SENTENCES, len(sentences))):
            if sentences[last].turn != opening.turn or not sentences[last].text:
                break
            if last > first:
                joined *= _continuation(sentences[last], stems[last], stems[first:last])
                if not joined:
                    break
            text = " ".join(s.text for s in sentences[first : last + 1])
            count = len(text.split())
            if count > MAX_WORDS:
                break
            standalone = cleaned_standalone_score(text, floor=THRESHOLD) if count >= MIN_WORDS else 0.0
            if standalone < THRESHOLD:
                continue
            for i in range(first, last + 1):
                if i not in garbled:
                    garbled[i] = garble_factor(sentences[i].raw)
            worst = min(garbled[i] for i in range(first, last + 1))
            start, end = opening.start, sentences[last].end
            shape = _shape(text, count)
            salience = _salience(max(ranks[first : last + 1]))
            boost = _boost(start, end, soundbites)
            score = standalone * worst * placed * joined * shape * salience * boost * genre
            if score < FLOOR and not keep_all:  # the graded factors only lower it: never published
                continue
            graded = (*_graded_factors(text), reference_factor(text, stems[max(0, first - WINDOW) : first]))
            score = min(1.0, score * math.prod(graded))
            key = " ".join(sorted(frozenset().union(*stems[first : last + 1])))
            ungraded = (standalone, worst, placed, joined, shape, salience, boost, genre)
            features = (*ungraded, *graded, count / MAX_WORDS, (last - first + 1) / MAX_SENTENCES)
            found.append(Candidate(first, last, text, start, end, score, key, features))
    return found


#: The names of a candidate's `features`: its score's factors (0-1, in this order), then its length.
FEATURES = (
    "standalone",
    "garble",
    "turn",
    "joined",
    "shape",
    "salience",
    "soundbite",
    "genre",
    "personal",
    "pointing",
    "narrative",
    "praise",
    "subject",
    "command",
    "fact",
    *PASSAGE_FACTORS,
    "reference",
    "words",
    "sentences",
)


def _graded_factors(text: str) -> tuple[float, ...]:
    """The graded quality factors of a passage (personal talk, pointers back, praise, vague subjects, commands, facts, `precision`)."""
    core = words(strip_lead_in(text))
    folded = " ".join(core)
    return (
        personal_factor(core),
        pointing_factor(folded),
        narrative_factor(folded),
        praise_factor(folded),
        subject_factor(core),
        command_factor(core),
        fact_factor(text),
        *passage_factors(text),
    )


def _continuation(sentence: Sentence, stems: frozenset[str], before: Sequence[frozenset[str]]) -> float:
    """Factor for adding `sentence` to a passage: 0 when it starts another thought or adds nothing.

    A sentence that explains the one before ("That's why…", "Because…") completes the
    thought at no cost; one that carries on with "And"/"But"/"So" or a pronoun, or only
    shares a content word, may be a second thought or an aside, so a passage grows by it
    only when that makes the passage better by more than the cost. A backchannel ("Yep.",
    "Great stuff.") is never added.
    """
    tokens = words(sentence.text)
    if len(tokens) < MIN_ADDED_WORDS:
        return 0.0
    if _EXPLAINS.match(" ".join(tokens[:4])):
        return JOIN_EXPLAINING
    if leans_on_context(sentence.text):
        return JOIN_POINTING_BACK
    return JOIN_SHARED_WORD if any(stems & earlier for earlier in before) else 0.0


def _salience(rank: float) -> float:
    """Centrality (1.0 average) as a 0.85-1 factor: it orders good passages more than it judges them."""
    return 0.85 + 0.15 * rank / (rank + SALIENCE_HALF)


def _shape(text: str, count: int) -> float:
    """Preference (<= 1) for substantive claims of 16-45 words."""
    length = 0.9 if count < 14 else 0.92 if count > 45 else 1.0
    markers = len(SUBSTANCE.intersection(w.lower().strip(".,;:!?\"'") for w in text.split()))
    return length * (0.88 + 0.04 * min(3, markers))


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


def _hours(sentences: Sequence[Sentence]) -> float:
    """Hours of talk of a timed transcript (0 for untimed text such as show notes)."""
    times = [s.end if s.end is not None else s.start for s in sentences[-3:]]
    return max((t for t in times if t is not None), default=0.0) / 3600


def _select(candidates: Sequence[Candidate], limit: int, threshold: float) -> list[Candidate]:
    """The best candidates from `threshold` up in score order, none sharing a sentence or near-duplicating another."""
    chosen: list[Candidate] = []
    for candidate in sorted(candidates, key=lambda c: (-c.score, c.first, -c.last)):  # ties: the whole thought
        if len(chosen) == limit or candidate.score < threshold:
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
    considered = [*phrases[:CONSIDERED], " ".join(phrases)]
    return match_vocabulary(considered, vocabulary)
