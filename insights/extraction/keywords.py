"""Topic tags for a passage: its keywords weighed by the whole transcript, or a vocabulary's topics they match.

Keywords are content words and two-word phrases (no stopword or filler between them).
A word the episode keeps coming back to weighs more than one said once; a phrase said
at least twice in the episode beats its words alone.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Collection, Iterable, Sequence

from rapidfuzz import fuzz, process

from insights.text import STOPWORDS, words
from insights.topics import normalise_topic, stem

#: Words too vague or conversational to be a topic.
GENERIC = frozenset(
    ["actually", "also", "always", "another", "anything", "around", "back", "basically", "best", "better", "big", "bit", "certain", "come", "comes", "could", "definitely", "different", "doing", "done", "else", "even", "ever", "every", "everyone", "everything", "example", "fact", "feel", "first", "get", "gets", "getting", "give", "go", "goes", "going", "gonna", "good", "got", "great", "guess", "guys", "hard", "help", "here", "honestly", "idea", "just", "keep", "kind", "know", "last", "least", "let", "like", "little", "long", "look", "lot", "lots", "made", "make", "makes", "making", "many", "maybe", "mean", "means", "might", "much", "need", "new", "next", "nice", "okay", "one", "ones", "other", "part", "people", "pretty", "probably", "put", "quite", "really", "right", "said", "say", "saying", "says", "see", "seem", "sense", "show", "since", "something", "sometimes", "sort", "start", "still", "stuff", "sure", "take", "talk", "talking", "tell", "thing", "things", "think", "thinking", "though", "thought", "time", "times", "today", "together", "try", "trying", "two", "use", "used", "using", "want", "way", "ways", "well", "whatever", "whole", "wish", "work", "yeah", "yes", "yet", "able", "around", "somebody", "someone", "anybody", "anyone", "everybody", "mentioned", "mention", "reason", "reasons", "don", "doesn", "didn", "isn", "aren", "wasn", "weren", "won", "wouldn", "shouldn", "couldn", "haven", "hasn", "hadn", "ain", "wanna", "gotta", "kinda", "sorta", "whether", "within", "without", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "hundred", "thousand", "million", "hour", "hours", "minute", "minutes", "second", "seconds", "day", "days", "week", "weeks", "month", "months", "year", "years"]
)
#: Keywords per passage considered when matching a vocabulary.
CONSIDERED = 10
#: rapidfuzz ratio (0-100) from which a keyword stands for a vocabulary topic.
FUZZY_CUTOFF = 88.0


def _runs(folded: Sequence[str]) -> list[list[str]]:
    """Runs of consecutive content words among folded words."""
    runs: list[list[str]] = [[]]
    for word in folded:
        if word in STOPWORDS or word in GENERIC or len(word) < 3 or word.isdigit():
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(word)
    return [run for run in runs if run]


def _grams(folded: Sequence[str]) -> Iterable[tuple[str, str]]:
    """(stemmed key, surface) of every content word and adjacent pair among folded words."""
    for run in _runs(folded):
        stems = [stem(w) for w in run]
        for i, word in enumerate(run):
            yield stems[i], word
            if i + 1 < len(run):
                yield f"{stems[i]} {stems[i + 1]}", f"{word} {run[i + 1]}"


class Keywords:
    """Counts of words and two-word phrases over a whole transcript, to weigh a passage's keywords."""

    def __init__(self, texts: Iterable[str] = (), *, folded: Iterable[Sequence[str]] = ()) -> None:
        """From the transcript's texts, or from its already folded words (`insights.text.words`)."""
        self.counts: Counter[str] = Counter()
        spellings: dict[str, Counter[str]] = {}
        for sentence in itertools.chain((words(t) for t in texts), folded):
            for run in _runs(sentence):
                for word in run:
                    key = stem(word)
                    spellings.setdefault(key, Counter())[word] += 1
                    self.counts[key] += 1
                stems = [stem(w) for w in run]
                self.counts.update(f"{a} {b}" for a, b in itertools.pairwise(stems))
        #: The spelling said most often for each stemmed word ("podcast" over "podcasts").
        self.spelling = {key: max(c, key=lambda w: (c[w], -len(w))) for key, c in spellings.items()}

    def phrases(self, text: str) -> list[tuple[str, float]]:
        """(keyword phrase, weight) of a passage, best first; phrases are normalised (lower case)."""
        local: Counter[str] = Counter()
        surface: dict[str, str] = {}
        for key, word in _grams(words(text)):
            local[key] += 1
            surface.setdefault(key, word)
        scored: list[tuple[str, float]] = []
        for key, count in local.items():
            overall = max(self.counts[key], count)
            is_pair = " " in key
            if is_pair and overall < 2:
                continue
            weight = count * (1.0 + math.log(overall)) * (1.6 if is_pair else 1.0)
            scored.append((key, weight))
        scored.sort(key=lambda pair: (-pair[1], pair[0]))
        return [(normalise_topic(self._spelled(key, surface[key])), weight) for key, weight in scored]

    def _spelled(self, key: str, surface: str) -> str:
        """The transcript's usual spelling of a stemmed word or pair, else the passage's."""
        spelled = [self.spelling.get(part) for part in key.split()]
        return surface if None in spelled else " ".join(w for w in spelled if w)

    def topics(self, text: str, limit: int = 3) -> tuple[str, ...]:
        """The passage's top 1-`limit` keyword phrases, without repeating a word."""
        chosen: list[str] = []
        seen: set[str] = set()
        phrases = self.phrases(text)
        best = phrases[0][1] if phrases else 0.0
        for phrase, weight in phrases:
            stems = {stem(w) for w in phrase.split()}
            if len(chosen) == limit or weight < 0.4 * best:
                break
            if not stems & seen:
                chosen.append(phrase)
                seen |= stems
        return tuple(chosen)


def _stems(phrase: str) -> str:
    """A phrase as its stemmed content words ("Podcast Guests" -> "podcast guest")."""
    return " ".join(stem(w) for w in normalise_topic(phrase).split() if w not in STOPWORDS)


def match_vocabulary(phrases: Sequence[str], vocabulary: Collection[str], limit: int = 3) -> tuple[str, ...]:
    """The vocabulary topics the phrases stand for (same words, plural or typo apart), best first.

    A topic matches a phrase it equals after stemming, that contains all its words, or
    that rapidfuzz finds at least `FUZZY_CUTOFF` alike. Topics come back as the vocabulary spells them.
    """
    choices = {topic: _stems(topic) for topic in vocabulary if _stems(topic)}
    found: dict[str, tuple[float, int]] = {}
    for rank, phrase in enumerate(phrases):
        wanted = _stems(phrase)
        if not wanted:
            continue
        scores = {t: 100.0 for t, s in choices.items() if s == wanted}
        scores.update({t: 90.0 for t, s in choices.items() if t not in scores and set(s.split()) <= set(wanted.split())})
        for _, similarity, topic in process.extract(
            wanted, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=None
        ):
            scores.setdefault(topic, similarity)
        for topic, similarity in scores.items():
            previous = found.get(topic)
            if previous is None or (-similarity, rank) < (-previous[0], previous[1]):
                found[topic] = (similarity, rank)
    ordered = sorted(found, key=lambda t: (found[t][1], -found[t][0]))
    return tuple(ordered[:limit])
