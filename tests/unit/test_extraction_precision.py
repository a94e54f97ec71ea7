"""The precision factors (insights/extraction/precision.py), each from real picks that failed a reader.

Failing sentences are quoted from picks labelled in the tune split of tests/data/extraction
(Changelog Media LLC transcripts, CC BY-SA 4.0; see tests/data/extraction/SOURCES.md), the
episode named beside each; the passing ones are picks labelled good there, so each rule is
shown to lower what failed and to leave what passed alone.
"""

from __future__ import annotations

import math

import pytest

from insights.extraction.leadin import strip_lead_in
from insights.extraction.precision import (
    PASSAGE_FACTORS,
    answer_factor,
    clause_factor,
    comparison_factor,
    definite_factor,
    dislocation_factor,
    enumeration_factor,
    everyone_factor,
    genre_factor,
    opener_factor,
    passage_factor,
    passage_factors,
    pitch_factor,
    scene_factor,
    spoken_factor,
    story_factor,
    teaser_factor,
    time_reference_factor,
    vague_factor,
)
from insights.text import words

#: Picks labelled good on all three criteria: no rule here may lower them.
GOOD = [
    "In order to go fast, collaboration should never get in the way from making individual progress.",  # changelog-672
    "Generics in Go are a subset of the problem other languages have tried to solve with what they call generics.",  # go-time-339
    "Workstation motherboards are a great hack to not have to go server grade and not go consumer grade.",  # friends-125
    "The AI doesn't need a SaaS tool to get the work done.",  # changelog-673
    "If your framework, that you invent today, conforms to the build output API, Vercel's managed infrastructure can deploy it for you on demand, and auto-scale it.",  # js-party-349
    "Just because you change the database, it doesn't mean that the reads come back quickly.",  # friends-125
]


def _folded(text: str) -> str:
    return " ".join(words(text))


@pytest.mark.parametrize("text", GOOD)
def test_passages_that_passed_are_not_lowered(text: str) -> None:
    assert passage_factor(text) == 1.0


@pytest.mark.parametrize(
    "fragment",
    [
        "At least for the 3D printing part of the company. Because when MK3 was in development, there was a need for monitoring the printers.",  # big-tent-s2e10
        "A 59% sustained reduction, eighteen ASNs going completely silent, five countries vanishing from our data entirely.",  # changelog-news-181
        "Runs on $10 hardware with <5MB RAM: That's 99% less memory than OpenClaw.",  # changelog-news-181
        "Knowing people that are around you that take rather than give, that pull you down, rather than lift you up.",  # brain-science-34
    ],
)
def test_a_sentence_without_a_main_clause_is_a_fragment(fragment: str) -> None:
    assert clause_factor(fragment) <= 0.45


def test_a_verb_inside_a_relative_clause_is_not_the_main_verb() -> None:
    assert clause_factor("People that take rather than give.") < 1.0
    assert clause_factor("People take rather than give.") == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Let's first be the best in the world diagnostic tool, using music as a signal for emotional health and wellbeing.",  # practical-ai-300
        "Let's all get together and go to 100% of the problem space that we need to solve for, together, as one standard.",  # ship-it-134
        "Not just that, but you need to be able to get the bigger picture of the data.",  # ship-it-134
        "Even MK4 is built on Marlin, but MK3 was built on Marlin as well.",  # big-tent-s2e10
    ],
)
def test_lets_and_adding_openers_are_lowered(text: str) -> None:
    assert opener_factor(_folded(text)) == 0.55


@pytest.mark.parametrize(
    "text",
    [
        "Your architecture decisions mattered more than parameter tweaks once scale and workload shape changed.",  # changelog-news-181
        "You have to add on Ansible on your client or on your server somewhere.",  # friends-125
        "You want to be able to scale and you need to scale very quickly because you don't want people waiting around.",  # changelog-673
    ],
)
def test_telling_the_listener_is_lowered(text: str) -> None:
    assert opener_factor(_folded(text)) == 0.8


def test_a_you_that_states_a_possibility_is_not_lowered() -> None:
    assert (
        opener_factor(_folded("You might as well have two models work, and then see which one has a better result."))
        == 1.0
    )  # changelog-672


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Basically, if you have any 3D object in reality, you can use the load cell sensor on the nozzle to probe it.",
            0.8,
        ),  # big-tent-s2e10
        (
            "Compiler basically is the way React can auto-compile code for you, and auto-memoize code for you.",
            0.8,
        ),  # js-party-349
        (
            "OCR in general, you don't realize how bad it is until like you actually try to scan something.",
            0.8,
        ),  # friends-125
        ("There's a lot of trade-offs, right, in voice between latency, price, quality.", 0.8),  # changelog-673
        (
            "Everyone was really locked into MuleSoft. And MuleSoft comes with like a lot of great things.",
            0.8,
        ),  # go-time-339
        (
            "You can say that our print farm is like our staging cluster.",
            1.0,
        ),  # big-tent-s2e10: a comparison, not filler
    ],
)
def test_spoken_filler_left_in_the_text_is_lowered(text: str, expected: float) -> None:
    assert spoken_factor(text) == pytest.approx(expected)


