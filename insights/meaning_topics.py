"""Topic relevance by meaning, blended with the lexical match, and what the "Why" line names.

Semantic evidence is the cosine between the topic's vector and the insight's. A one-word
topic (the ambiguous kind) mentioned by an insight is checked first: with the topic's own
words taken out ("Check tyre ___ every month"), what is left must still be about the
topic, else the word is there in another sense ("bone china" for "china", "tyre
inflation" for "inflation") and neither its lexical match nor its cosine counts. A
phrase ("export controls") or a tag is trusted as it is.

Pure: cosines come in, relevance goes out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from insights.text import STOPWORDS, fold
from insights.topics import TopicMatch, stem, topic_stems

_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
#: How a match by meaning is labelled (TopicMatch.how).
ABOUT = "about"


@dataclass(frozen=True, slots=True)
class MeaningRules:
    """How cosines become relevance (tuned on the `tune` half of tests/data/meaning)."""

    #: Cosine (topic words taken out) at which semantic relevance starts...
    low: float = 0.10
    #: ... and where it reaches `top`.
    high: float = 0.55
    top: float = 0.9
    #: A one-word topic's lexical match counts only when the rest of the text is at least this close.
    sense_floor: float = 0.10
    #: Phrases of an insight named in the Why line: at most this many, each at least this close.
    explain_count: int = 2
    explain_floor: float = 0.3


#: Letters two words share at the start to count as forms of one word ("inflated", "inflation").
SAME_WORD_PREFIX = 6


def _spells(word: str, wanted: set[str]) -> bool:
    """Whether a word is a form of one of the topic's (stemmed) words."""
    folded = stem(fold(word))
    if folded in wanted:
        return True
    return len(folded) >= SAME_WORD_PREFIX and any(
        len(w) >= SAME_WORD_PREFIX and w[:SAME_WORD_PREFIX] == folded[:SAME_WORD_PREFIX] for w in wanted
    )


def without_topic_words(text: str, topic: str) -> str:
    """`text` with the words that spell the topic (any form: "chips" for "chip") taken out."""
    wanted = set(topic_stems(topic))
    return _TOKEN.sub(lambda m: "" if _spells(m.group(), wanted) else m.group(), text)


def mentions_topic(text: str, topic: str) -> bool:
    """Whether masking changes the text (only then does it need a second vector)."""
    wanted = set(topic_stems(topic))
    return any(_spells(m.group(), wanted) for m in _TOKEN.finditer(text))


def semantic_relevance(cosine: float, rules: MeaningRules = MeaningRules()) -> float:
    """0 below `low`, rising linearly to `top` at `high`."""
    if cosine <= rules.low:
        return 0.0
    return round(rules.top * min(1.0, (cosine - rules.low) / (rules.high - rules.low)), 4)


def blend(
    lexical: TopicMatch, topic: str, cosine: float, rest: float | None = None, rules: MeaningRules = MeaningRules()
) -> TopicMatch:
    """The better of the lexical match (if its sense holds) and the match by meaning.

    `cosine` is the topic's vector against the insight's; `rest`, against the insight's
    without the topic's words (None when the text does not mention them).
    """
    lexical_kept = lexical.relevance
    sense_holds = rest is None or len(topic_stems(topic)) > 1 or lexical.how == "tagged" or rest >= rules.sense_floor
    if not sense_holds:
        lexical_kept = 0.0  # the word, in another sense
    semantic = semantic_relevance(cosine if sense_holds else rest or 0.0, rules)
    if semantic > lexical_kept:
        return TopicMatch(topic, semantic, ABOUT)
    if lexical_kept:
        return TopicMatch(topic, lexical_kept, lexical.how)
    return TopicMatch(None, 0.0)


def phrases(text: str, limit: int = 40) -> list[str]:
    """Candidate phrases of a text for the Why line: runs of one or two content words."""
    tokens = [m.group() for m in _TOKEN.finditer(text)]
    found: list[str] = []
    for i, token in enumerate(tokens):
        if fold(token) in STOPWORDS or len(token) < 3 or token.isdigit():
            continue
        found.append(token.lower())
        if i + 1 < len(tokens) and fold(tokens[i + 1]) not in STOPWORDS and len(tokens[i + 1]) > 2:
            found.append(f"{token} {tokens[i + 1]}".lower())
    return list(dict.fromkeys(found))[:limit]


def closest_phrases(
    candidates: Sequence[str], cosines: Sequence[float], topic: str, rules: MeaningRules = MeaningRules()
) -> list[str]:
    """The phrases nearest the topic (not its own words), best first, none inside another."""
    wanted = set(topic_stems(topic))
    ranked = sorted(zip(cosines, candidates, strict=True), key=lambda pair: -pair[0])
    chosen: list[str] = []
    for cosine, phrase in ranked:
        if cosine < rules.explain_floor or len(chosen) == rules.explain_count:
            break
        if set(topic_stems(phrase)) & wanted:
            continue
        if any(phrase in other or other in phrase for other in chosen):
            continue
        chosen.append(phrase)
    return chosen
