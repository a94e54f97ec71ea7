"""Reactions on digest items -> a channel's preferences for `select_digest`.

Each reaction is a vote for the insight's podcast and its topics. Votes fade with a
half-life, one person's votes on a podcast or topic are capped (one enthusiast cannot
steer a channel alone), and the total saturates smoothly into [-1, 1], so a single
reaction nudges and a steady pattern of them decides.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from insights.topics import normalise_topic

UP = "up"
DOWN = "down"
SAVE = "save"
KINDS = (UP, DOWN, SAVE)


@dataclass(frozen=True, slots=True)
class FeedbackRules:
    """How much each reaction counts and how fast it fades."""

    half_life_days: float = 14.0
    #: A save is a strong positive: it counts twice as much as a thumbs-up.
    weights: Mapping[str, float] = field(default_factory=lambda: {UP: 1.0, DOWN: -1.0, SAVE: 2.0})
    #: One person's (decayed) votes on one podcast or topic count at most this much.
    per_person_cap: float = 2.0
    #: The total vote at which a preference reaches tanh(1) ≈ 0.76; beyond, it approaches 1.
    saturation: float = 4.0
    #: Preferences smaller than this are left out (they would not change anything).
    floor: float = 0.02


@dataclass(frozen=True, slots=True)
class FeedbackEvent:
    """One reaction: who, what kind, when, and the reacted insight's podcast and topics."""

    user_id: str
    kind: str
    at: datetime
    podcast: str | None = None
    topics: tuple[str, ...] = ()


def decay(age_days: float, half_life_days: float) -> float:
    """1 for a reaction made now, halving every `half_life_days` (future dates count as now)."""
    return math.pow(0.5, max(age_days, 0.0) / half_life_days)


def preferences(
    events: Iterable[FeedbackEvent], now: datetime, rules: FeedbackRules | None = None
) -> dict[str, float]:
    """{"topic:<name>": w, "podcast:<name>": w} with each w in [-1, 1], for `select_digest`."""
    rules = rules or FeedbackRules()
    votes: dict[str, dict[str, float]] = {}  # key -> user -> decayed sum
    for event in events:
        weight = rules.weights.get(event.kind, 0.0)
        if not weight:
            continue
        age_days = (_utc(now) - _utc(event.at)).total_seconds() / 86400
        vote = weight * decay(age_days, rules.half_life_days)
        for key in _keys(event):
            per_user = votes.setdefault(key, {})
            per_user[event.user_id] = per_user.get(event.user_id, 0.0) + vote
    result: dict[str, float] = {}
    for key, per_user in votes.items():
        total = sum(max(-rules.per_person_cap, min(rules.per_person_cap, v)) for v in per_user.values())
        value = math.tanh(total / rules.saturation)
        if abs(value) >= rules.floor:
            result[key] = round(value, 4)
    return result


def _keys(event: FeedbackEvent) -> set[str]:
    """The preference keys one reaction votes for (each topic once, whatever its spelling)."""
    keys = {f"topic:{name}" for t in event.topics if (name := normalise_topic(t))}
    if event.podcast and event.podcast.strip():
        keys.add(f"podcast:{event.podcast.strip()}")
    return keys


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
