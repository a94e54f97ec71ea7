"""Does a passage lean on what was said before it? A subject that is a thing already talked about.

"…, because the printer doesn't have enough memory…", "…, of course the software is going
to be supported.", "The Ralph loop is…": a clause whose subject is "the"/"this"/"these"/
"those" + a noun that the talk named in the sentences before the passage (and the passage
itself did not) is about something the digest reader never heard of. As an object
("…it spreads to the lungs", "…you change the database") such a noun is usually generic
and reads fine, so only the clause's opening is looked at.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from insights.extraction.keywords import GENERIC
from insights.extraction.verbs import is_verb_form
from insights.text import STOPWORDS, words
from insights.topics import stem

#: Sentences before a passage (a few minutes of talk) searched for the noun its subject names.
WINDOW = 30
#: Factor for a passage with such a subject: on the tuning labels, 8 candidates had one, none passed.
REFERENCE_BACK = 0.6
#: "the X" opening a clause: at the start, after a punctuation mark or after a word that starts a clause.
_CLAUSE_SUBJECT = re.compile(
    r"(?:^|[,;:.!?]\s+|\b(?:because|so|and|but|that|if|when|then|where|while|since|until|think|guess|course)\s+)"
    r"(?:the|this|these|those)\s+([A-Za-z][\w-]*)(?:\s+([A-Za-z][\w-]*))?",
    re.IGNORECASE,
)


def subjects_named_before(text: str, earlier: Iterable[frozenset[str]]) -> list[str]:
    """The clause-opening noun phrases of `text` ("because the printer") whose noun the `earlier` stems hold."""
    context: set[str] = set().union(*earlier)
    found: list[str] = []
    for match in _CLAUSE_SUBJECT.finditer(text):
        group = next((g for g in (1, 2) if match.group(g) and _content_noun(match.group(g).lower())), None)
        if group is None or stem(match.group(group).lower()) not in context:
            continue
        said_here = {stem(w) for w in words(text[: match.start()]) if _content_noun(w)}
        if stem(match.group(group).lower()) not in said_here:
            found.append(text[match.start() : match.end(group)].strip(" ,;:.!?"))
    return found


def reference_factor(text: str, earlier: Iterable[frozenset[str]]) -> float:
    """`REFERENCE_BACK` for a passage with a subject named before it (`subjects_named_before`), else 1."""
    return REFERENCE_BACK if subjects_named_before(text, earlier) else 1.0


def _content_noun(word: str) -> bool:
    """True for a folded word that can head a noun phrase worth tracking (a content word, not a verb)."""
    return (
        len(word) > 2
        and word not in STOPWORDS
        and word not in GENERIC
        and not is_verb_form(word)
        and not word.isdigit()
    )
