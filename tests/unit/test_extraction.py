"""Extraction of standalone insights: what stands alone, filler, sentences and times, ranking, topics."""

from __future__ import annotations

import pytest

from insights.extraction import (
    extract_insights,
    is_standalone,
    match_vocabulary,
    remove_filler,
    split_sentences,
    standalone_score,
    transcript_sentences,
)
from insights.transcript import Segment

# --- What stands alone ------------------------------------------------------------------

STANDALONE = [
    "Good audio quality keeps listeners engaged, because people forgive weak content sooner than bad sound.",
    "You do not need an expensive studio to sound professional; a quiet room and a decent microphone are enough.",
    "It is important to publish on a consistent schedule so that listeners know when to expect a new episode.",
    "Um, you know, the best microphone is the one you, you actually use every single week.",
    "Those who write an outline before recording ramble less and edit far less afterwards.",
    "Batch recording four episodes in one afternoon frees the rest of the month for promotion.",
    "Nobody gets to opt out of feeling, but we can choose how we respond to what we feel.",
]
NOT_STANDALONE = [
    "And that is why we always record our interviews on Monday mornings before lunch.",  # conjunction
    "It was the best decision we made all year, honestly, and we would do it again.",  # pronoun
    "They told us the new format doubled their downloads within the first two months.",  # pronoun
    "So you will still be able to get the gist of what we are talking about today.",  # conjunction
    "Do you really need a trailer for a brand new podcast before the first episode?",  # question
    "Thanks so much for having me on the show, it is really great to be here.",  # chit-chat
    "This episode is sponsored by Acme Hosting, use promo code PODCAST for a free month.",  # sponsor read
    "Right.",  # too short
    "The best microphone for beginners on a budget in a small apartment with thin walls",  # no verb
    "Yesterday I was driving to the studio and I missed my exit because of the traffic.",  # anecdote
    "That's why being able to name your feelings really makes such a big difference.",  # back-reference
    "One of those things is really just what it means to be human in this world.",  # back-reference
]


@pytest.mark.parametrize("text", STANDALONE)
def test_a_passage_that_makes_sense_alone_is_standalone(text: str) -> None:
    assert is_standalone(text), standalone_score(text)


@pytest.mark.parametrize("text", NOT_STANDALONE)
def test_a_passage_that_leans_on_context_or_says_nothing_is_not_standalone(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


def test_standalone_score_stays_between_0_and_1() -> None:
    for text in [*STANDALONE, *NOT_STANDALONE, "", "?", "!!!"]:
        assert 0.0 <= standalone_score(text) <= 1.0


# --- Filler -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("Um, the best mic is, uh, the one you own.", "The best mic is the one you own."),
        ("You know, editing takes time.", "Editing takes time."),
        ("Editing, you know, takes time.", "Editing, takes time."),
        ("I mean, it is sort of a big deal.", "It is a big deal."),
        ("Like, nobody reads show notes.", "Nobody reads show notes."),
        ("What kind of show is it?", "What kind of show is it?"),
        ("I I think the the intro is too long.", "I think the intro is too long."),
        ("We- we record on Mondays [laughter] every week.", "We record on Mondays every week."),
        ("Yeah, consistency wins (laughs).", "Consistency wins."),
        ("I was like, wow.", "I was like, wow."),
        ("Do you know what works?", "Do you know what works?"),
    ],
)
def test_filler_is_removed_and_meaningful_words_stay(said: str, kept: str) -> None:
    assert remove_filler(said) == kept


# --- Sentences and times ----------------------------------------------------------------


def test_sentences_split_at_ends_but_not_at_abbreviations_initials_or_decimals() -> None:
    text = "Dr. Smith met Mireille B. Reece at 3.5 p.m. on Monday. It went well! Did it? Yes... Great."
    spans = [text[a:b] for a, b in split_sentences(text)]
    assert spans == [
        "Dr. Smith met Mireille B. Reece at 3.5 p.m. on Monday.",
        "It went well!",
        "Did it?",
        "Yes...",
        "Great.",
    ]


