"""The /insights command grammar."""

from __future__ import annotations

import pytest

from bot.router.grammar import DidYouMean, Search, ShowHelp, parse_command


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("", ShowHelp()),
        ("   ", ShowHelp()),
        (None, ShowHelp()),
        ("help", ShowHelp()),
        ("HELP", ShowHelp()),
        ("?", ShowHelp()),
        ("search", ShowHelp()),
        ("search help", Search("help")),
        ("export controls", Search("export controls")),
        ("expor contrls", Search("expor contrls")),
        ("hlep", DidYouMean("hlep", "help")),
        ("serch", DidYouMean("serch", "search")),
        ("chips", Search("chips")),
        ("'; DROP TABLE insights; --", Search("'; DROP TABLE insights; --")),
    ],
)
def test_what_a_person_typed_becomes_a_command(typed: str | None, expected: object) -> None:
    assert parse_command(typed) == expected


def test_a_long_sentence_is_a_search_even_when_it_starts_like_a_command() -> None:
    assert parse_command("hlep me find rates") == Search("hlep me find rates")


def test_short_words_are_never_mistaken_for_commands() -> None:
    assert parse_command("ai") == Search("ai")
