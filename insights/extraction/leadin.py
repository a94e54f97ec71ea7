"""Spoken lead-ins ("I think", "I'll tell you", "you know", "so yeah") before the words that carry a passage.

A passage must be judged by what follows its lead-in: "I think that's the key" opens
with "that's", not with "I". `strip_lead_in` removes every lead-in at the start (they
stack: "I'll tell you, I think that it's…" -> "It's…"); the language-model path uses it
too, to clean the insights a model writes.

"And", "So" and "But" are not lead-ins: a passage opening with them leans on what came
before, and stripping them admits far more bad passages than good ones.
"""

from __future__ import annotations

import re

_LEAD_INS = (
    r"i(?: really| do| just| also| actually| still| honestly| personally| kind of| sort of)? (?:think|believe|feel|guess"
    r"|suspect|would say|d say|would argue|d argue)(?: like)?(?: that(?!['’]))?\b",
    r"i(?: will|'ll|’ll) (?:tell you|say)(?: (?:this|what|that))?\b",
    r"i(?: would|'d|’d) (?:say|argue|suggest)(?: that(?!['’]))?\b",
    r"i mean\b",
    r"you know(?: what)?\b",
    r"so yeah\b",  # not "but yeah"/"and yeah": taking those off would hide the "But"
    r"yeah,? (?:so|and|i mean)\b",
    r"(?:yeah|yep|yes|no|well|oh|okay|ok|right|sure|look|listen|honestly|frankly|basically|absolutely|totally"
    r"|exactly|definitely|man|dude|wow|hmm|um|uh|hopefully|actually|obviously|certainly|clearly|anyway|now|technically|honestly|seriously|personally)\b"
    r"(?=\s*[,.!—–-]|\s*$)",
    r"to be (?:honest|fair|clear)\b",
    r"(?:in|from) my (?:opinion|experience|view)\b",
    r"for me\b(?=\s*,)",
    r"what i(?:'m| am|’m) (?:saying|trying to say) is(?: that(?!['’]))?\b",
    r"the way i see it\b",
)
_LEAD_IN = re.compile(r"^\s*(?:" + "|".join(_LEAD_INS) + r")[\s,.:;!—–-]*", re.IGNORECASE)
#: At most this many lead-ins are taken off one passage.
_MOST = 4


def strip_lead_in(text: str) -> str:
    """`text` without its spoken lead-ins, its new first letter capitalised ("I think that's it." -> "That's it.")."""
    rest = text
    for _ in range(_MOST):
        match = _LEAD_IN.match(rest)
        if match is None or match.end() == 0:
            break
        rest = rest[match.end() :]
    rest = rest.strip()
    if not rest:
        return text.strip()
    return rest[0].upper() + rest[1:]


def has_lead_in(text: str) -> bool:
    """True when `text` opens with a spoken lead-in that `strip_lead_in` takes off."""
    return _LEAD_IN.match(text) is not None
