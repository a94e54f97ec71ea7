"""Ranking candidates: what the index proposes is ordered by the plan, pure values in and out."""

from __future__ import annotations

from datetime import UTC, datetime

from insights.model import Insight
from insights.search import Candidate, QueryWord, partial_matches, plan_search, rank
from insights.text import search_text
from insights.vocabulary import Variant, Vocabulary

TEXTS = {
    1: "New export controls on advanced chips reshape the semiconductor supply chain.",
    2: "Controls on exports of chips are only part of the story; export volumes grew.",
    3: "Central banks expect rates will rise through next year.",
}


def _candidates() -> list[Candidate]:
    return [
        Candidate(Insight(id=i, text="", published_at=datetime(2024, 1, i, tzinfo=UTC)), tuple(search_text(t).split()))
        for i, t in TEXTS.items()
    ]


def _vocabulary() -> Vocabulary:
    counts: dict[str, int] = {}
    for t in TEXTS.values():
        for term in set(search_text(t).split()):
            counts[term] = counts.get(term, 0) + 1
    return Vocabulary(counts.items(), len(TEXTS))


def test_adjacent_query_words_rank_first() -> None:
    matches = rank(plan_search("export controls", _vocabulary()), _candidates(), limit=5)
    assert [m.insight.id for m in matches] == [1, 2]


def test_a_typo_ranks_like_the_correct_spelling() -> None:
    vocabulary = _vocabulary()
    typed = rank(plan_search("expor contrls", vocabulary), _candidates(), limit=5)
    correct = rank(plan_search("export controls", vocabulary), _candidates(), limit=5)
    assert [m.insight.id for m in typed] == [m.insight.id for m in correct]


def test_matched_terms_name_the_indexed_terms_that_answered_each_word() -> None:
    matches = rank(plan_search("advanced chip", _vocabulary()), _candidates(), limit=1)
    assert matches[0].matched_terms == ("advanced", "chips")


def test_candidates_without_enough_query_words_are_dropped() -> None:
    assert rank(plan_search("semiconductor banks rise", _vocabulary()), _candidates()[:2], limit=5) == []


def _word(word: str, weight: float) -> QueryWord:
    return QueryWord(word, (Variant(word, 1.0),), weight)


def test_a_word_heavy_enough_alone_is_its_own_partial_match() -> None:
    rare, common = _word("lithography", 9.0), _word("chips", 1.0)
    assert partial_matches([rare, common]) == [(rare,)]


def test_words_of_equal_weight_need_enough_of_them_together() -> None:
    a, b, c = _word("export", 1.0), _word("controls", 1.0), _word("chips", 1.0)
    assert sorted(tuple(w.word for w in g) for g in partial_matches([a, b, c])) == [
        ("controls", "chips"),
        ("export", "chips"),
        ("export", "controls"),
    ]


def test_no_group_contains_a_smaller_group() -> None:
    words = [_word("a1", 5.0), _word("b2", 2.0), _word("c3", 2.0), _word("d4", 1.0)]
    groups = [set(g) for g in partial_matches(words)]
    assert groups and not any(g < h for g in groups for h in groups)
    assert all(sum(w.weight for w in g) >= 5.0 for g in groups)
