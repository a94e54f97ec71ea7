"""From a channel's reactions to digest preferences: decay, per-person caps, saturation."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from insights.feedback import DOWN, SAVE, UP, FeedbackEvent, FeedbackRules, decay, preferences

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def event(kind: str, user: str = "U1", days_ago: float = 0.0, podcast: str | None = "Chip Lines",
          topics: tuple[str, ...] = ()) -> FeedbackEvent:
    return FeedbackEvent(user, kind, NOW - timedelta(days=days_ago), podcast, topics)


@pytest.mark.parametrize(
    ("age_days", "expected"),
    [(0, 1.0), (14, 0.5), (28, 0.25), (-3, 1.0)],  # a reaction dated in the future counts as now
)
def test_reactions_fade_with_a_fourteen_day_half_life(age_days: float, expected: float) -> None:
    assert decay(age_days, 14.0) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("events", "key", "expected"),
    [
        # one thumbs-up nudges, it does not decide
        ([event(UP)], "podcast:Chip Lines", math.tanh(1 / 4)),
        ([event(DOWN)], "podcast:Chip Lines", -math.tanh(1 / 4)),
        # a save is a strong positive: twice a thumbs-up
        ([event(SAVE)], "podcast:Chip Lines", math.tanh(2 / 4)),
        # an old reaction counts half after one half-life
        ([event(UP, days_ago=14)], "podcast:Chip Lines", math.tanh(0.5 / 4)),
        # one person cannot dominate: their votes on one podcast are capped at 2
        ([event(SAVE, days_ago=d / 10) for d in range(20)], "podcast:Chip Lines", math.tanh(2 / 4)),
        # many people agreeing saturate towards 1, never past it
        ([event(SAVE, user=f"U{n}") for n in range(40)], "podcast:Chip Lines", math.tanh(80 / 4)),
        # up and down from different people cancel out (and are left out)
        ([event(UP, "U1"), event(DOWN, "U2")], "podcast:Chip Lines", None),
    ],
)
def test_preferences_from_reactions(events: list[FeedbackEvent], key: str, expected: float | None) -> None:
    result = preferences(events, NOW)
    if expected is None:
        assert key not in result
    else:
        assert result[key] == pytest.approx(expected, abs=1e-4)
        assert -1.0 <= result[key] <= 1.0


def test_each_topic_of_the_insight_gets_the_vote_once_whatever_its_spelling() -> None:
    result = preferences([event(UP, topics=("AI Policy", "ai-policy", "Chips"), podcast=None)], NOW)
    assert set(result) == {"topic:ai policy", "topic:chips"}


def test_a_lone_reaction_long_ago_fades_below_the_floor() -> None:
    assert preferences([event(UP, days_ago=200)], NOW) == {}


def test_unknown_kinds_and_missing_podcasts_are_ignored() -> None:
    assert preferences([event("meh"), event(UP, podcast=None), event(UP, podcast="  ")], NOW) == {}


def test_rules_can_change_the_weights() -> None:
    rules = FeedbackRules(weights={UP: 2.0, DOWN: -1.0, SAVE: 2.0}, saturation=2.0)
    assert preferences([event(UP)], NOW, rules)["podcast:Chip Lines"] == pytest.approx(math.tanh(1.0), abs=1e-4)
