"""Graded signs that a passage that stands alone is still a weak insight: personal talk, pointers, no facts.

`standalone` says yes or no; these factors (each 0-1) tell a general claim ("Every
knowledge worker is going to have a collection of agents") from talk about oneself
("I just build more nodes") and from passages that point at what the room can see or
heard ("this user utterance", "at that point", "in that lane").
"""

from __future__ import annotations

import re

from insights.extraction.verbs import AUXILIARIES, is_verb_form
from insights.text import STOPWORDS

_PREPOSITIONS = frozenset(["in", "at", "on", "of", "for", "with", "from", "about", "by", "like", "into", "past", "beyond", "behind", "after", "before"])
#: Words after "that X" that make it a clause ("that people who…", "that users can…").
_CLAUSE_WORDS = frozenset(["who", "which", "that", "can", "could", "will", "would", "should", "may", "might", "must", "do", "does", "did", "don", "t", "s", "re", "ve"])
#: First-person singular words, folded.
_FIRST_PERSON = frozenset(["i", "me", "my", "mine", "myself"])
#: Demonstratives pointing at something said before (not "this year", "this is", "that means"…).
_DEMONSTRATIVE = re.compile(
    r"\blike (?:this|that)\b|\b(?:this|these|those)\b(?! (?:is|was|s|are|were|will|would|can|could|has|have|had|means|meant|year|week|month"
    r"|morning|afternoon|evening|century|decade|day|days|time|one|who|which|that|kind|sort|type)\b)"
    r"|\b(?:in|at|on|of|for|with|from|about|by|like|into|past|beyond|behind|after|before) that\b"
    r"(?! (?:you|we|they|i|he|she|it|the|a|an|people|there|if|when|is|was|s|are|were|\w+ (?:is|are|was|were|can|will|do))\b)"
)


def personal_factor(tokens: list[str]) -> float:
    """Lower the more a passage talks about its speaker (first-person singular words, after its lead-in)."""
    count = sum(t in _FIRST_PERSON for t in tokens)
    return 1.0 if count == 0 else 0.85 if count == 1 else 0.7 if count == 2 else 0.55


def pointing_factor(folded: str) -> float:
    """Lower for each demonstrative that points at earlier talk ("this approach", "at that point", "that cloak")."""
    tokens = folded.split()
    pointing = len(_DEMONSTRATIVE.findall(folded)) + sum(
        _demonstrative_that(tokens, i) for i, t in enumerate(tokens) if t == "that"
    )
    return 0.7 ** min(3, pointing)


def _demonstrative_that(tokens: list[str], i: int) -> bool:
    """True when "that" at `i` points ("tears away that cloak") rather than joins clauses ("that people want").

    After a preposition `_DEMONSTRATIVE` already counts it; here: "that" + a noun-like
    word not followed by a verb.
    """
    if i == 0 or tokens[i - 1] in _PREPOSITIONS or i + 1 >= len(tokens):
        return False
    noun = tokens[i + 1]
    after = tokens[i + 2] if i + 2 < len(tokens) else ""
    return _noun_like(noun) and not is_verb_form(after) and after not in _CLAUSE_WORDS


def _noun_like(word: str) -> bool:
    """A folded content word that is not a verb form, a pronoun or an -ly adverb."""
    return len(word) > 3 and word not in STOPWORDS and not is_verb_form(word) and not word.endswith(("ly", "ing"))


#: Subjects that leave the reader asking who: the speaker's company ("we"), the listener, "there".
_VAGUE_SUBJECTS = frozenset(["we", "you", "i", "there", "they", "our"])
_WE = frozenset(["we", "our", "us", "ours", "ourselves"])


def subject_factor(tokens: list[str]) -> float:
    """Lower when a passage (after its lead-in) opens on a vague subject, and for each "we"/"our" in it.

    On the tuning labels, an opening "We…"/"You…"/"There…" passed half as often as a
    named subject, and "we" is mostly an unnamed company or the speakers themselves.
    """
    if not tokens:
        return 0.0
    opening = 0.85 if tokens[0] in _VAGUE_SUBJECTS else 1.0
    return opening * 0.9 ** min(3, sum(t in _WE for t in tokens))


