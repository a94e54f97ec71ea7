"""From the model's answers, chunk by chunk, to the episode's insights.

Each chunk's items are checked (quote found in that chunk, statement passes
`writing.insight_text`) and become candidates. The final choice across chunks is a
deterministic rank, not another request: by the model's own rating (1-10), then its
order within the chunk; a candidate that repeats one already chosen (the same
sentences, seen twice where chunks overlap, or the same claim by
`insights.near_duplicates`) is skipped, and no chunk fills more than half the picks
while others have candidates left.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from ingest.llm.chunks import Chunk
from ingest.llm.quotes import Located, QuoteIndex
from ingest.llm.writing import insight_text
from insights.extraction import match_vocabulary
from insights.near_duplicates import are_near_duplicates
from insights.topics import normalise_topic
from insights.transcript import Extracted

DEFAULT_RATING = 5.0


@dataclass(frozen=True, slots=True)
class Candidate:
    """A checked insight from one chunk's answer."""

    text: str
    quote: str | None
    located: Located
    rating: float
    chunk: int
    rank: int
    topics: tuple[str, ...]


@dataclass
class Checked:
    """What became of the items of one or more answers."""

    candidates: list[Candidate] = field(default_factory=list)
    returned: int = 0
    not_found: int = 0
    badly_written: int = 0

    def add(self, other: Checked) -> None:
        self.candidates += other.candidates
        self.returned += other.returned
        self.not_found += other.not_found
        self.badly_written += other.badly_written

    def why_none(self, chunks: int) -> str:
        """Why no candidate is left, for the log line."""
        return (
            f"none of the {self.returned} insights returned for {chunks} chunk{'s' if chunks != 1 else ''} passed: "
            f"{self.not_found} quotes not in the transcript, {self.badly_written} failed the text checks"
        )


def chunk_candidates(
    items: Sequence[object], chunk: Chunk, index: QuoteIndex, topic_vocabulary: Collection[str] = ()
) -> Checked:
    """The items of one chunk's answer whose quote is in that chunk and whose text passes the checks."""
    checked = Checked(returned=len(items))
    for rank, item in enumerate(items):
        quote = item.get("quote") if isinstance(item, Mapping) else None
        located = index.locate(quote, chunk.first, chunk.last) if isinstance(quote, str) else None
        if located is None:
            checked.not_found += 1
            continue
        assert isinstance(item, Mapping)
        written = insight_text(item.get("insight"), located.text, chunk.text)
        if written is None:
            checked.badly_written += 1
            continue
        text, kept_quote = written
        topics = _topics(item.get("topics"), text, topic_vocabulary)
        rating = _rating(item.get("rating"))
        checked.candidates.append(Candidate(text, kept_quote, located, rating, chunk.number, rank, topics))
    return checked


def select(candidates: Sequence[Candidate], limit: int) -> list[Extracted]:
    """Up to `limit` insights across chunks, best first (see the module docstring)."""
    ranked = sorted(candidates, key=lambda c: (-c.rating, c.rank, c.chunk))
    chunks_with_candidates = len({c.chunk for c in candidates})
    cap = limit if chunks_with_candidates <= 1 else max(1, math.ceil(limit / 2))
    chosen: list[Candidate] = []
    for capped in (True, False):
        per_chunk = Counter(c.chunk for c in chosen)
        for candidate in ranked:
            if len(chosen) == limit:
                break
            if candidate in chosen or (capped and per_chunk[candidate.chunk] >= cap):
                continue
            if any(_repeats(candidate, other) for other in chosen):
                continue
            chosen.append(candidate)
            per_chunk[candidate.chunk] += 1
    chosen.sort(key=lambda c: (-c.rating, c.rank, c.chunk))
    return [
        Extracted(c.text, c.located.seconds, round(max(0.05, c.rating / 10 - 0.01 * n), 4), c.topics, c.quote)
        for n, c in enumerate(chosen)
    ]


def _repeats(candidate: Candidate, other: Candidate) -> bool:
    """The same sentences (where chunks overlap) or the same claim in other words."""
    a, b = candidate.located, other.located
    if a.first <= b.last and b.first <= a.last:
        return True
    return are_near_duplicates(candidate.text, other.text)


def _rating(raw: object) -> float:
    """The model's 1-10 rating, clamped; `DEFAULT_RATING` when it gave none."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float)) or math.isnan(raw):
        return DEFAULT_RATING
    return float(min(10.0, max(1.0, raw)))


def _topics(raw: object, text: str, vocabulary: Collection[str]) -> tuple[str, ...]:
    """The model's topics, normalised (mapped onto the vocabulary when one is given), at most three."""
    given = [normalise_topic(t) for t in raw if isinstance(t, str)] if isinstance(raw, list) else []
    given = [t for t in dict.fromkeys(given) if t and len(t) <= 60]
    if vocabulary:
        return match_vocabulary([*given, text], vocabulary)
    return tuple(given[:3])
