"""Rows of one episode repeat its fields; parsing them once per episode must not mix up values of different types."""

from __future__ import annotations

import re

import pytest

from ingest.records import InvalidRecord, parse_record


def test_topics_as_a_string_and_as_a_list_of_the_same_text_stay_different() -> None:
    episode = {"podcast": "Grid Talk", "episode": "Ep 1", "published_at": "2024-05-01"}
    split = parse_record({"text": "Batteries shift the evening peak.", **episode, "topics": "energy;grid"})
    whole = parse_record({"text": "Heat pumps flatten demand.", **episode, "topics": ["energy;grid"]})
    assert split.topics == ("energy", "grid")
    assert whole.topics == ("energy;grid",)


def test_a_bad_episode_field_is_reported_on_every_row_that_repeats_it() -> None:
    episode = {"podcast": "Grid Talk", "url": "ftp://example.com/ep1"}
    for text in ("Batteries shift the evening peak.", "Heat pumps flatten demand."):
        with pytest.raises(InvalidRecord, match=re.escape('"url": "ftp://example.com/ep1" is not a web address')):
            parse_record({"text": text, **episode})


def test_a_number_and_a_string_of_the_same_value_are_parsed_as_given() -> None:
    as_number = parse_record({"text": "Rates rise in spring.", "episode": 42, "start_seconds": 90})
    as_string = parse_record({"text": "Rates fall in autumn.", "episode": "42", "start_seconds": "1:30"})
    assert as_number.episode == as_string.episode == "42"
    assert as_number.start_seconds == as_string.start_seconds == 90.0
    with pytest.raises(InvalidRecord, match='"episode" must be a string'):
        parse_record({"text": "Rates hold in winter.", "episode": True})
