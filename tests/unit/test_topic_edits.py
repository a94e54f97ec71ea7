"""Editing topic lists: no duplicates, a cap, typo-tolerant removal that never guesses wildly."""

from __future__ import annotations

import pytest

from insights.topic_edits import UnknownTopic, add_topics, remove_topics

CURRENT = ("ai policy", "semiconductors", "rates")


def test_adding_keeps_order_and_reports_duplicates() -> None:
    result = add_topics(CURRENT, ("housing", "Rates", "ai policy"))
    assert result.topics == (*CURRENT, "housing")
    assert result.added == ("housing",)
    assert result.already == ("Rates", "ai policy")
    assert result.over_cap == ()


def test_adding_beyond_the_cap_is_refused_topic_by_topic() -> None:
    result = add_topics(("a1", "a2"), ("a3", "a4", "a2"), cap=3)
    assert result.topics == ("a1", "a2", "a3")
    assert result.over_cap == ("a4",)
    assert result.already == ("a2",)


@pytest.mark.parametrize(
    ("typed", "removed"),
    [
        ("ai policy", "ai policy"),
        ("AI  Policy", "ai policy"),
        ("ai polcy", "ai policy"),
        ("semicondutors", "semiconductors"),
        ("semiconductor", "semiconductors"),
        ("rate", "rates"),
        ("policy", None),
        ("ai", None),
        ("housing", None),
    ],
)
def test_removal_matches_an_existing_topic_exactly_as_a_plural_or_by_a_small_typo(typed: str, removed: str | None) -> None:
    result = remove_topics(CURRENT, (typed,))
    assert result.removed == ((removed,) if removed else ())
    assert result.topics == tuple(t for t in CURRENT if t != removed)


def test_removing_reports_unknown_topics_with_suggestions() -> None:
    result = remove_topics(CURRENT, ("ai polcy", "policy", "knitting"))
    assert result.topics == ("semiconductors", "rates")
    assert result.removed == ("ai policy",)
    assert result.unknown[0] == UnknownTopic("policy", ())  # "ai policy" has just been removed
    assert result.unknown[1] == UnknownTopic("knitting", ())


def test_an_unknown_topic_suggests_the_ones_that_contain_it() -> None:
    result = remove_topics(CURRENT, ("policy",))
    assert result.topics == CURRENT
    assert result.unknown == (UnknownTopic("policy", ("ai policy",)),)
