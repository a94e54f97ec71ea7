"""Graded signs that a passage that stands alone is still a weak insight: personal talk and pointers.

`standalone` says yes or no; these factors (each 0-1) tell a general claim ("Every
knowledge worker is going to have a collection of agents") from talk about oneself
("I just build more nodes") and from passages that point at what the room can see or
heard ("this user utterance", "at that point", "in that lane").
"""

from __future__ import annotations

import re

#: First-person singular words, folded.
_FIRST_PERSON = frozenset("i me my mine myself".split())
#: Demonstratives pointing at something said before (not "this year", "this is", "that means"…).
_DEMONSTRATIVE = re.compile(
    r"\b(?:this|these|those)\b(?! (?:is|was|s|are|were|will|would|can|could|has|have|had|means|meant|year|week|month"
    r"|morning|afternoon|evening|century|decade|day|days|time|one|who|which|that|kind|sort|type)\b)"
    r"|\b(?:in|at|on|of|for|with|from|about|by|like|into|past|beyond|behind|after|before) that\b"
    r"(?! (?:you|we|they|i|he|she|it|the|a|an|people|there|if|when|is|was|s|are|were|\w+ (?:is|are|was|were|can|will|do))\b)"
)


def personal_factor(tokens: list[str]) -> float:
    """Lower the more a passage talks about its speaker (first-person singular words, after its lead-in)."""
    count = sum(t in _FIRST_PERSON for t in tokens)
    return 1.0 if count == 0 else 0.85 if count == 1 else 0.7 if count == 2 else 0.55


def pointing_factor(folded: str) -> float:
    """Lower for each demonstrative that points at earlier talk ("this approach", "at that point")."""
    return 0.7 ** min(3, len(_DEMONSTRATIVE.findall(folded)))