# The first cues of the Buzzsprout example transcript (CC0), as the SRT parser gives them.
BUZZSPROUT_CUES = [
    Segment("When you first get started in podcasting, it's", 0.179, 2.399, "Travis"),
    Segment("almost guaranteed that you're going to make a handful of rookie", 2.4, 4.799, "Travis"),
    Segment("mistakes, but that doesn't mean that you have to make all the", 4.801, 7.98, "Travis"),
    Segment("mistakes. So in this special bonus podcast episode, we went", 7.98, 13.109, "Travis"),
    Segment("Creating good audio is really key to keeping your", 53.03, 57.77, "Sarah"),
    Segment("podcast listeners engaged because no matter how good the", 57.771, 60.5, "Sarah"),
]


def test_a_sentence_starting_a_cue_gets_the_cues_start_and_one_inside_a_cue_is_interpolated() -> None:
    sentences = transcript_sentences(BUZZSPROUT_CUES)
    by_text = {s.text.split()[0] + " " + s.text.split()[1]: s for s in sentences}
    assert by_text["When you"].start == 0.179
    assert by_text["Creating good"].start == 53.03 and by_text["Creating good"].speaker == "Sarah"
    so = by_text["So in"]
    assert so.start is not None and 7.98 < so.start < 13.109
    assert so.start == pytest.approx(7.98 + (13.109 - 7.98) * len("mistakes. ") / len(BUZZSPROUT_CUES[3].text), abs=0.01)


def test_a_sentence_spanning_cues_is_one_sentence_and_speakers_do_not_mix() -> None:
    sentences = transcript_sentences(BUZZSPROUT_CUES)
    assert sentences[0].text.startswith("When you first get started") and sentences[0].text.endswith("all the mistakes.")
    assert [s.speaker for s in sentences] == ["Travis", "Travis", "Sarah"]


def test_untimed_segments_give_sentences_without_times() -> None:
    sentences = transcript_sentences([Segment("Show notes say this. And that.")])
    assert [(s.text, s.start) for s in sentences] == [("Show notes say this.", None), ("And that.", None)]


# --- Ranking and choosing ---------------------------------------------------------------

CLAIMS = [
    "Good audio quality keeps podcast listeners engaged far longer than clever editing ever will.",
    "A cheap dynamic microphone in a quiet room beats an expensive condenser microphone in an echoing kitchen.",
    "Recording a short test clip before every interview catches most audio quality problems early.",
    "Guests share episodes with their own audience, so booking the right guests grows a podcast fastest.",
    "Consistent release days build a listening habit, and habits matter more than any single viral episode.",
    "Show notes with clear timestamps help new listeners find the part of an episode they care about.",
]


def _timed(texts: list[str], *, speaker: str = "Host", step: float = 20.0) -> list[Segment]:
    return [Segment(text, i * step, i * step + step - 1, speaker) for i, text in enumerate(texts)]


def test_insights_are_standalone_claims_with_start_times_best_first() -> None:
    chatter = ["Thanks so much for having me on the show today.", "Do you use a pop filter when you record at home?"]
    insights = extract_insights(_timed([chatter[0], *CLAIMS, chatter[1]]), limit=10)
    assert {i.text for i in insights} <= set(CLAIMS) and len(insights) >= 4
    assert [i.score for i in insights] == sorted((i.score for i in insights), reverse=True)
    starts = {text: n * 20.0 for n, text in enumerate([chatter[0], *CLAIMS])}
    assert all(i.start_seconds == starts[i.text] for i in insights)


@pytest.mark.parametrize("limit", [0, 1, 2, 3])
def test_no_more_insights_than_the_limit(limit: int) -> None:
    assert len(extract_insights(_timed(CLAIMS), limit=limit)) == limit


def test_a_publisher_soundbite_lifts_the_passage_it_covers_to_the_top() -> None:
    segments = _timed(CLAIMS)
    (unhinted,) = extract_insights(segments, limit=1)
    target = next(s for s in segments if s.text != unhinted.text)
    assert target.start is not None
    (hinted,) = extract_insights(segments, limit=1, soundbites=[(target.start + 2.0, 10.0)])
    assert hinted.text == target.text and hinted.start_seconds == target.start


