"""Reading `/insights saved …`, `forget me` and the save settings."""

from __future__ import annotations

import pytest

from bot.router.grammar import Search, parse_command
from bot.saving.grammar import (
    ExportSaved,
    ForgetMe,
    ListSaved,
    SavedUsageError,
    SearchSaved,
    SetConfirmations,
    SetSaveEmojis,
    emoji_name,
    parse_saved,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("saved", ListSaved()),
        ("  SAVED  ", ListSaved()),
        ("saved export", ExportSaved()),
        ("saved export controls", SearchSaved("export controls")),
        ("saved search export", SearchSaved("export")),
        ("saved lithografy", SearchSaved("lithografy")),
        ("forget me", ForgetMe()),
        ("Forget ME", ForgetMe()),
        ("settings save-emojis", SetSaveEmojis()),
        ("settings save-emojis :bookmark:, pushpin  star", SetSaveEmojis(("bookmark", "pushpin", "star"))),
        ("settings emojis bookmark bookmark", SetSaveEmojis(("bookmark",))),
        ("settings confirmations off", SetConfirmations(False)),
        ("settings confirmations on", SetConfirmations(True)),
    ],
)
def test_saved_commands_are_read(typed: str, expected: object) -> None:
    assert parse_saved(typed) == expected
    assert parse_command(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["forget", "forget everyone", "settings save-emojis +1", "settings save-emojis <b>", "settings confirmations maybe",
     "settings save-emojis a b c d e f g h i j k"],
)
def test_unreadable_saved_commands_explain_themselves(typed: str) -> None:
    assert isinstance(parse_saved(typed), SavedUsageError)


@pytest.mark.parametrize("typed", ["save the whales", "settings restrict on", "topics", "savings rates"])
def test_other_text_is_not_a_saved_command(typed: str) -> None:
    assert parse_saved(typed) is None


def test_a_search_for_saved_is_still_possible() -> None:
    assert parse_command("search saved") == Search("saved")


@pytest.mark.parametrize(
    ("reaction", "name"), [("bookmark", "bookmark"), (":+1:", "+1"), ("+1::skin-tone-3", "+1"), ("Star", "star")]
)
def test_reaction_names_lose_colons_and_skin_tones(reaction: str, name: str) -> None:
    assert emoji_name(reaction) == name
