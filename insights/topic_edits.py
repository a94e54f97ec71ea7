"""Editing a digest's topic list: adding without duplicates or overflow, removing typo-tolerantly.

Pure functions over tuples of topics, used by the settings commands.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from insights.targets import MAX_TOPICS
from insights.topics import closest_topic, normalise_topic

SUGGESTION_CUTOFF = 60.0


@dataclass(frozen=True, slots=True)
class TopicsAdded:
    topics: tuple[str, ...]  # the new list
    added: tuple[str, ...] = ()
    already: tuple[str, ...] = ()  # duplicates, ignored
    over_cap: tuple[str, ...] = ()  # not added: the list was full


@dataclass(frozen=True, slots=True)
class UnknownTopic:
    typed: str
    suggestions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TopicsRemoved:
    topics: tuple[str, ...]  # the new list
    removed: tuple[str, ...] = ()
    unknown: tuple[UnknownTopic, ...] = ()


def add_topics(current: tuple[str, ...], new: tuple[str, ...], cap: int = MAX_TOPICS) -> TopicsAdded:
    """`current` plus the topics of `new` it lacks, up to `cap` topics in all."""
    topics = list(current)
    known = {normalise_topic(t) for t in current}
    added: list[str] = []
    already: list[str] = []
    over_cap: list[str] = []
    for topic in new:
        if normalise_topic(topic) in known:
            already.append(topic)
        elif len(topics) >= cap:
            over_cap.append(topic)
        else:
            topics.append(topic)
            added.append(topic)
            known.add(normalise_topic(topic))
    return TopicsAdded(tuple(topics), tuple(added), tuple(already), tuple(over_cap))


def remove_topics(current: tuple[str, ...], typed: tuple[str, ...]) -> TopicsRemoved:
    """`current` without the topics `typed` names: exactly, as a plural, or with a small typo."""
    topics = list(current)
    removed: list[str] = []
    unknown: list[UnknownTopic] = []
    for word in typed:
        match = closest_topic(word, topics)
        if match is None:
            unknown.append(UnknownTopic(word, suggestions(word, tuple(topics))))
        else:
            topics.remove(match)
            removed.append(match)
    return TopicsRemoved(tuple(topics), tuple(removed), tuple(unknown))


def suggestions(typed: str, current: tuple[str, ...], limit: int = 3) -> tuple[str, ...]:
    """Topics of `current` that look like `typed` (for "did you mean")."""
    hits = process.extract(normalise_topic(typed), list(current), scorer=fuzz.WRatio,
                           processor=normalise_topic, score_cutoff=SUGGESTION_CUTOFF, limit=limit)
    return tuple(topic for topic, _, _ in hits)
