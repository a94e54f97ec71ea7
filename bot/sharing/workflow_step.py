"""The Workflow Builder custom step "Top podcast insights": topics and a count in, formatted insights out.

Inputs (manifest `functions.top_podcast_insights`): ``topics``, comma-separated, and ``count``,
1 to 10 (5 when left empty). The output ``insights`` is mrkdwn text a later step can post (a
Monday kickoff message): each insight escaped, with its podcast and a link to the moment.
Bad inputs fail the step with a plain sentence saying what to change.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.shared import outgoing
from bot.shared.blocks import timestamp
from bot.shared.mrkdwn import clip, escape, link, name
from insights.model import Insight
from insights.settings_values import ValueProblem, split_topics
from storage.search_index import SearchResult

CALLBACK_ID = "top_podcast_insights"
DEFAULT_COUNT, MAX_COUNT = 5, 10
OUTPUT_CHARS = 4000
INSIGHT_CHARS = 400


@dataclass(frozen=True, slots=True)
class StepInputs:
    topics: tuple[str, ...]
    count: int


class StepInputError(ValueError):
    """An input the step cannot use; the message is plain text for the workflow's log."""


def read_inputs(inputs: Mapping[str, Any]) -> StepInputs:
    """The step's inputs, checked: at least one topic, and a count from 1 to 10."""
    count = _count(inputs.get("count"))
    try:
        topics = split_topics(str(inputs.get("topics") or ""))
    except ValueProblem as problem:
        raise StepInputError(str(problem).replace("`", "")) from None
    if not topics:
        raise StepInputError("topics is empty: give one or more topics separated by commas, e.g. ai policy, semiconductors.")
    return StepInputs(topics, count)


def _count(raw: Any) -> int:
    if raw is None or raw == "":
        return DEFAULT_COUNT
    text = str(raw).strip()
    whole = (isinstance(raw, int) and not isinstance(raw, bool)) or (text.isascii() and text.isdigit())
    if not whole or not 1 <= int(text) <= MAX_COUNT:
        raise StepInputError(f"count must be a whole number from 1 to {MAX_COUNT}, not {clip(text, 20)}.")
    return int(text)


def top_insights(step: StepInputs, search: Callable[[str, int], SearchResult]) -> list[Insight]:
    """The best insights across the topics: each topic's best in turn, without repeats, `count` in all."""
    per_topic = [[m.insight for m in search(topic, step.count).matches] for topic in step.topics]
    chosen: dict[int, Insight] = {}
    for rank in range(step.count):
        for found in per_topic:
            if rank < len(found) and len(chosen) < step.count:
                chosen.setdefault(found[rank].id, found[rank])
    return list(chosen.values())


def _line(insight: Insight) -> str:
    source = [f"*{name(clip(insight.podcast, 150))}*"] if insight.podcast else []
    if insight.episode:
        source.append(name(clip(insight.episode, 150)))
    if insight.moment_url and insight.start_seconds is not None:
        source.append(link(insight.moment_url, f"▶ {timestamp(insight.start_seconds)}"))
    return f"• {escape(clip(insight.text, INSIGHT_CHARS))}" + (f" — {', '.join(source)}" if source else "")


def insights_text(step: StepInputs, insights: list[Insight]) -> str:
    """The step's output: one line per insight, mrkdwn-safe (escaped, no broadcast mentions)."""
    topics = ", ".join(name(t) for t in step.topics)
    if not insights:
        return f"No podcast insights about {topics} yet."
    lines = [f"Top podcast insights on {topics}:", *(_line(i) for i in insights)]
    return outgoing.fit_mrkdwn("\n".join(lines), OUTPUT_CHARS)
