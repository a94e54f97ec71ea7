"""Text normalisation: the fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import hashlib
import re
import unicodedata

import pytest

from insights.text import (
    MAX_TERM_LENGTH,
    clean_display_text,
    content_hash,
    fold,
    has_words,
    search_text,
    terms,
    without_stopwords,
    words,
    words_hash,
)

SAMPLES = [
    "New export controls on advanced chips reshape the semiconductor supply-chain.",
    "  Café CRÈME,\tnaïve   résumé\n",
    "ﬁnance ² straße İstanbul Ǆemal",
    "cafe\u0301 e\u0301a under_score snake_case_words",
    "日本語のテキスト and Ελληνικά ΣΊΣΥΦΟΣ",
    "x" * (MAX_TERM_LENGTH + 1) + " ok " + "y" * MAX_TERM_LENGTH,
    "non\u00a0breaking\u2003spaces\x1cand\x1fseparators",
    "",
    "!!! ... ---",
    "".join(map(chr, range(128))),  # every ASCII character (the byte-table fast path)
    "Mixed CASE 42nd_Street O'Brien's e-mail@Example.COM Z9 [AZ]{az}@`",
]


def reference_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def reference_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", reference_fold(text)) if len(w) <= MAX_TERM_LENGTH]


@pytest.mark.parametrize("text", SAMPLES)
def test_fold_matches_the_plain_definition(text: str) -> None:
    assert fold(text) == reference_fold(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_words_match_the_plain_definition(text: str) -> None:
    assert words(text) == reference_words(text)


@pytest.mark.parametrize("text", [*SAMPLES, "x" * (MAX_TERM_LENGTH + 1), "-- " + "z" * MAX_TERM_LENGTH + " --"])
def test_has_words_says_whether_the_plain_definition_finds_a_word(text: str) -> None:
    assert has_words(text) == bool(reference_words(text))


@pytest.mark.parametrize("text", SAMPLES)
def test_clean_display_text_collapses_white_space_like_the_regex(text: str) -> None:
    assert clean_display_text(text) == re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("text", SAMPLES)
def test_hashing_known_words_gives_the_content_hash(text: str) -> None:
    expected = hashlib.sha256(" ".join(reference_words(text)).encode("utf-8")).digest()[:16]
    assert words_hash(words(text)) == content_hash(text) == expected


@pytest.mark.parametrize("text", SAMPLES)
def test_dropping_stopwords_from_known_words_gives_the_terms(text: str) -> None:
    assert without_stopwords(words(text)) == terms(text)


def test_accents_and_case_do_not_change_identity() -> None:
    assert content_hash("Café  CRÈME!") == content_hash("cafe creme")


def test_search_text_keeps_terms_of_the_text_then_the_extras() -> None:
    assert search_text("The export controls", "Chip War", None, "Trade") == "export controls chip war trade"
