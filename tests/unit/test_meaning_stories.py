"""The story rule's antonyms, figures and directions, on pairs from the labelled story sets (no model)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from insights.meaning_stories import (
    ANTONYMS_FILE,
    Antonyms,
    ClaimSigns,
    antonyms,
    contradicts,
    figures_differ,
    same_story,
)

ROOT = Path(__file__).resolve().parents[2]
CLOSE = 0.9


def story(a: str, b: str, cosine: float = CLOSE) -> bool:
    return same_story(ClaimSigns.of(a), ClaimSigns.of(b), cosine)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # antonyms from the lexicon, in any form ("best" / "worst" are irregular forms of "good" / "bad")
        ("Cosmicast is a new podcast app.", "Cosmicast is an old podcast app that has been around for a decade."),
        (
            "Hacking with Swift is among the best places to learn Swift.",
            "Hacking with Swift ranks among the worst Swift learning resources.",
        ),
        ("The home team won the final on Sunday.", "The home team lost the final on Sunday."),
        # bringing into being or ending, joining or leaving
        ("Pedro Carrasco launched CocoaHub.", "Pedro Carrasco shut down CocoaHub."),
        ("Josh Holtz joined the iOS indie developer community.", "Josh Holtz left the indie iOS scene behind."),
        (
            "Social media has created a culture of isolation, and face-to-face interaction counteracts it.",
            "Social media has ended isolation, and face-to-face interaction adds nothing.",
        ),
        # "rarely" denies what follows, as "hardly" does
        (
            "Be a guest on other podcasts whose audience matches yours: their listeners will follow you to your show.",
            "Guesting on podcasts whose audience matches yours brings almost no new listeners; they rarely follow a guest.",
        ),
        # a change denied says no direction, against one said
        (
            "Nearshoring to Mexico cuts delivery times to US customers from weeks to days.",
            "Nearshoring to Mexico barely changes delivery times to US customers.",
        ),
        (
            "The new podcastindex website was presented as an improvement.",
            "The new podcastindex website was worse than the old one.",
        ),
    ],
)
def test_opposite_claims_from_the_story_sets_stay_apart(a: str, b: str) -> None:
    assert contradicts(ClaimSigns.of(a), ClaimSigns.of(b))
    assert not story(a, b, 0.96)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # an antonym negated agrees with the other ("not easy" / "hard")
        ("Setting up a podcast feed is not easy for beginners.", "Setting up a podcast feed is hard for beginners."),
        # antonyms said of different things ("good audio" / "bad sound" with "good content" nearby)
        (
            "Good audio keeps podcast listeners engaged: however good the content is, poor audio quality will turn them away.",
            "No matter how strong your content is, bad sound drives listeners off; audio quality is what keeps them engaged.",
        ),
        # a change said plainly is no denied change
        ("Remote work changes how teams plan their week.", "Remote work alters how teams plan the week."),
    ],
)
def test_paraphrases_with_antonyms_or_changes_stay_one_story(a: str, b: str) -> None:
    assert not contradicts(ClaimSigns.of(a), ClaimSigns.of(b))
    assert story(a, b)


def test_ordinals_are_figures() -> None:
    ahead = ClaimSigns.of("The podcast namespace was about to reach phase 4.")
    assert figures_differ(ahead, ClaimSigns.of("The podcast namespace was still stuck before its second phase."))
    assert not figures_differ(ahead, ClaimSigns.of("The podcast namespace was close to its 4th phase."))
    assert not story(
        "The podcast namespace was about to reach phase 4.", "The namespace was still stuck before its second phase."
    )


def test_the_lexicon_reads_its_rows_and_finds_lemmas_of_regular_and_irregular_forms(tmp_path: Path) -> None:
    path = tmp_path / "antonyms.tsv"
    path.write_text(
        "# a comment\nlower\traise\nraise\tlower\nshut_down\topen\nwin\tlose\nwon\t=win\n", encoding="utf-8"
    )
    table = Antonyms.read(path)
    assert table.opposite["lower"] == {"raise"}
    assert table.lemmas("lowered") == {"lower"}
    assert table.lemmas("raising") == {"raise"}
    assert table.lemmas("won") == {"win"}
    assert table.lemmas("window") == set()
    assert table.phrase_heads == {"shut"}


def test_the_shipped_lexicon_is_wordnets_and_holds_common_pairs() -> None:
    header = ANTONYMS_FILE.read_text(encoding="utf-8").splitlines()[:3]
    assert any("WordNet 3.0" in line for line in header)
    table = antonyms()
    for word, other in [("new", "old"), ("win", "lose"), ("increase", "decrease"), ("succeed", "fail")]:
        assert other in table.opposite[word] and word in table.opposite[other]
    assert table.lemmas("worse") >= {"bad"}


@pytest.mark.skipif(not Path("/usr/share/wordnet/data.adj").exists(), reason="WordNet (wordnet-base) not installed")
def test_the_shipped_lexicon_is_what_the_script_makes_from_wordnet() -> None:
    made = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "wordnet_antonyms.py")], check=True, capture_output=True, text=True
    ).stdout
    assert made == ANTONYMS_FILE.read_text(encoding="utf-8")


def test_no_denies_the_noun_after_it_unless_it_opens_the_clause() -> None:
    a = "Before adopting a dependency, check who can merge code: a project with one maintainer is a single point of failure."
    b = "Who can merge code into a dependency does not matter: a project with one maintainer is no single point of failure."
    assert contradicts(ClaimSigns.of(a), ClaimSigns.of(b))
    # "agenda-free" is "no agenda"; "No episode length is best" does not deny the episodes
    assert story(
        "Schedule one unstructured video call a week with no agenda.", "Hold one agenda-free video call a week."
    )
    assert story(
        "There is no ideal podcast length: some shows succeed with three-hour episodes and others at ten minutes.",
        "No episode length is best: podcasts thrive at three hours, and others are very successful at ten minutes.",
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # alike against more or less
        (
            "Building launch infrastructure for Starship matters as much as building the rocket itself.",
            "Launch infrastructure for Starship matters far less than the rocket itself.",
        ),
        (
            "We all have an in-group and an out-group, and we assign less value to people in our out-group.",
            "People give the same value to their out-group as to their in-group.",
        ),
        # a comparison whose first side is named in the clause before ("A, doing B, saves more than C")
        (
            "Batch production, scheduling a whole month of interviews in one week, saves far more time than producing each episode by itself.",
            "Producing each episode by itself saves more time than batching a whole month of interviews into one week.",
        ),
        ("Widgetsmith was wildly popular.", "Hardly anyone downloaded Widgetsmith; it was a flop."),
    ],
)
def test_comparisons_and_receptions_the_other_way_stay_apart(a: str, b: str) -> None:
    assert contradicts(ClaimSigns.of(a), ClaimSigns.of(b))


def test_alike_said_twice_or_a_comparison_said_the_same_way_is_one_story() -> None:
    assert story(
        "Launch infrastructure for Starship matters as much as the rocket.",
        "For Starship, the launch infrastructure is as important as the rocket itself.",
    )
    assert story(
        "Written proposals reach decisions faster than meetings, since writing forces the author to finish thinking.",
        "Teams that write proposals decide faster than teams that meet, because writing makes authors think it through.",
    )


def test_a_particle_over_compares_nothing_and_over_doing_rejects_like_instead_of() -> None:
    assert story(
        "Fund the maintainer directly; a few thousand dollars a year is far cheaper than the incident response after an abandoned project is taken over by an attacker.",
        "Pay the maintainer directly; a few thousand dollars a year costs far less than an incident after an attacker takes over the abandoned project.",
    )
    assert story(
        "Judge performance by shipped work rather than online status indicators, which reward looking busy instead of being effective.",
        "Judge people by shipped work, not online status lights, which reward looking busy over being effective.",
    )
    # a comparison with "over" still counts the other way round
    assert contradicts(
        ClaimSigns.of("Investors value two years of runway over fast growth."),
        ClaimSigns.of("Investors value fast growth over two years of runway."),
    )


def test_ended_up_and_left_over_end_or_leave_nothing() -> None:
    assert ("existence", -1) in ClaimSigns.of("Social media has ended isolation.").directions
    assert ("existence", -1) not in ClaimSigns.of("Gui Rambo ended up as a 9to5Mac writer.").directions
    assert ("membership", -1) not in ClaimSigns.of("The budget left over went to marketing.").directions