@pytest.mark.parametrize(
    "text",
    [
        "What you don't want to do is combine two things that both hit the kidneys.",  # changelog-672
        "If you have a bunch of people doing one thing, and don't want to switch over to another thing, then that becomes even harder.",  # go-time-339
        "The new projects that are coming out have made a lot of advances in such a legacy technology.",  # ship-it-134
        "Now, once these are defined, so the relationships are defined, you end up with L2s.",  # practical-ai-300
    ],
)
def test_placeholders_for_what_was_said_before_are_lowered(text: str) -> None:
    assert vague_factor(_folded(text)) <= 0.8


def test_two_placeholders_cost_more_than_one() -> None:
    one = vague_factor(_folded("Combine two things that hit the kidneys."))
    two = vague_factor(_folded("People doing one thing, and don't want to switch over to another thing."))
    assert two < one < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "The infrastructure is influenced by, but decoupled from, so that it can be used to deploy anything.",  # js-party-349
        "The new projects that are coming out have made a lot of advances.",  # ship-it-134
        "The reality is we love podcasts because of the content that they're presenting.",  # buzzsprout (CC0)
    ],
)
def test_a_definite_common_noun_subject_is_lowered(text: str) -> None:
    assert definite_factor(text) == 0.75


def test_a_named_definite_subject_is_not_lowered() -> None:
    assert definite_factor("The AI doesn't need a SaaS tool to get the work done.") == 1.0


def test_an_answer_ending_on_yes_is_lowered() -> None:
    assert (
        answer_factor(
            _folded(
                "I think for a simple use case like reading a context, or like reading a suspend rendered promise, yes."
            )
        )
        == 0.5
    )  # js-party-349
    assert (
        answer_factor(_folded("Grok Code is an incredibly good model, and it's been free for months now.")) == 1.0
    )  # changelog-672


def test_a_teaser_that_does_not_give_its_point_is_lowered() -> None:
    teaser = "Tiger Data wrote a post that lays out six practical signs performance issues aren't a tuning problem anymore."  # changelog-news-181
    assert teaser_factor(_folded(teaser)) == 0.6
    assert (
        teaser_factor(
            _folded("As a load cell sensor, it's interesting that you can actually print on any surface you want.")
        )
        == 0.85
    )  # big-tent-s2e10


def test_a_scene_told_to_the_listener_is_lowered() -> None:
    # Dead Rabbit Radio (tune, machine-made; quoted for the pattern only)
    scene = "Bloody Mary fades away into the darkness, but for a split second you see a glimmering blue face."
    assert scene_factor(_folded(scene)) == 0.75
    assert scene_factor(_folded("You can see why teams pick Go for network services.")) == 1.0


@pytest.mark.parametrize(
    "ad",
    [
        "With cutting-edge treatments and kid-friendly care, there's a reason Lurie Children's has ranked the number one Children's Hospital in Illinois.",
        "Offering swim lessons to babies and kids across the U.S., British Swim School gives you the confidence to let your little ones enjoy pools.",
    ],
)
def test_ad_copy_is_lowered(ad: str) -> None:  # both read in Dead Rabbit Radio episodes (tune, machine-made)
    assert pitch_factor(_folded(ad)) == 0.6


def test_the_number_one_reason_is_not_an_ad() -> None:
    assert pitch_factor(_folded("The number one reason podcasts fail is that hosts stop publishing.")) == 1.0


def test_but_yeah_is_not_taken_off_as_a_lead_in() -> None:
    # big-tent-s2e10: the "But" leans on the turn before; "So yeah" is still a lead-in
    assert strip_lead_in("But yeah, you can actually get a 3D model from the load cell sensor.").startswith("But")
    assert strip_lead_in("So yeah, load cells can map a 3D model.") == "Load cells can map a 3D model."


def test_an_item_of_a_list_said_before_is_lowered() -> None:
    # Dead Rabbit Radio (tune, machine-made): the second of two reasons given earlier
    assert (
        enumeration_factor(
            "Two, to time travel back to medieval times, and use technology that we would be able to view."
        )
        == 0.55
    )
    assert (
        enumeration_factor("One of the things I feel really strongly about is developer experience.") == 1.0
    )  # js-party-349


def test_obviously_is_spoken_filler() -> None:
    # big-tent-s2e10
    assert spoken_factor(
        "We are printing the next 3D printers because you are buying our printers, obviously."
    ) == pytest.approx(0.8)


@pytest.mark.parametrize(
    "told",
    [
        "Bloody Mary creeps through the streets of Miami, waiting for the sound of gunfire.",  # deadrabbit-043ca52c
        "In the darkness, Bloody Mary is grabbing at them and trying to yank them off the bed.",  # deadrabbit-043ca52c
    ],
)
def test_story_narration_is_lowered(told: str) -> None:  # Dead Rabbit Radio (tune, machine-made): both failed
    assert story_factor(_folded(told)) < 1.0
    assert passage_factor(told) < 0.7


