"""A subject already talked about before the passage (insights/extraction/context.py), from real tune picks.

Sentences are quoted from the tune split of tests/data/extraction (Changelog Media LLC
transcripts, CC BY-SA 4.0; the `bigtent` folder: Grafana Labs; see tests/data/extraction/SOURCES.md).
"""

from __future__ import annotations

from insights.extraction.context import REFERENCE_BACK, reference_factor, subjects_named_before
from insights.extraction.extract import extract_insights
from insights.text import STOPWORDS, words
from insights.topics import stem
from insights.transcript import Segment


def _stems(*sentences: str) -> list[frozenset[str]]:
    return [frozenset(stem(w) for w in words(s) if w not in STOPWORDS and len(w) > 2) for s in sentences]


EARLIER = _stems("We built the MK4 printer with a load cell in the nozzle.", "The software on it is open source.")


def test_a_subject_named_before_the_passage_points_back() -> None:  # big-tent-s2e10, ship-it-134
    printer = "There is no timestamp, because the printer doesn't have enough memory to send timestamps."
    software = "You pay absurd amounts of money to Microsoft, of course the software is going to be supported."
    assert subjects_named_before(printer, EARLIER) == ["because the printer"]
    assert subjects_named_before(software, EARLIER) == ["course the software"]
    assert reference_factor(printer, EARLIER) == REFERENCE_BACK


def test_the_same_noun_as_an_object_or_not_named_before_does_not() -> None:  # friends-125, changelog-672
    earlier = _stems("We moved the database to new disks.", "The cancer had reached the lungs.")
    assert (
        reference_factor(
            "Just because you change the database, it doesn't mean that the reads come back quickly.", earlier
        )
        == 1.0
    )
    assert (
        reference_factor(
            "What I do know is that for bone cancer, the biggest risk is that it spreads to the lungs.", earlier
        )
        == 1.0
    )
    assert reference_factor("There is no timestamp, because the printer doesn't have enough memory.", earlier) == 1.0


def test_a_noun_the_passage_names_itself_first_is_not_pointing_back() -> None:
    text = "Every printer sends a delta, because the printer doesn't have enough memory to send timestamps."
    assert reference_factor(text, EARLIER) == 1.0


def test_the_extractor_prefers_the_passage_that_does_not_lean_on_earlier_talk() -> None:
    said = [
        "We built the MK4 printer with a load cell in the nozzle, and it took us two years of work.",
        "There is no timestamp on any reading, because the printer doesn't have enough memory to send timestamps at all.",
        "Open hardware lets every owner repair a machine without waiting for the manufacturer to ship a part.",
    ]
    segments = [Segment(text, 20.0 * i, 20.0 * i + 19.0, "Guest") for i, text in enumerate(said)]
    scores = {found.text: found.score for found in extract_insights(segments, limit=6)}
    assert said[2] in scores
    assert scores.get(said[1], 0.0) < scores[said[2]]