def test_the_same_claim_said_twice_is_picked_once() -> None:
    reworded = "Good audio quality keeps podcast listeners engaged far longer than any clever editing will."
    insights = extract_insights(_timed([CLAIMS[0], CLAIMS[1], reworded, CLAIMS[3]], speaker="Guest"), limit=6)
    picked = [i.text for i in insights]
    assert (CLAIMS[0] in picked) != (reworded in picked)
    assert len(picked) == len(set(picked)) == 3


def test_nothing_to_extract_gives_no_insights() -> None:
    assert extract_insights([]) == []
    assert extract_insights([Segment("Hi!", 0.0, 1.0), Segment("Thanks for having me.", 1.0, 2.0)]) == []


def test_show_notes_give_insights_without_times() -> None:
    insights = extract_insights([Segment(text) for text in CLAIMS[:3]], limit=2)
    assert len(insights) == 2 and all(i.start_seconds is None for i in insights)


# --- Topics -----------------------------------------------------------------------------


def test_topics_come_from_the_vocabulary_plural_and_typo_tolerant() -> None:
    vocabulary = ["Microphnes", "audio quality", "podcast guests", "marketing", "gardening"]
    insights = extract_insights(_timed(CLAIMS), limit=6, topic_vocabulary=vocabulary)
    topics = {i.text: i.topics for i in insights}
    assert topics[CLAIMS[1]] == ("Microphnes",)  # "microphone", with a typo in the vocabulary
    assert topics[CLAIMS[0]] == ("audio quality",)
    assert "podcast guests" in topics[CLAIMS[3]]  # "guests … grows a podcast": both words, apart
    assert all(set(t) <= set(vocabulary) and len(t) <= 3 for t in topics.values())


def test_without_a_vocabulary_topics_are_lower_case_keywords_the_episode_repeats() -> None:
    insights = extract_insights(_timed(CLAIMS), limit=6)
    topics = {i.text: i.topics for i in insights}
    assert all(1 <= len(t) <= 3 and all(p == p.lower() for p in t) for t in topics.values())
    assert "audio quality" in topics[CLAIMS[0]]  # said twice in the episode: a phrase, not two words


def test_match_vocabulary_maps_phrases_and_ignores_unrelated_ones() -> None:
    vocabulary = ["AI policy", "semiconductors", "remote work"]
    assert match_vocabulary(["semiconductor", "chips"], vocabulary) == ("semiconductors",)
    assert match_vocabulary(["new ai policy rules"], vocabulary) == ("AI policy",)
    assert match_vocabulary(["gardening"], vocabulary) == ()


def test_every_candidate_carries_its_named_features_and_they_make_its_rule_score() -> None:
    from insights.extraction.extract import FEATURES, scored_candidates

    found = scored_candidates(_timed(CLAIMS))
    assert {c.text for c in found} >= set(CLAIMS)
    for candidate in found:
        assert len(candidate.features) == len(FEATURES)
        factors = candidate.features[: FEATURES.index("words")]
        assert all(0.0 <= f <= 1.5 for f in factors)  # a soundbite may lift one above 1
        product = 1.0
        for f in factors:
            product *= f
        assert candidate.score == pytest.approx(min(1.0, product))


def test_a_tale_told_as_a_story_gets_no_insights_from_its_narration() -> None:
    tale = [
        "Every night the old woman creeps through the streets of the town, waiting for the sound of footsteps.",
        "In the darkness she is grabbing at the children and trying to yank them out of their beds.",
        "Then she fades away into the darkness, and for a split second you see a glimmering blue face.",
        "The townspeople whisper her name and lock their doors before the church bell rings at midnight.",
    ]
    told = extract_insights(_timed(tale * 3 + CLAIMS[:2]), limit=6)
    talk = extract_insights(_timed(CLAIMS), limit=6)
    assert not {i.text for i in told} & set(tale)
    assert len(talk) >= 3
