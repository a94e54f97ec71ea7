"""The pure rules of matching by meaning: story confirmation and topic blending (no model: cosines given)."""

from __future__ import annotations

import pytest

from insights.meaning_stories import ClaimSigns, StoryRules, contradicts, same_story
from insights.meaning_topics import (
    ABOUT,
    MeaningRules,
    blend,
    closest_phrases,
    mentions_topic,
    phrases,
    semantic_relevance,
    without_topic_words,
)
from insights.topics import TopicMatch

CLOSE = 0.9


def story(a: str, b: str, cosine: float = CLOSE) -> bool:
    return same_story(ClaimSigns.of(a), ClaimSigns.of(b), cosine)


def test_a_paraphrase_with_close_vectors_is_one_story() -> None:
    assert story(
        "Interest rates will rise next year because services inflation is still high.",
        "Expect rates to go up next year, since inflation in services remains high.",
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Remote work raises productivity.", "Remote work lowers productivity."),
        ("Interest rates will rise next year.", "Interest rates will not rise next year."),
        ("Paying a ransom rarely ends an incident.", "Paying a ransom usually ends an incident."),
        ("Labs started sharing data against copycats.", "Labs stopped sharing data against copycats."),
        (
            "Teaching students to check AI answers builds more skill than banning the tools.",
            "Banning the tools builds more skill than teaching students to check AI answers.",
        ),
        (
            "The biggest obstacle is the grid connection queue, not the price of panels.",
            "The biggest obstacle is the price of panels, not the grid connection queue.",
        ),
    ],
)
def test_opposite_claims_stay_apart_however_close_their_vectors(a: str, b: str) -> None:
    assert contradicts(ClaimSigns.of(a), ClaimSigns.of(b))
    assert not story(a, b, 0.97)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sleep debt changes how the body handles sugar.", "Sleep debt does not change how the body handles sugar."),
        ("A single audit changes the vendor's behaviour.", "A single audit leaves the vendor's behaviour unchanged."),
        ("Cold plunges harm recovery after strength training.", "Cold plunges are harmless for recovery after strength training."),
        ("Most subscribers open the weekly newsletter.", "Hardly anyone opens the weekly newsletter."),
        ("Teams should rent servers rather than buy them.", "Teams should buy servers rather than rent them."),
        ("The pilot flies the plane while the copilot handles the radio.",
         "The copilot flies the plane while the pilot handles the radio."),
    ],
)
def test_a_word_one_claim_denies_and_the_other_says_keeps_them_apart(a: str, b: str) -> None:
    assert contradicts(ClaimSigns.of(a), ClaimSigns.of(b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("However cheap the flight, a late arrival ruins the trip.", "No matter how cheap the flight is, arriving late ruins the trip."),
        ("Warehouses without sprinklers burn down faster.", "Warehouses lacking sprinklers burn down faster."),
        ("Asking for help does not mean you are weak.", "Asking for help is not a sign of weakness."),
        ("Ship small changes, and you never need a rollback plan.", "Ship small changes instead of needing a rollback plan."),
    ],
)
def test_negations_worded_differently_do_not_split_a_story(a: str, b: str) -> None:
    assert not contradicts(ClaimSigns.of(a), ClaimSigns.of(b))


def test_claims_with_different_figures_or_names_are_different_stories() -> None:
    assert not story("Rents rose 4% in Berlin last year.", "Rents rose 9% in Berlin last year.")
    assert not story("Dr. Ramírez says clinics need structured data.", "Dr. Okafor says clinics need structured data.")
    assert story("Rents rose 4% in the city.", "Rents in the city rose by 4% last year.")


def test_a_long_name_matches_its_initials() -> None:
    assert story(
        "Europe depends on what the United States does first.",
        "Europe waits to see what the US does first.",
    )


def test_vectors_below_the_candidate_cosine_are_never_one_story() -> None:
    text = "Heat pumps work well below freezing."
    assert not same_story(ClaimSigns.of(text), ClaimSigns.of(text), StoryRules().min_cosine - 0.01)


def test_a_one_word_topic_in_another_sense_does_not_match() -> None:
    lexical = TopicMatch("china", 0.9, "phrase")
    # "Bone ___ teacups ...": what is left says nothing of China
    assert blend(lexical, "china", cosine=0.25, rest=0.0).relevance == 0.0
    kept = blend(lexical, "china", cosine=0.3, rest=0.3)
    assert kept.relevance == 0.9 and kept.how == "phrase"


def test_a_tag_or_a_phrase_topic_is_trusted_without_the_sense_check() -> None:
    assert blend(TopicMatch("china", 0.9, "tagged"), "china", cosine=0.1, rest=0.0).relevance == 0.9
    assert blend(TopicMatch("export controls", 0.9, "phrase"), "export controls", 0.1, rest=0.0).relevance == 0.9


def test_meaning_alone_can_match_and_says_so() -> None:
    match = blend(TopicMatch(None, 0.0), "ai policy", cosine=0.6)
    assert match.topic == "ai policy" and match.how == ABOUT and match.relevance == MeaningRules().top
    assert blend(TopicMatch(None, 0.0), "ai policy", cosine=0.05).relevance == 0.0
    assert semantic_relevance(0.3) < semantic_relevance(0.4) < semantic_relevance(0.5)


def test_topic_words_are_taken_out_in_any_form() -> None:
    assert without_topic_words("Chips and a chip shortage", "chips").split() == ["and", "a", "shortage"]
    assert mentions_topic("Bone china teacups", "china") and not mentions_topic("Chinese firms", "china")


def test_the_why_line_names_the_closest_phrases_but_not_the_topic_itself() -> None:
    candidates = phrases("Regulators want AI policy on export controls and safety treaties.")
    assert "export controls" in candidates and "safety treaties" in candidates
    cosines = [0.9 if c == "policy" else 0.6 if c == "export controls" else 0.5 if c == "safety" else 0.1 for c in candidates]
    assert closest_phrases(candidates, cosines, "ai policy") == ["export controls", "safety"]


def test_why_line_phrases_are_plain_words_whatever_the_insight_holds() -> None:
    hostile = "Ship <!channel> *now* `rm -rf` <https://evil.example|click> & _win_ ~gone~"
    for phrase in phrases(hostile):
        assert all(part.isalnum() for part in phrase.split()), phrase
