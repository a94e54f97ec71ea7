"""Finding a model's quote in the transcript: where it is, what it says there, and when.

Words are compared folded (`insights.text.words`), exactly first, then with rapidfuzz
`partial_ratio` >= `MIN_QUOTE_SCORE` (a model often drops an "um" or changes one word).
What is kept as the quote is the transcript's own sentences, not the model's copy.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from insights.extraction.sentences import Sentence
from insights.text import clean_display_text, words

#: rapidfuzz partial_ratio (0-100) from which a quote counts as found in the transcript.
MIN_QUOTE_SCORE = 90.0
#: Quotes shorter than this (in words) cannot be told apart from chance and are dropped.
MIN_QUOTE_WORDS = 5
#: Quotes longer than this are not a quote but a copy of the passage, and are dropped.
MAX_QUOTE_WORDS = 120
#: Sentences kept as a quote longer than this are cut to the words the model quoted.
MAX_KEPT_CHARS = 700
#: A quote starting this far (normalised characters) into a long sentence gets a time
#: interpolated inside it; nearer the start, the sentence's own start time.
MID_SENTENCE_CHARS = 40


@dataclass(frozen=True, slots=True)
class Located:
    """A quote found in the transcript: the sentences it spans, its time and its match score."""

    first: int
    last: int
    seconds: float | None
    score: float
    text: str


class QuoteIndex:
    """The transcript's words normalised into one string, to find quotes in."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.sentences = sentences
        self.offsets: list[int] = []
        parts: list[str] = []
        position = 0
        for sentence in sentences:
            normalised = " ".join(words(sentence.text))
            self.offsets.append(position)
            parts.append(normalised)
            position += len(normalised) + 1
        self.text = " ".join(parts)

    def locate(self, quote: str, first: int = 0, last: int | None = None) -> Located | None:
        """Where `quote` is among sentences `first`..`last` (the chunk it came from), or None."""
        wanted = " ".join(words(quote))
        count = len(wanted.split())
        if count < MIN_QUOTE_WORDS or count > MAX_QUOTE_WORDS:
            return None
        last = len(self.sentences) - 1 if last is None else last
        low = self.offsets[first]
        high = self.offsets[last + 1] if last + 1 < len(self.offsets) else len(self.text)
        window = self.text[low:high]
        position = window.find(wanted)
        score, end = 100.0, position + len(wanted)
        if position < 0:
            alignment = fuzz.partial_ratio_alignment(wanted, window, score_cutoff=MIN_QUOTE_SCORE)
            if alignment is None:
                return None
            position, end, score = alignment.dest_start, alignment.dest_end, alignment.score
        return self._located(low + position, low + max(position + 1, end), score)

    def _located(self, start: int, end: int, score: float) -> Located:
        first = max(0, bisect.bisect_right(self.offsets, start) - 1)
        last = max(first, bisect.bisect_right(self.offsets, end - 1) - 1)
        text = clean_display_text(" ".join(s.text for s in self.sentences[first : last + 1]))
        if len(text) > MAX_KEPT_CHARS:  # a run-on "sentence" of a machine transcript: keep the words quoted
            text = self._matched_words(first, last, start, end)
        return Located(first, last, self._seconds(first, start), round(score, 2), text)

    def _matched_words(self, first: int, last: int, start: int, end: int) -> str:
        """The transcript's words from normalised offset `start` to `end`, "…" where a sentence is cut."""
        begin = self.text.count(" ", self.offsets[first], start)  # normalised words before the match
        through = self.text.count(" ", self.offsets[last], max(self.offsets[last], end - 1)) + 1
        head, tail = _tokens(self.sentences[first].text), _tokens(self.sentences[last].text)
        a = _token_at(head, begin)
        b = _token_at(tail, through, after=True)
        if first == last:
            kept = head[a:b]
        else:
            middle = [t for s in self.sentences[first + 1 : last] for t in s.text.split()]
            kept = head[a:] + middle + tail[:b]
        return ("…" if a > 0 else "") + " ".join(kept) + ("…" if b < len(tail) else "")

    def _seconds(self, index: int, position: int) -> float | None:
        """The time at `position`: the sentence's start, moved on by how far into it the quote starts."""
        sentence = self.sentences[index]
        if sentence.start is None:
            return None
        length = len(" ".join(words(sentence.text)))
        offset = position - self.offsets[index]
        if sentence.end is None or sentence.end <= sentence.start or offset < MID_SENTENCE_CHARS:
            return sentence.start
        into = offset / length
        return round(sentence.start + min(1.0, max(0.0, into)) * (sentence.end - sentence.start), 2)


def _tokens(text: str) -> list[str]:
    return text.split()


def _token_at(tokens: Sequence[str], normalised_words: int, *, after: bool = False) -> int:
    """The index of the display token holding normalised word number `normalised_words`
    (with `after`, the index just past the token that completes that many words)."""
    seen = 0
    for index, token in enumerate(tokens):
        if after and seen >= normalised_words:
            return index
        seen += len(words(token))
        if not after and seen > normalised_words:
            return index
    return len(tokens)