@pytest.mark.parametrize("text", GOOD)
def test_claims_are_not_story_narration(text: str) -> None:
    assert story_factor(_folded(text)) == 1.0


def test_an_episode_told_as_a_story_lowers_all_its_passages_and_talk_does_not() -> None:
    tale = ["Bloody Mary creeps through the streets.", "She waits in the darkness.", "Nobody knows her name."] * 10
    talk = [*GOOD * 10, "Then she fades away, they say."]  # one story sentence in 61: talk, not a tale
    assert genre_factor(tale) < 1.0
    assert genre_factor(talk) == 1.0
    assert genre_factor([]) == 1.0


def test_one_vivid_word_in_a_short_talk_episode_is_not_a_tale() -> None:
    short_talk = [*GOOD[:3], "The battery's charge vanishes overnight in the cold."]  # 1 in 4 sentences, 25%
    assert genre_factor(short_talk) == 1.0


def test_an_ad_read_for_a_service_is_lowered() -> None:  # deadrabbit-043ca52c, picked once the story was lowered
    ad = "British Swim School has highly trained instructors who specialize in fun and gentle teaching in a small class environment."
    assert pitch_factor(_folded(ad)) < 1.0


def test_the_factors_are_named_in_order_and_multiply_to_the_passage_factor() -> None:
    text = "Let's basically say the infrastructure is one thing, right?"
    factors = passage_factors(text)
    assert len(factors) == len(PASSAGE_FACTORS)
    assert factors[PASSAGE_FACTORS.index("opener")] < 1.0
    assert factors[PASSAGE_FACTORS.index("story")] == 1.0
    assert passage_factor(text) == pytest.approx(math.prod(factors))


@pytest.mark.parametrize(
    "text",
    [
        "Models, the open models aren't as good as the closed models, the ones you pay for.",  # friends-125
        "DDR5, CPUs, hard drives, motherboards. I feel like the only thing that's really cheap right now are cases and enclosures because no one can build them.",  # friends-125
        "The Docker Enterprise Data Center, Product Data Center and Production/Product - we unfortunately had to say goodbye to 360 employees.",  # founders-talk-97
    ],
)
def test_a_passage_opening_on_a_verbless_phrase_and_a_comma_is_a_spoken_restart(text: str) -> None:
    assert dislocation_factor(strip_lead_in(text)) < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "In the early days at one point, Uber was using Pusher to update the cars in real time before they built their own infrastructure.",  # changelog-673
        "If you're building a server with server grade hardware, a lot of people are buying them used.",  # friends-125
        "Grok Code is an incredibly good model, and it's been free for months now.",  # changelog-672
    ],
)
def test_a_framing_phrase_or_a_clause_before_the_comma_is_not_a_restart(text: str) -> None:
    assert dislocation_factor(text) == 1.0


def test_a_time_named_earlier_in_the_talk_is_lowered() -> None:  # js-party-349
    text = "React Server Components was introduced around 18-ish. So they've been around for a while, although they weren't stable at the time, but now they're stable."
    assert time_reference_factor(_folded(text)) < 1.0
    assert time_reference_factor(_folded("Generics took ten years, and at times that was frustrating.")) == 1.0


def test_a_comparison_without_its_other_side_is_lowered() -> None:  # changelog-672
    assert comparison_factor("Most cancer treatments are way worse. And yeah, enabling surgery was a big deal.") < 1.0
    assert comparison_factor("Most cancer treatments are way worse than the disease.") == 1.0
    assert comparison_factor("Developer experience is always in service of creating a better user experience.") == 1.0


def test_an_exception_opens_on_what_was_said_before() -> None:  # big-tent-s2e10
    text = "Except for creating the spanner takes three hours, and a year or two's worth of skills in CAD modeling."
    assert opener_factor(_folded(text)) < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "People don't want to be replaced. They don't want things to be wholly replaced.",  # ship-it-134
        "Sometimes people will just use the tool, just use the software, and not really pay much attention to the people behind things.",  # founders-talk-97
        "People will say, well, if you care about your data, you do because if the memory gets corrupt, that's where it writes first.",  # friends-125
    ],
)
def test_a_claim_about_unnamed_people_is_lowered(text: str) -> None:
    assert everyone_factor(_folded(text)) < 1.0


def test_people_said_which_or_humans_are_not_lowered() -> None:
    assert everyone_factor(_folded("People who prepare their questions get better interviews.")) == 1.0
    assert (
        everyone_factor(_folded("Humans are going to burn $10,000 in tokens, maybe $100,000 in tokens per human."))
        == 1.0
    )  # changelog-672


def test_a_participle_after_the_opening_noun_makes_no_clause() -> None:
    # changelog-news-181: a list of noun phrases with participles, no main clause before the comma
    text = "A 59% sustained reduction, eighteen ASNs going completely silent, five countries vanishing from our data entirely."
    assert dislocation_factor(text) < 1.0
    assert dislocation_factor("Looking back, the migration to Postgres took a whole year.") == 1.0
    assert dislocation_factor("At the end, the camera falls and the recording stops.") == 1.0
