"""How garbled a sentence is as said: the disfluencies and broken syntax of machine transcripts.

Filler removal hides stutters ("the the" becomes "the"), so these checks run on the
sentence as transcribed (`Sentence.raw`). Each sign multiplies a 0-1 factor: repeated
words and phrases, hesitation sounds, function words that never follow each other in
fluent English ("the a", "to of"), a sentence ending on a function word, and a run of
words that carries almost no content.
"""

from __future__ import annotations

import re
from itertools import pairwise

from insights.extraction.cues import OPEN_ENDING
from insights.extraction.verbs import AUXILIARIES, is_verb_form
from insights.text import STOPWORDS, words

#: Words fluent speech does say twice in a row ("very very", "had had", "no no").
_DOUBLES_OK = frozenset(["that", "had", "is", "do", "very", "so", "really", "bye", "no", "yes", "ha", "go", "well", "now", "many", "more", "far", "long", "again", "on", "over", "round"])
_HESITATION = re.compile(r"u+[mh]+|e+r+m*|h+m+|m+h?m+|a+h+")
#: Spoken disfluencies human editors often keep: "like" as filler, tag questions, "you know" and "I mean" mid-sentence.
#: Disfluencies after a comma: ", like", ", right,", ", you know", ", well,", ", again", "some annoying, the".
_COMMA_DISFLUENCY = re.compile(
    r",\s*(?:like\b|right[,?]|you know\b|i mean\b|okay,|well,|again\b|i don['’]t know,|i guess,)|\blike,",
    re.IGNORECASE,
)
#: A phrase dropped half-way for another: "has got some annoying, the OpenAI endpoints".
_DROPPED_PHRASE = re.compile(r"\b(?:some|a|an|the|so|very|really) \w+, (?:the|a|an)\b", re.IGNORECASE)
#: "like" as filler: "to like bundle", "until like you try", "kind of like".
_LIKE_DISFLUENCY = re.compile(
    r"\b(?:to|have|has|had|re|is|was|were|are|and|just|still) like\b(?! (?:to|that|this|it|a|an|the|what|how)\b)"
    r"|\bkind of like\b|\bor whatever\b"
    r"|\b(?!(?:feel|feels|felt|look|looks|seem|seems|sound|sounds|just)\b)\w+ like (?:you|we|i|they|he|she)\b"
    r"(?! (?:said|mentioned)\b)",
    re.IGNORECASE,
)
_CUT_OFF = re.compile(r"\b\w+-(?=\s|$)|\b\w+\s*(?:--|—)\s*(?=\w)")
#: Function words that fluent speech does not put next to each other, as (first, second).
_DETERMINERS = frozenset(["a", "an", "the"])
_PREPOSITIONS = frozenset(["of", "to", "in", "on", "at", "for", "with", "from", "by"])
_BAD_PAIRS = frozenset(
    {(a, b) for a in _DETERMINERS for b in _DETERMINERS | _PREPOSITIONS | {"and", "or", "but", "is", "are", "was"}}
    | {(a, b) for a in _PREPOSITIONS for b in _PREPOSITIONS - {"in", "on", "to", "from", "with"}}
    | {(a, b) for a in ("and", "or", "but") for b in ("and", "or", "but")}
)
_DETERMINER_SANDWICH = re.compile(
    r"\b(?:a|an|the) (?!(?:way|time|moment|day|reason|thing|same|more|most|less|kind|sort|type|lot|bit)\b)\w+ (?:a|an|the)\b",
    re.IGNORECASE,
)
#: A speaker starting over: an opening word, a comma, and the same word again within two words ("Models, the open models").
_RESTART = re.compile(r"^\W*(\w{4,}?)s?, (?:\w+ ){0,2}\1s?\b", re.IGNORECASE)
#: The opening subject said again after a dash: "BuildKit, which is a subcomponent of the stack - BuildKit is…".
_RESTART_AFTER_DASH = re.compile(r"^\W*(\w{4,})\b[^.?!]*? (?:-|--|—|–) \1\b")


#: Words that open a clause that is not a main clause ("If…", "In order to…", "Having…").
_NOT_MAIN = frozenset(
    ["if", "when", "whenever", "while", "because", "although", "though", "since", "as", "once", "unless", "until", "after", "before", "whether", "just", "even", "in", "on", "at", "for", "with", "by", "from", "to", "of", "during", "without", "within", "despite", "given", "like", "so", "but", "and", "or", "then", "also", "maybe", "not", "what", "how", "why", "where", "who", "which", "whatever", "however", "especially"]
)
#: Words that make what follows a subordinate clause ("that when you ship it, you learn").
_SUBORDINATORS = frozenset(["if", "when", "whenever", "while", "because", "although", "though", "since", "once", "unless", "until", "after", "before"])
_SUBJECT_PRONOUNS = frozenset(["i", "we", "you", "they", "he", "she", "it", "there"])
_DETERMINERS_OF_SUBJECTS = frozenset(["the", "a", "an", "this", "that", "these", "those", "my", "our", "your", "their", "his", "her", "its"])
#: What a speaker says after a comma that is filler, not a new clause ("…, you know", "…, I think").
_TAGS = frozenset({("you", "know"), ("i", "mean"), ("i", "think"), ("i", "guess"), ("you", "see"), ("i", "d")})


