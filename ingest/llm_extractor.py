"""An optional extractor backed by any OpenAI-compatible chat-completions endpoint.

The model is asked for JSON: `{"insights": [{"quote", "insight", "topics"}]}`. Every
quote is looked up in the transcript (words normalised, rapidfuzz `partial_ratio` >=
`MIN_QUOTE_SCORE`): found quotes get the start time of their sentence, invented ones
are dropped. On any failure (HTTP error, timeout, malformed JSON, no quote found) the
built-in extractor answers instead, and the reason is logged.
"""

from __future__ import annotations

import bisect
import json
import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
from rapidfuzz import fuzz

from ingest.extractors import BuiltinExtractor, Extractor
from insights.extraction import match_vocabulary, transcript_sentences
from insights.extraction.sentences import Sentence
from insights.text import clean_display_text, words
from insights.topics import normalise_topic
from insights.transcript import Extracted, Segment

log = logging.getLogger("podbrief.extract")

#: rapidfuzz partial_ratio (0-100) from which a quote counts as found in the transcript.
MIN_QUOTE_SCORE = 90.0
#: Quotes shorter than this (in words) cannot be told apart from chance and are dropped.
MIN_QUOTE_WORDS = 5
#: A restated insight longer than this, or unlike its quote, is replaced by the quote.
MAX_INSIGHT_WORDS = 80
MIN_RESTATEMENT_SIMILARITY = 50.0
NEAR_DUPLICATE = 85.0
MAX_RESPONSE_BYTES = 2_000_000
#: Transcript characters sent at most (about 15k tokens); longer ones are cut at a sentence.
MAX_TRANSCRIPT_CHARS = 60_000
#: Publisher soundbites quoted to the model as hints, and their length cap.
MAX_HINTS = 3
MAX_HINT_CHARS = 300

SYSTEM_PROMPT = """You pick the most valuable standalone insights from a podcast transcript.
Answer with one JSON object and nothing else: {"insights": [{"quote": "...", "insight": "...", "topics": ["..."]}]}
- quote: 1 to 3 consecutive sentences copied word for word from the transcript (no changes, no ellipses).
- insight: the same idea in 1 to 3 sentences that make sense without the rest of the episode
  (no "he", "this", "that" pointing outside it), or the quote itself when it already does.
- topics: 1 to 3 short lower-case topic names.
Prefer claims, advice and explanations over greetings, sponsor reads, anecdotes and questions.
Best insight first."""


class LlmResponseError(ValueError):
    """The endpoint answered, but not with what was asked for."""


@dataclass(frozen=True, slots=True)
class _Located:
    """A quote found in the transcript: the sentence it starts in and how closely it matched."""

    sentence: int
    score: float


