"""What a language model may write around a quote before it is published."""

from __future__ import annotations

import pytest

from ingest.llm.writing import insight_text, written_statement

QUOTE = "I think they're going to cut rates twice next year, because inflation is cooling fast."
SOURCE = "[12:01] Jane Smith: " + QUOTE + " [12:09] Tom: And the housing market?"


def test_a_third_person_statement_with_the_speakers_name_from_the_passage_is_published() -> None:
    written = "Jane Smith expects the central bank to cut rates twice next year because inflation is cooling fast."
    assert insight_text(written, QUOTE, SOURCE) == (written, QUOTE)


def test_a_statement_in_the_quotes_own_words_keeps_no_separate_quote() -> None:
    quote = "Guests share episodes with their own audience, so booking the right guests grows a podcast fastest."
    assert insight_text(" " + quote.replace(", so", " so") + "  ", quote, quote) == (quote.replace(", so", " so"), None)


@pytest.mark.parametrize(
    "written",
    [
        "Jane Smith expects two rate cuts next year; details at https://bank.example/rates.",
        "Jane Smith expects two rate cuts next year, says example.com.",
        "Jane Smith expects two rate cuts next year, as @janesmith keeps saying.",
        "Jane Smith expects 3 rate cuts next year because inflation is cooling fast.",
        "We expect the central bank to cut rates twice next year as inflation cools.",
        "Rates. Cuts come. Twice next year. Inflation is cooling fast.",
        "Bananas are an excellent source of potassium for athletes and runners.",
        "Rates fall.",
        42,
    ],
    ids=["url", "domain", "mention", "new figure", "first person", "four sentences", "off topic", "too short", "not text"],
)
def test_a_statement_that_says_more_or_other_than_its_source_is_refused(written: object) -> None:
    assert written_statement(written, QUOTE, SOURCE) is None


def test_a_figure_or_link_the_passage_does_have_is_allowed() -> None:
    quote = "Our listeners found the show through podcastindex.org more than 40 percent of the time last year."
    written = "Listeners of the show found it through podcastindex.org more than 40 percent of the time last year."
    assert written_statement(written, quote, quote) == written


def test_a_refused_statement_falls_back_to_its_quote_only_when_the_quote_stands_alone() -> None:
    standalone = "Consistent release days build a listening habit that matters more than any single viral episode."
    assert insight_text("We love release days!", standalone, standalone) == (standalone, None)
    assert insight_text("We love release days!", "That's exactly what I was going to say about it.", SOURCE) is None
    assert insight_text(None, "Check out podcastindex.org for every show that publishes its transcripts.", SOURCE) is None


def test_a_quote_opening_with_a_spoken_lead_in_is_not_published_as_it_stands() -> None:
    quote = "I think consistent release days build a listening habit that matters more than any viral episode."
    assert insight_text("We love release days!", quote, quote) is None
    written = "Consistent release days build a listening habit that matters more than any single viral episode."
    assert insight_text(written, quote, quote) == (written, quote)
