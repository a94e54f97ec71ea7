"""MATCH_BY_MEANING: on unless turned off, and a clear error for a value that is neither."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def test_matching_by_meaning_is_on_unless_turned_off(tmp_path: Path) -> None:
    base = {"PODBRIEF_DATA_DIR": str(tmp_path)}
    assert load_settings(base).match_by_meaning is True
    assert load_settings({**base, "MATCH_BY_MEANING": "false"}).match_by_meaning is False


def test_a_match_by_meaning_value_that_is_not_a_flag_is_refused_by_name(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="MATCH_BY_MEANING"):
        load_settings({"PODBRIEF_DATA_DIR": str(tmp_path), "MATCH_BY_MEANING": "maybe"})
