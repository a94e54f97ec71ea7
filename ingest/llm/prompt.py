"""The chat-completions request for one chunk: instructions, the chunk, and hints."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from ingest.llm.chunks import Chunk
from insights.extraction.sentences import Sentence

#: Publisher soundbites quoted to the model as hints, and their length cap.
MAX_HINTS = 3
MAX_HINT_CHARS = 300
#: Answer tokens allowed per insight asked for (quote, statement, topics, JSON).
TOKENS_PER_INSIGHT = 250

SYSTEM_PROMPT = """You write the most valuable insights of a podcast passage for busy readers.
Answer with one JSON object and nothing else:
{"insights": [{"quote": "...", "insight": "...", "topics": ["..."], "rating": 7}]}
- quote: 1 to 3 consecutive sentences copied word for word from the passage (no changes, no
  ellipses, without the [time] and speaker name in front of a turn).
- insight: the claim, lesson or fact of the quote, written as 1 to 3 complete sentences in the
  third person that make sense to someone who never heard the episode: resolve "he", "she",
  "they", "this" and "it" to what they mean, name people by name, leave out "I think", "you
  know" and the like, and add nothing the passage does not say (no links, no new numbers).
  Example: "Despite intense technological competition, both the U.S. and China face a common
  threat from non-state actors acquiring powerful AI models. This shared vulnerability presents
  a potential opportunity for cooperation on AI regulation, even amid broader strategic rivalry."
- topics: 1 to 3 short lower-case topic names.
- rating: 1 to 10, how worth reading the insight is on its own.
Skip greetings, introductions, questions, segues, sponsor reads, plugs and banter. Fewer is
better than weak: an empty list is a fine answer for a passage with nothing worth keeping.
Best insight first."""


def request_body(
    model: str,
    chunk: Chunk,
    sentences: Sequence[Sentence],
    wanted: int,
    soundbites: Sequence[tuple[float, float]] = (),
    topic_vocabulary: Collection[str] = (),
) -> dict[str, Any]:
    """The request for one chunk: up to `wanted` insights from its text."""
    parts = [f"Pick up to {wanted} insights.", "Passage:", chunk.text]
    hints = soundbite_hints(sentences[chunk.first : chunk.last + 1], soundbites)
    if hints:
        parts += ["The publisher highlighted these passages:", *hints]
    if topic_vocabulary:
        parts.append("Use these topics where they fit: " + ", ".join(sorted(topic_vocabulary)[:200]))
    return {
        "model": model,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "\n\n".join(parts)}],
        "response_format": {"type": "json_object"},
        "temperature": 0.2,
        "max_tokens": TOKENS_PER_INSIGHT * wanted + 100,
    }


def soundbite_hints(sentences: Sequence[Sentence], soundbites: Sequence[tuple[float, float]]) -> list[str]:
    """The text of the first soundbites that fall in these sentences."""
    hints: list[str] = []
    for start, duration in soundbites:
        said = [s.text for s in sentences if s.start is not None and start <= s.start < start + duration]
        if said:
            hints.append("- " + " ".join(said)[:MAX_HINT_CHARS])
        if len(hints) == MAX_HINTS:
            break
    return hints