class LlmExtractor:
    """Insights chosen by a language model, checked against the transcript; the built-in extractor as fallback."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        *,
        timeout: float = 30.0,
        client: httpx.Client | None = None,
        max_chars: int = MAX_TRANSCRIPT_CHARS,
        fallback: Extractor | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self.max_chars = max_chars
        self.fallback: Extractor = fallback or BuiltinExtractor()
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._owns_client = client is None
        self._client = client or httpx.Client(timeout=timeout)

    def extract(
        self,
        segments: Sequence[Segment],
        *,
        limit: int = 6,
        soundbites: Sequence[tuple[float, float]] = (),
        topic_vocabulary: Collection[str] = (),
    ) -> list[Extracted]:
        """Up to `limit` insights, best first (the model's order); the built-in extractor's on failure."""
        sentences = [s for s in transcript_sentences(segments) if s.text]
        if not sentences or limit <= 0:
            return []
        try:
            items = self._ask(sentences, limit, soundbites, topic_vocabulary)
            found = validated(items, sentences, limit=limit, topic_vocabulary=topic_vocabulary)
        except (httpx.HTTPError, httpx.InvalidURL, ValueError, KeyError, TypeError, IndexError) as error:
            reason = f"{type(error).__name__}: {error}"
        else:
            if found:
                return found
            reason = f"none of the {len(items)} quotes returned is in the transcript"
        log.warning("LLM extractor (%s at %s) failed: %s; using the built-in extractor", self.model, self.url, reason)
        return self.fallback.extract(segments, limit=limit, soundbites=soundbites, topic_vocabulary=topic_vocabulary)

    def _ask(
        self,
        sentences: Sequence[Sentence],
        limit: int,
        soundbites: Sequence[tuple[float, float]],
        topic_vocabulary: Collection[str],
    ) -> list[Any]:
        """The insight items the model returns (raises on HTTP errors and malformed answers)."""
        body = request_body(self.model, sentences, limit, soundbites, topic_vocabulary, self.max_chars)
        response = self._client.post(self.url, json=body, headers=self._headers, timeout=self.timeout)
        response.raise_for_status()
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise LlmResponseError(f"the answer is {len(response.content):,} bytes long")
        content = response.json()["choices"][0]["message"]["content"]
        if not isinstance(content, str):
            raise LlmResponseError("the answer has no text content")
        return _items(json.loads(_without_fences(content)))

    def close(self) -> None:
        """Close the HTTP client, if this extractor made it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> LlmExtractor:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


def request_body(
    model: str,
    sentences: Sequence[Sentence],
    limit: int,
    soundbites: Sequence[tuple[float, float]] = (),
    topic_vocabulary: Collection[str] = (),
    max_chars: int = MAX_TRANSCRIPT_CHARS,
) -> dict[str, Any]:
    """The chat-completions request: instructions, the (capped) transcript, and hints."""
    parts = [f"Pick up to {limit} insights.", "Transcript:", transcript_text(sentences, max_chars)]
    hints = _soundbite_hints(sentences, soundbites)
    if hints:
        parts += ["The publisher highlighted these passages:", *hints]
    if topic_vocabulary:
        parts.append("Use these topics where they fit: " + ", ".join(sorted(topic_vocabulary)[:200]))
    return {
        "model": model,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": "\n\n".join(parts)}],
        "response_format": {"type": "json_object"},
        "temperature": 0.2,
    }


def transcript_text(sentences: Sequence[Sentence], max_chars: int = MAX_TRANSCRIPT_CHARS) -> str:
    """The transcript as "Speaker: sentences" paragraphs, cut at a sentence before `max_chars`."""
    lines: list[str] = []
    size = 0
    turn = None
    for sentence in sentences:
        piece = sentence.text if sentence.turn == turn else f"\n{sentence.speaker or 'Speaker'}: {sentence.text}"
        if size + len(piece) + 1 > max_chars:
            lines.append(" [transcript cut here]")
            break
        lines.append(piece if sentence.turn != turn else " " + piece)
        size += len(piece) + 1
        turn = sentence.turn
    return "".join(lines).strip()


def _soundbite_hints(sentences: Sequence[Sentence], soundbites: Sequence[tuple[float, float]]) -> list[str]:
    """The text of the first soundbites, from the sentences that start inside them."""
    hints: list[str] = []
    for start, duration in soundbites[:MAX_HINTS]:
        said = [s.text for s in sentences if s.start is not None and start <= s.start < start + duration]
        if said:
            hints.append("- " + " ".join(said)[:MAX_HINT_CHARS])
    return hints


def _without_fences(content: str) -> str:
    """The JSON inside a ```json … ``` block, for models that add one anyway."""
    stripped = content.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        stripped = stripped.rsplit("```", 1)[0]
    return stripped


def _items(document: object) -> list[Any]:
    """The list of insights in the model's JSON: under "insights", the first list value, or the list itself."""
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        listed = document.get("insights")
        if isinstance(listed, list):
            return listed
        for value in document.values():
            if isinstance(value, list):
                return value
    raise LlmResponseError("the JSON holds no list of insights")


def validated(
    items: Sequence[object], sentences: Sequence[Sentence], *, limit: int, topic_vocabulary: Collection[str] = ()
) -> list[Extracted]:
    """The items whose quote is in the transcript, as insights timed at the quote's sentence."""
    index = _QuoteIndex(sentences)
    found: list[Extracted] = []
    used: set[int] = set()
    for item in items:
        if len(found) == limit or not isinstance(item, Mapping):
            continue
        quote = item.get("quote")
        located = index.locate(quote) if isinstance(quote, str) else None
        if located is None or located.sentence in used:
            continue
        text = _insight_text(item.get("insight"), str(quote))
        if any(fuzz.token_set_ratio(text, other.text) >= NEAR_DUPLICATE for other in found):
            continue
        used.add(located.sentence)
        score = round(1.0 - 0.5 * len(found) / max(1, limit), 4)
        topics = _topics(item.get("topics"), text, topic_vocabulary)
        found.append(Extracted(text, sentences[located.sentence].start, score, topics))
    return found


class _QuoteIndex:
    """The transcript's words normalised into one string, to find quotes in."""

    def __init__(self, sentences: Sequence[Sentence]) -> None:
        self.offsets: list[int] = []
        parts: list[str] = []
        position = 0
        for sentence in sentences:
            normalised = " ".join(words(sentence.text))
            self.offsets.append(position)
            parts.append(normalised)
            position += len(normalised) + 1
        self.text = " ".join(parts)

    def locate(self, quote: str) -> _Located | None:
        """Where a quote starts (exact words, else rapidfuzz partial_ratio >= `MIN_QUOTE_SCORE`)."""
        wanted = " ".join(words(quote))
        if len(wanted.split()) < MIN_QUOTE_WORDS:
            return None
        position = self.text.find(wanted)
        score = 100.0
        if position < 0:
            alignment = fuzz.partial_ratio_alignment(wanted, self.text, score_cutoff=MIN_QUOTE_SCORE)
            if alignment is None:
                return None
            position, score = alignment.dest_start, alignment.score
        return _Located(max(0, bisect.bisect_right(self.offsets, position) - 1), score)


def _insight_text(insight: object, quote: str) -> str:
    """The model's restatement when it is short and close to its quote, else the quote."""
    quote = clean_display_text(quote)
    if not isinstance(insight, str):
        return quote
    restated = clean_display_text(insight)
    if not restated or len(restated.split()) > MAX_INSIGHT_WORDS:
        return quote
    similar = fuzz.token_set_ratio(" ".join(words(restated)), " ".join(words(quote)))
    return restated if similar >= MIN_RESTATEMENT_SIMILARITY else quote


def _topics(raw: object, text: str, vocabulary: Collection[str]) -> tuple[str, ...]:
    """The model's topics, normalised (mapped onto the vocabulary when one is given), at most three."""
    given = [normalise_topic(t) for t in raw if isinstance(t, str)] if isinstance(raw, list) else []
    given = [t for t in dict.fromkeys(given) if t and len(t) <= 60]
    if vocabulary:
        return match_vocabulary([*given, text], vocabulary)
    return tuple(given[:3])
