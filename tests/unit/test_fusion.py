"""Hybrid ranking (insights.fusion): lexical order kept without vectors, meaning-only proposals need to be
close, an answer both sides agree on comes first."""

from __future__ import annotations

from insights.fusion import MIN_DENSE_COSINE, fuse
from insights.model import Insight, Match


def _lexical(*ids: int) -> list[Match]:
    return [Match(Insight(id=i, text=f"insight {i}"), 90.0 - n, ("word",)) for n, i in enumerate(ids)]


def test_without_vectors_the_lexical_order_is_kept() -> None:
    assert [m.insight.id for m in fuse(_lexical(3, 1, 2), {}, 5)] == [3, 1, 2]


def test_an_insight_only_meaning_proposes_needs_to_be_close_enough() -> None:
    close, far = 7, 8
    found = fuse([], {close: MIN_DENSE_COSINE + 0.2, far: MIN_DENSE_COSINE - 0.01}, 5)
    assert [m.insight.id for m in found] == [close]
    assert found[0].matched_terms == () and found[0].score == round((MIN_DENSE_COSINE + 0.2) * 100, 2)


def test_lexical_matches_keep_their_score_and_terms_and_a_far_vector_does_not_drop_them() -> None:
    lexical = _lexical(1, 2)
    found = fuse(lexical, {1: 0.1, 2: 0.05}, 5)
    assert found == lexical


def test_the_insight_both_sides_rank_high_comes_before_one_only_lexical_search_ranks_first() -> None:
    found = fuse(_lexical(1, 2, 3), {1: 0.1, 2: 0.8, 3: 0.4, 9: 0.7}, 3)
    assert [m.insight.id for m in found][:2] == [2, 1]
    assert len(found) == 3


def test_a_lexical_match_not_embedded_yet_does_not_sink_below_embedded_ones() -> None:
    found = fuse(_lexical(1, 2, 3), {2: 0.5, 3: 0.4}, 3)
    assert [m.insight.id for m in found] == [1, 2, 3]


def test_a_limit_of_zero_finds_nothing() -> None:
    assert fuse(_lexical(1), {1: 0.9}, 0) == []
