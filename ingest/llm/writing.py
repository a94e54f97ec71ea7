"""Checks on the statement a model wrote around a quote: short, third person, about the quote.

A written insight is shown in Slack as if the episode said it, so it may not bring in
what the transcript does not: no link, domain, @mention or figure that is not in its
source, no first person, at most three sentences, and close enough to its quote
(rapidfuzz `token_set_ratio` over content words). One that fails is not published; the
quote itself is published instead when it stands alone (and opens with no "I think").
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from insights.extraction import has_lead_in, is_standalone, split_sentences
from insights.text import clean_display_text, without_stopwords, words

MIN_INSIGHT_WORDS = 6
MAX_INSIGHT_WORDS = 70
MAX_INSIGHT_CHARS = 480
MAX_INSIGHT_SENTENCES = 3
#: rapidfuzz token_set_ratio (0-100) between the content words of a statement and its quote.
MIN_RESTATEMENT_SIMILARITY = 50.0

_LINKISH = re.compile(
    r"(?:https?://|www\.)\S+"  # URLs
    r"|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,24}\b"  # domains: podcastindex.org, example.co.uk
    r"|(?<![\w.])[@#][\w.-]+"  # @mentions, #channels
    r"|<[^>]*>"  # Slack's own <…> syntax
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|me|my|mine|myself|we|We|we're|We're|our|Our|ours|us)\b")


def written_statement(written: object, quote: str, source: str) -> str | None:
    """The model's statement, cleaned, when it passes every check; else None.

    `quote` is the transcript's words the statement rests on, `source` the chunk the
    model read (a name or figure may come from around the quote).
    """
    if not isinstance(written, str):
        return None
    text = clean_display_text(written)
    count = len(text.split())
    if not MIN_INSIGHT_WORDS <= count <= MAX_INSIGHT_WORDS or len(text) > MAX_INSIGHT_CHARS:
        return None
    if len(split_sentences(text)) > MAX_INSIGHT_SENTENCES or _FIRST_PERSON.search(text):
        return None
    if _brings_in(_LINKISH, text, quote) or _brings_in(_NUMBER, text, source):
        return None
    similar = fuzz.token_set_ratio(_content(text), _content(quote))
    return text if similar >= MIN_RESTATEMENT_SIMILARITY else None


def insight_text(written: object, quote: str, source: str) -> tuple[str, str | None] | None:
    """(text to publish, quote to keep beside it): the statement and its quote, else the
    quote alone (no separate quote) when it stands alone, else None."""
    statement = written_statement(written, quote, source)
    if statement is not None:
        return statement, (quote if words(statement) != words(quote) else None)
    if is_standalone(quote) and not has_lead_in(quote) and not _LINKISH.search(quote):
        return quote, None
    return None


def _brings_in(pattern: re.Pattern[str], text: str, source: str) -> bool:
    """True when `text` holds a match of `pattern` that `source` does not."""
    return any(match.group(0).casefold().rstrip(".") not in source.casefold() for match in pattern.finditer(text))


def _content(text: str) -> str:
    return " ".join(without_stopwords(words(text)))
