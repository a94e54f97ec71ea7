"""Typo-tolerant expansion: numbers are reached only by words made (almost) of digits."""

from __future__ import annotations

import pytest

import insights.vocabulary as vocabulary_module
from insights.vocabulary import Vocabulary


def _terms(vocabulary: Vocabulary, word: str) -> list[str]:
    return [v.term for v in vocabulary.expand(word)]


def test_a_number_with_a_typo_finds_the_number() -> None:
    vocabulary = Vocabulary([("12345", 3), ("export", 5)], 10)
    assert "12345" in _terms(vocabulary, "12354")


def test_a_word_with_a_digit_typo_can_still_reach_a_number() -> None:
    vocabulary = Vocabulary([("2024", 3), ("20245", 1)], 10)
    assert "20245" in _terms(vocabulary, "2o245")


def test_words_of_letters_never_expand_to_numbers() -> None:
    vocabulary = Vocabulary([("12345", 3), ("export", 5), ("exports", 2)], 10)
    assert _terms(vocabulary, "exprot") == ["export", "exports"]


def test_near_spellings_of_words_are_unchanged_by_numbers_in_the_vocabulary() -> None:
    words = [("controls", 4), ("control", 6), ("contrl", 1), ("patrols", 2)]
    numbers = [(str(n), 1) for n in range(1000, 1200)]
    with_numbers = Vocabulary(words + numbers, 20)
    without = Vocabulary(words, 20)
    for query in ["contrls", "controsl", "patrol", "cntrols"]:
        assert _terms(with_numbers, query) == _terms(without, query)


def test_remembered_expansions_are_the_ones_computed_afresh() -> None:
    vocabulary = Vocabulary([("export", 5), ("exports", 2), ("expert", 1), ("control", 3)], 10)
    first = [vocabulary.expand(w) for w in ["exprot", "export", "contrl", "zzzz"]]
    again = [vocabulary.expand(w) for w in ["exprot", "export", "contrl", "zzzz"]]
    vocabulary.clear_cache()
    fresh = [vocabulary.expand(w) for w in ["exprot", "export", "contrl", "zzzz"]]
    assert first == again == fresh


def test_the_expansion_memory_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vocabulary_module, "EXPANSION_CACHE_SIZE", 3)
    vocabulary = Vocabulary([("export", 5)], 10)
    for word in ["exports", "exprt", "expor", "xport", "export"]:
        vocabulary.expand(word)
    assert len(vocabulary._expanded) == 3


def test_near_spellings_are_the_same_without_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line may run without numpy (no meaning extra): typos find the same terms there."""
    pytest.importorskip("numpy")
    words = [("controls", 4), ("control", 6), ("contrl", 1), ("patrols", 2), ("consoles", 3), ("1234", 2)]
    queries = ["contrls", "controsl", "patrol", "cntrols", "consols", "1243", "zzzzzz"]
    with_numpy = {q: _terms(Vocabulary(words, 20), q) for q in queries}
    monkeypatch.setattr(vocabulary_module, "_numpy", lambda: None)
    without = {q: _terms(Vocabulary(words, 20), q) for q in queries}
    assert without == with_numpy
    assert "control" in with_numpy["contrls"] and with_numpy["zzzzzz"] == []