def fact_factor(text: str) -> float:
    """1.0 for passages that carry figures (facts), a little less for the others."""
    return 1.0 if any(c.isdigit() for c in text) else 0.95


_NARRATIVE = re.compile(r"\b(?:i|we) (?:had|went|was|were|did|got|saw|met|tried|bought|built|spent|moved|started|used to)\b")


def narrative_factor(folded: str) -> float:
    """Lower for a passage that tells what the speakers did ("we had", "I tried"): an anecdote, not a lesson."""
    return 0.75 if _NARRATIVE.search(folded) else 1.0


#: Evaluative words: praise says how good something is, not what it is or why.
_PRAISE = frozenset(
    ["great", "fantastic", "amazing", "awesome", "incredible", "incredibly", "super", "cool", "fun", "wonderful", "brilliant", "tremendous", "excellent", "excited", "exciting", "love", "lovely", "beautiful", "stellar", "phenomenal", "impressive", "killer", "neat", "best", "favorite", "favourite", "terrific"]
)
#: Praise of a person or product, a sales pitch, excitement ("did a fantastic job", "the best reason to use it").
_PITCH = re.compile(
    r"\b(?:did|does|do|doing|done) (?:a |an |such an? )?(?:\w+ )?(?:great|fantastic|amazing|awesome|incredible|tremendous"
    r"|wonderful|brilliant|phenomenal|terrific|good) (?:job|work)\b"
    r"|\breasons? to (?:use|try|buy|choose|pick|switch to|go with)\b"
    r"|\b(?:we re|we are|i m|i am) (?:so |really |super |very )?(?:excited|thrilled|stoked|pumped)\b"
    r"|\b(?:is|are|s|re|was|were) (?:so |really |super |very |pretty |just )+(?:cool|awesome|amazing|fun|neat|great"
    r"|fantastic|exciting|incredible|valuable)\b"
)


def praise_factor(folded: str) -> float:
    """Lower for praise and pitches: "he's doing amazing work", "super valuable, super fun", "we're excited".

    Praise tells the reader that something is good, not what it does or why; two
    evaluative words, or an idiom of praise or selling, mark a passage that is mostly that.
    """
    factor = 0.75 if _PITCH.search(folded) else 1.0
    return factor * (0.8 if sum(t in _PRAISE for t in folded.split()) >= 2 else 1.0)


#: Words that follow a verb used as a command ("Type in a couple of lines", "Learn the mistake", "Pretend you…").
_OBJECT_START = frozenset(
    ["the", "a", "an", "your", "my", "our", "their", "his", "her", "it", "this", "that", "these", "those", "about", "in", "on", "up", "out", "to", "with", "for", "down", "into", "you", "them", "me", "us", "yourself", "some", "every"]
)
#: Softeners said before a command ("Just use your best judgment", "Don't do that").
_BEFORE_COMMAND = frozenset(["just", "don", "t", "never", "always", "so", "then", "now", "please"])
_REASONED = re.compile(r"\b(?:because|so that|that way|otherwise|which means|in order to)\b")


def command_factor(tokens: list[str]) -> float:
    """Lower for a passage that opens on a command to the listener ("Just pretend you want to run Proxmox on it").

    Said in a conversation, a command is a step of a walk-through or a hypothetical
    ("Say you're…", "Type in…") for the people in the room; a tip keeps its score when it
    gives its reason ("…, because…").
    """
    i = 0
    while i < len(tokens) - 2 and tokens[i] in _BEFORE_COMMAND:
        i += 1
    verb, after = tokens[i], tokens[i + 1] if i + 1 < len(tokens) else ""
    command = (
        is_verb_form(verb)
        and not verb.endswith(("s", "ed", "ing"))
        and verb not in AUXILIARIES
        and after in _OBJECT_START
    )
    return 0.8 if command and not _REASONED.search(" ".join(tokens)) else 1.0
