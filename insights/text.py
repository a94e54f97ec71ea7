"""Text normalisation: the one definition of words, identity and searchable text."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_SPACE = re.compile(r"\s+")

#: Words too common to help a search; they are neither indexed nor searched.
STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our ours ourselves out over
    own same she should so some such than that the their theirs them themselves then there these
    they this those through to too under until up very was we were what when where which while who
    whom why will with would you your yours yourself yourselves""".split()
)

MAX_TERM_LENGTH = 40


def fold(text: str) -> str:
    """Lower-case, strip accents and compatibility forms ("Café" -> "cafe")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def words(text: str) -> list[str]:
    """All words of `text`, folded, in order (stopwords included)."""
    return [w for w in _WORD.findall(fold(text)) if len(w) <= MAX_TERM_LENGTH]


def terms(text: str) -> list[str]:
    """The searchable words of `text`: folded, without stopwords, in order."""
    return [w for w in words(text) if w not in STOPWORDS]


def search_text(text: str, *extra: str | None) -> str:
    """The space-separated terms the full-text index stores for an insight."""
    parts = [text, *(e for e in extra if e)]
    return " ".join(t for part in parts for t in terms(part))


def normalise_content(text: str) -> str:
    """Canonical form used for identity: folded words joined by single spaces."""
    return " ".join(words(text))


def content_hash(text: str) -> str:
    """Identity of an insight's content; re-importing the same words adds nothing."""
    return hashlib.sha256(normalise_content(text).encode("utf-8")).hexdigest()


def clean_display_text(text: str) -> str:
    """Collapse white space for display and storage."""
    return _SPACE.sub(" ", text).strip()
