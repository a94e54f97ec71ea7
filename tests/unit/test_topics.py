"""Topics as people type them, and how relevant an insight is to one."""

from __future__ import annotations

import pytest

from insights.model import Insight
from insights.topics import (
    TopicDoc,
    TopicIndex,
    channel_topics,
    closest_topic,
    doc_relevance,
    normalise_topic,
    parse_topics,
    stem,
    topic_relevance,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("AI-Policy ", "ai policy"),
        ("ai policy", "ai policy"),
        ("  AI   policy\t", "ai policy"),
        ("Semiconductors", "semiconductors"),
        ("Café Économie", "cafe economie"),
        ("!!!", ""),
    ],
)
def test_a_typed_topic_is_normalised(typed: str, expected: str) -> None:
    assert normalise_topic(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ai policy, semiconductors", ["ai policy", "semiconductors"]),
        ("AI-Policy; ai policy , China", ["ai policy", "china"]),
        ("interest rates", ["interest rates"]),
        ("", []),
        (" , ; ", []),
    ],
)
def test_a_typed_list_splits_on_commas_and_semicolons_without_repeats(typed: str, expected: list[str]) -> None:
    assert parse_topics(typed) == expected


@pytest.mark.parametrize(
    ("topics", "expected"),
    [
        (["AI-Policy", "ai policy, Semiconductors", "china;"], ["ai policy", "semiconductors", "china"]),
        ("ai policy, chips", ["ai policy", "chips"]),
        ([], []),
    ],
)
def test_a_channels_topics_are_normalised_once_each(topics: list[str] | str, expected: list[str]) -> None:
    assert channel_topics(topics) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("semiconductors", "semiconductors"),
        ("Semiconductor", "semiconductors"),
        ("semiconducter", "semiconductors"),
        ("AI-Policy", "ai policy"),
        ("weather", None),
        ("ai", None),
    ],
)
def test_removing_a_topic_finds_the_one_the_person_meant(typed: str, expected: str | None) -> None:
    assert closest_topic(typed, ["ai policy", "semiconductors", "china"]) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("semiconductors", "semiconductor"),
        ("policies", "policy"),
        ("chips", "chip"),
        ("taxes", "tax"),
        ("switches", "switch"),
        ("bus", "bus"),
        ("analysis", "analysis"),
        ("class", "class"),
        ("ai", "ai"),
    ],
)
def test_plural_forms_share_a_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def doc(text: str, *tags: str) -> TopicDoc:
    return TopicDoc.of(Insight(1, text, topics=tags))


@pytest.mark.parametrize(
    ("text", "tags", "topic", "relevance", "how"),
    [
        ("The AI policy debate in Brussels is about liability.", ("AI Policy",), "ai policy", 1.0, "tagged"),
        ("Brussels wants liability rules for chatbots.", ("ai-policy",), "ai policy", 0.9, "tagged"),
        ("The new AI policy in Brussels is about liability.", (), "ai policy", 0.9, "phrase"),
        ("Semiconductors are the new oil.", (), "semiconductor", 0.9, "phrase"),
        ("A semiconductor shortage hits carmakers.", (), "semiconductors", 0.9, "phrase"),
        ("Semiconductors are the new oil.", (), "semiconducter", 0.81, "phrase"),
        ("Interest on student loans rates poorly with voters.", (), "interest rates", 0.7, "words"),
        ("Policy makers still ignore AI.", (), "ai policy", 0.7, "words"),
        ("Monetary policy is tightening everywhere.", (), "ai policy", 0.3, "partial"),
        ("Wheat prices doubled this spring.", (), "ai policy", 0.0, ""),
        ("The rat population grew in the city.", (), "rates", 0.0, ""),
        ("Chains of stores close in China.", (), "china", 0.9, "phrase"),
        ("Supply chains are getting shorter.", (), "china", 0.0, ""),
    ],
)
def test_relevance_to_a_topic_is_phrase_aware_plural_and_typo_tolerant(
    text: str, tags: tuple[str, ...], topic: str, relevance: float, how: str
) -> None:
    match = doc_relevance(doc(text, *tags), topic)
    assert (match.relevance, match.how) == (relevance, how)
    assert match.topic == (topic if relevance else None)


def test_the_best_matching_channel_topic_is_the_one_reported() -> None:
    insight = Insight(7, "Export controls on semiconductors tighten again.", topics=("Chips",))
    match = topic_relevance(insight, "ai policy, semiconductors, export controls")
    assert (match.topic, match.relevance) == ("semiconductors", 0.9)


def test_an_unrelated_insight_matches_no_topic() -> None:
    match = topic_relevance(Insight(1, "Wheat prices doubled."), ["ai policy", "semiconductors"])
    assert (match.topic, match.relevance) == (None, 0.0)


TEXTS = [
    ("The AI policy debate in Brussels is about liability.", ("AI Policy",)),
    ("Semiconductors are the new oil.", ()),
    ("Semiconductor export controls tighten.", ("chips",)),
    ("Policy makers ignore AI.", ()),
    ("Monetary policy is tightening.", ("macro",)),
    ("Interest rates will rise next year.", ("macro",)),
    ("The rat population grew.", ()),
    ("Chips, chips, chips: every policy is an AI policy now.", ()),
    ("Wheat prices doubled.", ("food",)),
    ("Interst rates and inflation move together.", ()),
]


@pytest.mark.parametrize(
    "topic", ["ai policy", "semiconductors", "semiconducter", "chips", "interest rates", "policy", "macro"]
)
@pytest.mark.parametrize("floor", [0.0, 0.35])
def test_the_index_finds_exactly_what_scoring_every_insight_finds(topic: str, floor: float) -> None:
    docs = [doc(text, *tags) for text, tags in TEXTS]
    scored = [(p, doc_relevance(d, topic).relevance) for p, d in enumerate(docs)]
    expected = [(p, relevance) for p, relevance in scored if relevance > 0 and relevance >= floor]
    assert TopicIndex(docs).matches(topic, floor) == expected
    assert expected  # every topic above matches something, so the comparison means something