def comma_splices(raw: str) -> int:
    """How many times a main clause runs on after a comma into another one ("…are happening, the worker has…").

    Spoken, a speaker strings clauses with commas where writing needs a period or an
    "and": "If you have a scripted podcast, you have to line up interviews, you need to
    record the episode." A splice is a comma between a segment that is a main clause
    (at least four words, opening on neither a subordinator, a preposition nor a
    verb, with a verb after its first word) and one that opens on a subject and its verb.
    """
    if raw.count(",") == 0:
        return 0
    segments = [words(part) for part in raw.split(",")]
    return sum(_main_clause(before) and _opens_clause(after) for before, after in pairwise(segments))


def _main_clause(tokens: list[str]) -> bool:
    """True for a run of words that reads as a main clause of its own (not "If you have a scripted podcast")."""
    if len(tokens) < 4 or tokens[0] in _NOT_MAIN or tokens[0].endswith("ing") or is_verb_form(tokens[0]):
        return False  # "hold people and really have a connection, we're lonely": a list of things done
    for i, token in enumerate(tokens[1:], start=1):  # "that when you ship it" leads into what follows the comma
        if token in _SUBORDINATORS and tokens[i - 1] in {"that", "because", "is", "s", "and", "but", "so", "or", "then"}:
            return False
    return any(is_verb_form(t) for t in tokens[1:])


def _opens_clause(tokens: list[str]) -> bool:
    """True when words open on a subject and its verb ("the worker has", "you need", "it s")."""
    if len(tokens) < 2 or tuple(tokens[:2]) in _TAGS:
        return False
    if tokens[0] in _SUBJECT_PRONOUNS:
        return is_verb_form(tokens[1])
    if tokens[0] in _DETERMINERS_OF_SUBJECTS:
        return any(t in AUXILIARIES for t in tokens[2:4])
    return False


#: "that" after a verb of saying or knowing opens a clause and needs a subject; singular, it cannot take "are":
#: "we see that are our responsibility is…" is a phrase started twice.
_THAT_ARE = re.compile(
    r"\b(?:see|saw|think|thought|know|knew|believe|say|said|feel|felt|mean|guess|hope|realize|realise|notice|find|found)"
    r" that (?:are|were|have)\b",
    re.IGNORECASE,
)
#: Words a complete sentence does not end on.
_DANGLING_END = _DETERMINERS | frozenset(["and", "or", "but", "because", "if", "my", "your", "our", "their"])


def garble_factor(raw: str) -> float:
    """1.0 for fluent text, lower the more it reads like an unedited machine transcript."""
    tokens = words(raw)
    if not tokens:
        return 0.0
    factor = 1.0
    pairs = list(pairwise(tokens))
    repeats = sum((a == b or b == a + "s") and a not in _DOUBLES_OK for a, b in pairs)  # "podcast podcasts"
    repeats += sum(pairs[i] == pairs[i + 2] for i in range(len(pairs) - 2))  # "of the of the"
    factor *= 0.75**repeats
    factor *= 0.85 ** sum(len(t) <= 4 and _HESITATION.fullmatch(t) is not None for t in tokens)
    if "-" in raw or "—" in raw:
        factor *= 0.8 ** len(_CUT_OFF.findall(raw))
    if "," in raw:
        factor *= 0.8 ** len(_COMMA_DISFLUENCY.findall(raw))
    if ", the " in raw or ", a" in raw:
        factor *= 0.8 ** len(_DROPPED_PHRASE.findall(raw))
    if "like" in raw or "whatever" in raw:
        factor *= 0.8 ** len(_LIKE_DISFLUENCY.findall(raw))
    if "," in raw:
        factor *= 0.8 ** len(_RESTART.findall(raw))
    if ("-" in raw or "—" in raw or "–" in raw) and _RESTART_AFTER_DASH.search(raw):
        factor *= 0.7
    if "," in raw:
        factor *= 0.7 ** comma_splices(raw)
    if " that " in raw and _THAT_ARE.search(raw):
        factor *= 0.6
    if _DETERMINER_SANDWICH.search(raw):  # "through a called a diatribe"
        factor *= 0.6
    bad_pairs = sum(pair in _BAD_PAIRS for pair in pairs)
    factor *= 0.55**bad_pairs
    if tokens[-1] in _DANGLING_END and raw.rstrip()[-1:] not in "?!":
        factor *= 0.5
    if "matter" in raw and OPEN_ENDING.search(raw):  # a period put before the main clause: the rest is another "sentence"
        factor *= 0.6
    content = sum(t not in STOPWORDS and len(t) > 2 for t in tokens)
    if len(tokens) >= 8 and content / len(tokens) < 0.2:
        factor *= 0.6
    return max(0.0, min(1.0, factor))
