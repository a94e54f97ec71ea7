"""Does a passage make sense on its own? A 0-1 score from plain heuristics.

A standalone insight opens with its own subject (not "It", "They", "And", "So",
"That's why"…), names whoever its pronouns stand for, states something (has a verb),
is not a question, is neither too short nor too long, and is not chit-chat, a
greeting, a sponsor read or an anecdote. Each problem multiplies the score by a
penalty; `is_standalone` is score >= `THRESHOLD`. The patterns are in `cues`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from insights.extraction import cues
from insights.extraction.filler import remove_filler
from insights.extraction.keywords import GENERIC
from insights.extraction.leadin import strip_lead_in
from insights.extraction.verbs import has_verb, is_verb_form
from insights.text import STOPWORDS, fold, words

THRESHOLD = 0.5
_NAME = re.compile(r"\s[A-Z][a-z]+")
_NOT_NAMES = frozenset(("I", "I'm", "I've", "I'd", "I'll"))
_NOT_PLURAL = ("ss", "us", "is")
#: "it" as a dummy subject or in an idiom, not a pointer (folded text from the "it" on).
_DUMMY_IT_AFTER = re.compile(
    r"^it (?:(?:s|is|was|will be|would be|can be|could be|may be|might be|has been|s been|s not|isn t|wasn t)"
    r"(?: \w+){0,3}? (?:to|that|when|if|how|because|for|whether|what|who)\b|(?:takes|took|turns out|turned out|seems"
    r"|seemed|depends|pays|makes sense|doesn t matter|does not matter|comes down|boils down|goes without)\b)"
)
#: "there" for a place named before ("popular there", "in there"), not "out there" or "there is".
_THERE = re.compile(r"(?<!out )(?<!over )\bthere(?=[,.;:!?])|\b(?:in|on|from|back|up|of|into) there\b", re.IGNORECASE)
#: Someone in the room spoken to by name ("…later, Tim, we should talk…", "…, Adam."): talk between the speakers.
_ADDRESSED = re.compile(r", [A-Z][a-z]+, (?:we|you|i|let's|let’s)\b|, [A-Z][a-z]+[.?!]$")
#: Subject pronouns: the word after one is its verb, not a noun "it" could stand for.
_SUBJECTS = frozenset(["i", "we", "you", "they", "he", "she"])
#: Words after which comes a verb, not a noun "it" could stand for ("you want", "to pass", "can't use").
_VERB_BEFORE = _SUBJECTS | frozenset(["to", "will", "would", "can", "could", "should", "must", "may", "might", "t"])
#: Adverbs and particles that look like nouns to `_noun_like` ("back and forth", "go ahead").
_PARTICLES = frozenset(
    ["forth", "away", "ahead", "apart", "aside", "anyway", "later", "often", "ever", "else", "instead"]
)
#: "it" this far into a passage is not checked for what it stands for.
_IT_WINDOW = 16


def standalone_score(text: str) -> float:
    """How well `text` stands alone as an insight, 0 (not at all) to 1 (fully); filler is removed first."""
    return cleaned_standalone_score(remove_filler(text))


def cleaned_standalone_score(clean: str, floor: float = 0.0) -> float:
    """`standalone_score` of a text whose filler is already removed; 0.0 once it must end below `floor`."""
    tokens = words(clean)
    if not tokens:
        return 0.0
    score = 1.0
    for factor in _factors(clean, tokens):  # cheap checks first; every factor is at most 1
        score *= factor
        if score < floor:
            return 0.0
    return round(min(1.0, score), 4)


def _factors(clean: str, tokens: list[str]) -> Iterator[float]:
    """Each penalty of a passage (1.0 for none), computed only when asked for."""
    folded = " ".join(tokens)
    core = strip_lead_in(clean)  # "I think that's…" is judged by "That's…"
    core_tokens = tokens if core == clean else words(core) or tokens
    yield _length_factor(len(clean.split()))
    yield _opening_factor(core, core_tokens)
    yield _form_factor(clean)
    yield _question_factor(clean, " ".join(core_tokens))
    yield 1.0 if has_verb(tokens) else 0.25
    yield 0.45 if _unresolved_pronoun(core, core_tokens) or unresolved_it(core_tokens) else 1.0
    yield 0.45 if _continues_earlier(core) else 1.0
    yield 0.45 if _ADDRESSED.search(clean) or cues.IN_THE_ROOM.search(folded) else 1.0
    yield 0.3 if cues.ADDRESS.search(clean) else 1.0
    yield 0.45 if _THERE.search(clean) else 1.0
    yield 0.5 if clean.startswith("To ") and "," not in clean else 1.0  # "To spend a billion dollars…": no main clause
    yield 0.45 if cues.OPEN_ENDING.search(clean) else 1.0
    yield _content_factor(folded)


def is_standalone(text: str) -> bool:
    """True when `text` reads as an insight on its own (`standalone_score` >= `THRESHOLD`)."""
    return standalone_score(text) >= THRESHOLD


def leans_on_context(text: str) -> bool:
    """True when `text` opens by pointing back (a connective, a pronoun, "One of those"…)."""
    core = strip_lead_in(text)
    tokens = words(core)
    return bool(tokens) and _opening_factor(core, tokens) < 1.0


def unresolved_it(tokens: list[str]) -> bool:
    """True when an "it" inside a passage's first words has nothing before it to stand for.

    "The way to do it is…" points at the previous turn; "Make the show easy to share:
    it…" does not; "For 3D printers it was…" does too: "it" never stands for a plural. An opening "it" is `_opening_factor`'s to judge; dummy "it"
    ("it is hard to…", "it turns out") is left alone. A word after
    "to", a modal or a subject ("to pass", "you need") is not what "it" stands for.
    """
    for i, token in enumerate(tokens[1:_IT_WINDOW], start=1):
        if token != "it":
            continue
        if _DUMMY_IT_AFTER.match(" ".join(tokens[i : i + 8])):
            continue
        return not any(
            _noun_like(t) and not _plural_noun(t) and tokens[j - 1] not in _VERB_BEFORE
            for j, t in enumerate(tokens[:i])
            if j
        ) and not (_noun_like(tokens[0]) and not _plural_noun(tokens[0]))
    return False


#: Words that say the claim carries on from something said before ("You're still in the 600 to 800 bucks").
_CONTINUING = re.compile(r"\b(?:still|also|anymore|again)\b|\beither\b(?!.*\bor\b)|\btoo(?= (?:and|but|so)\b|$)")


def _continues_earlier(core: str) -> bool:
    """True when the first clause of a passage holds "still", "also", "again", "too"…: it goes on from earlier talk.

    These words presuppose what came before (also = besides what was said; still = as
    before), so the reader of a digest is missing the first half.
    """
    first = re.split(r"[,;:.!?]", core, maxsplit=1)[0]
    return bool(_CONTINUING.search(" ".join(words(first)[:8])))


def _noun_like(word: str) -> bool:
    """True for a folded word that could be what "it" stands for (a content word that is not a verb)."""
    return (
        len(word) > 3
        and word not in STOPWORDS
        and word not in GENERIC
        and not is_verb_form(word)
        and not word.endswith("ly")
        and not word.isdigit()
        and word not in _PARTICLES
    )


def _length_factor(count: int) -> float:
    """Penalty by word count: an insight takes 12-60 words."""
    for limit, factor in ((4, 0.05), (7, 0.45), (9, 0.7), (11, 0.9), (60, 1.0), (80, 0.7), (100, 0.45)):
        if count <= limit:
            return factor
    return 0.2


def _opening_factor(clean: str, tokens: list[str]) -> float:
    """Penalty for opening with a connective, a back-reference, an interjection or a context-bound subject."""
    first = tokens[0]
    if first in cues.CONNECTIVES:
        return 0.15
    if first in cues.REFERENCES and tokens[1:2] != ["who"]:  # "Those who prepare…" is generic
        dummy = first == "it" and cues.DUMMY_IT.match(clean) and not cues.OBJECTLESS_INFINITIVE.match(" ".join(tokens))
        return 0.85 if dummy else 0.2
    if first in cues.INTERJECTIONS:
        return 0.3
    if cues.REFERRING_OPENING.match(fold(clean)):
        return 0.35
    return 0.4 if cues.CONTEXT_SUBJECT.match(" ".join(tokens[:4])) else 1.0


def _question_factor(clean: str, folded: str) -> float:
    """Penalty for a question (or a passage holding one), marked or not."""
    if clean.rstrip("\"'”’) ").endswith("?"):
        return 0.05
    if "?" in clean:
        return 0.5
    return 0.3 if cues.ASKING.match(folded) else 1.0


def _content_factor(folded: str) -> float:
    """Penalty for chit-chat, anecdotes, set-ups, hedges and pointers back at earlier talk."""
    if cues.CHATTER.search(folded) or cues.REPLY.match(folded):
        return 0.1
    if cues.SUMMARY.search(folded):
        return 0.2
    factor = 0.45 if cues.ANECDOTE.search(folded) else 1.0
    factor *= 0.45 if cues.SETUP.search(folded) else 1.0
    factor *= 0.8 if cues.HEDGES.search(folded) else 1.0
    return factor * (0.45 if cues.BACK_REFERENCE.search(folded) else 1.0)


def _unresolved_pronoun(clean: str, tokens: list[str]) -> bool:
    """True when "they", "her"… comes before any plural noun, person or name it could stand for."""
    for i, token in enumerate(tokens):
        if token in cues.THIRD_PERSON:
            before = tokens[:i]
            if any(t in cues.PERSON_NOUNS or _plural_noun(t) for t in before):
                return False
            cut = clean.lower().find(f" {token}")
            named = [m.group().strip() for m in _NAME.finditer(clean[: cut if cut >= 0 else len(clean)])]
            return not [n for n in named if n not in _NOT_NAMES]
    return False


def _plural_noun(word: str) -> bool:
    """True for a folded word that looks like a plural noun ("customers", not "causes" or "business")."""
    return len(word) > 3 and word.endswith("s") and not word.endswith(_NOT_PLURAL) and not is_verb_form(word)


def _form_factor(clean: str) -> float:
    """Penalty for fragments, interruptions, reported speech and trailing off."""
    factor = 1.0
    if clean[0].islower():
        factor *= 0.45
    if not clean.rstrip("\"'”’)]").endswith((".", "!", "?", "…")):
        factor *= 0.45
    if "--" in clean or " - " in clean or "—" in clean:
        factor *= 0.8
    if re.search(r"[\"“”]", clean):
        factor *= 0.65
    if clean.endswith(("...", "…")):  # trailing off: the thought is left unfinished ("…Docker Build...")
        factor *= 0.55
    if "..." in clean[:-3] or "…" in clean[:-1]:  # trailing off, then going on
        factor *= 0.8
    return factor
