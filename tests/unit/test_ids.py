"""Ids are read strictly: ASCII digits of a bounded length, nothing else."""

from __future__ import annotations

import pytest

from bot.shared.ids import parse_id


@pytest.mark.parametrize(("typed", "expected"), [("12", 12), ("007", 7), ("9" * 18, int("9" * 18))])
def test_an_id_of_ascii_digits_is_read(typed: str, expected: int) -> None:
    assert parse_id(typed) == expected


@pytest.mark.parametrize("typed", ["²", "1²", "١٢", "１２", "9" * 19, "9" * 23, "0", "", "-1", "+1", " 1", "1\n", "1_000"])
def test_anything_else_is_not_an_id(typed: str) -> None:
    assert parse_id(typed) is None
