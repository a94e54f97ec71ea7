"""Text normalisation: the one definition of words, identity and searchable text."""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from functools import cache
from itertools import filterfalse

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: Words too common to help a search; they are neither indexed nor searched.
STOPWORDS = frozenset(
    ["a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are", "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me", "more", "most", "my", "myself", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so", "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there", "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours", "yourself", "yourselves"]
)

MAX_TERM_LENGTH = 40
#: Bytes of SHA-256 kept as an insight's identity: 128 bits (a collision among a billion
#: insights has odds of about 1e-21) in a unique index a quarter the size of 64 hex characters.
CONTENT_HASH_BYTES = 16
#: Every ASCII character that is not a letter or digit, mapped to a space.
_ASCII_SEPARATORS = {c: " " for c in range(128) if not chr(c).isalnum()}
#: The same as a byte table that also lower-cases A-Z: `fold` and the separators in one
#: `bytes.translate` pass over ASCII text (a quarter faster than `lower` plus `str.translate`).
_ASCII_WORD_BYTES = bytes(
    c + 32 if 65 <= c <= 90 else c if c >= 128 or chr(c).isalnum() else 32 for c in range(256)
)


def fold(text: str) -> str:
    """Lower-case, strip accents and compatibility forms ("Café" -> "cafe")."""
    if text.isascii():  # nothing to decompose or strip; casefold is lower() on ASCII
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():
        return decomposed.lower()
    return decomposed.translate(_combining_marks()).casefold()


@cache
def _combining_marks() -> dict[int, None]:
    """A `str.translate` table deleting every combining character (built once, ~0.1 s)."""
    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


def words(text: str) -> list[str]:
    """All words of `text`, folded, in order (stopwords included)."""
    # ASCII takes a faster path to the same words as the regex: runs of letters and digits
    if text.isascii():
        found = text.encode("ascii").translate(_ASCII_WORD_BYTES).decode("ascii").split()
    else:
        folded = fold(text)
        found = folded.translate(_ASCII_SEPARATORS).split() if folded.isascii() else _WORD.findall(folded)
    if not found or max(map(len, found)) <= MAX_TERM_LENGTH:
        return found
    return [w for w in found if len(w) <= MAX_TERM_LENGTH]


#: A word as `words` finds it in ASCII text: a run of letters and digits at most MAX_TERM_LENGTH long.
_ASCII_WORD = re.compile(rf"(?<![A-Za-z0-9])[A-Za-z0-9]{{1,{MAX_TERM_LENGTH}}}(?![A-Za-z0-9])")


def has_words(text: str) -> bool:
    """Whether `words(text)` finds any word (ASCII text is searched for one, not split whole)."""
    return _ASCII_WORD.search(text) is not None if text.isascii() else bool(words(text))


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


def content_hash(text: str) -> bytes:
    """Identity of an insight's content; re-importing the same words adds nothing.

    The first `CONTENT_HASH_BYTES` bytes of the SHA-256 of the normalised content.
    """
    return words_hash(words(text))


def words_hash(folded_words: list[str]) -> bytes:
    """`content_hash` of a text whose `words` are already known (saves folding twice)."""
    return hashlib.sha256(" ".join(folded_words).encode("utf-8")).digest()[:CONTENT_HASH_BYTES]


def without_stopwords(folded_words: list[str]) -> list[str]:
    """`terms` of a text whose `words` are already known."""
    return list(filterfalse(STOPWORDS.__contains__, folded_words))


def clean_display_text(text: str) -> str:
    """Collapse white space for display and storage."""
    return " ".join(text.split())  # same white space as the regex \s (Py_UNICODE_ISSPACE)
