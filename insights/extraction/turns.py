"""Who speaks when: host questions, segues and answers that need their question.

With two or more speakers, a turn that ends on a question is a host's set-up, not an
insight; a speaker who mostly asks (the host) rarely says the insight; and the first
words of an answer often lean on the question ("Yes, because it…"). With one speaker
or none known, nothing here changes a passage's score.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from insights.extraction.sentences import Sentence

#: Score factor of a passage from a turn that ends on a question.
ASKING_TURN = 0.5
#: Most a speaker's habit of asking takes off (a speaker whose every turn asks: this much).
ASKER = 0.45
#: Score factor of the opening of an answer, right after another speaker's question.
ANSWER_OPENING = 0.9


@dataclass(frozen=True, slots=True)
class Turns:
    """Facts about the turns of a transcript, by turn number."""

    asking: frozenset[int]  # turns whose last sentence is a question
    first_sentence: dict[int, int]  # turn -> index of its first sentence
    speaker_asks: dict[str, float]  # speaker -> share of their turns that end on a question
    speakers: int


def turn_facts(sentences: Sequence[Sentence]) -> Turns:
    """The turns' facts; cheap (one pass)."""
    last: dict[int, Sentence] = {}
    first: dict[int, int] = {}
    for sentence in sentences:
        first.setdefault(sentence.turn, sentence.index)
        last[sentence.turn] = sentence
    asking = frozenset(t for t, s in last.items() if s.raw.rstrip(" \"'”’)").endswith("?"))
    turns_by: Counter[str] = Counter()
    asks_by: Counter[str] = Counter()
    for turn, sentence in last.items():
        if sentence.speaker:
            turns_by[sentence.speaker] += 1
            asks_by[sentence.speaker] += turn in asking
    shares = {speaker: asks_by[speaker] / count for speaker, count in turns_by.items()}
    return Turns(asking, first, shares, len(turns_by))


def turn_factor(sentences: Sequence[Sentence], first: int, turns: Turns) -> float:
    """Score factor (<= 1) of a passage opening at sentence `first`, for where it sits in the talk."""
    if turns.speakers < 2:
        return 1.0
    opening = sentences[first]
    factor = ASKING_TURN if opening.turn in turns.asking else 1.0
    if opening.speaker:
        factor *= 1.0 - ASKER * turns.speaker_asks.get(opening.speaker, 0.0)
    if turns.first_sentence.get(opening.turn) == first and opening.turn - 1 in turns.asking:
        factor *= ANSWER_OPENING
    return factor
