"""An optional extractor backed by any OpenAI-compatible chat-completions endpoint.

The whole transcript is read, in chunks (`ingest.llm.chunks`: sentence boundaries,
small overlaps, a time and speaker on each turn), one request per chunk, a few at a
time (`concurrency`), at most `max_requests` per episode and within a per-episode
deadline. For each chunk the model writes up to a few insights, each a standalone
statement with the verbatim quote it rests on and a 1-10 rating. Every quote is looked
up in its chunk (`ingest.llm.quotes`): invented ones are dropped, found ones give the
insight its time. Every statement is checked (`ingest.llm.writing`). The final choice
across chunks is a deterministic rank (`ingest.llm.selection`).

On any failure (an HTTP error or timeout on any chunk, a malformed or truncated answer,
the deadline, or no quote found at all) the built-in extractor answers for the whole
episode instead, and the reason is logged.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from types import TracebackType
from typing import Any

import httpx

from ingest.extractors import BuiltinExtractor, Extractor, current_episode
from ingest.llm.answers import MAX_RESPONSE_BYTES, LlmResponseError, answer_items
from ingest.llm.chunks import CHUNK_CHARS, MAX_CHUNKS, Chunk, chunk_transcript
from ingest.llm.prompt import request_body
from ingest.llm.quotes import QuoteIndex
from ingest.llm.selection import Checked, chunk_candidates, select
from insights.extraction import transcript_sentences
from insights.extraction.sentences import Sentence
from insights.transcript import Extracted, Segment

log = logging.getLogger("podbrief.extract")

#: Seconds one request may take (a 7B model on a CPU needs a minute or two per chunk).
REQUEST_TIMEOUT = 120.0
#: Seconds all of an episode's requests may take together.
EPISODE_DEADLINE = 900.0
#: Requests in flight at once (local servers answer one or a few at a time).
CONCURRENCY = 2

_FAILURES = (httpx.HTTPError, httpx.InvalidURL, ValueError, KeyError, TypeError, IndexError, AttributeError)


class DeadlineExceeded(Exception):
    """The episode's deadline passed before every chunk was answered."""


class LlmExtractor:
    """Insights written by a language model, checked against the transcript; the built-in extractor as fallback."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        *,
        timeout: float = REQUEST_TIMEOUT,
        client: httpx.Client | None = None,
        chunk_chars: int = CHUNK_CHARS,
        max_requests: int = MAX_CHUNKS,
        concurrency: int = CONCURRENCY,
        episode_deadline: float = EPISODE_DEADLINE,
        clock: Callable[[], float] = time.monotonic,
        fallback: Extractor | None = None,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.timeout = timeout
        self.chunk_chars = chunk_chars
        self.max_requests = max(1, max_requests)
        self.concurrency = max(1, concurrency)
        self.episode_deadline = episode_deadline
        self.clock = clock
        self.fallback: Extractor = fallback or BuiltinExtractor()
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        # Shared by every episode this extractor works on at once (a scan runs several feeds
        # in parallel): at most `concurrency` requests are in flight in all.
        self._slots = threading.BoundedSemaphore(self.concurrency)
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
        """Up to `limit` insights, best first; the built-in extractor's on any failure."""
        sentences = [s for s in transcript_sentences(segments) if s.text]
        if not sentences or limit <= 0:
            return []
        chunks = chunk_transcript(sentences, self.chunk_chars, max_chunks=self.max_requests)
        try:
            checked = self._checked(sentences, chunks, limit, soundbites, topic_vocabulary)
        except _ChunkFailed as failure:
            reason = str(failure)
        else:
            found = select(checked.candidates, limit)
            if found:
                log.info("LLM extractor (%s): %d insights from %d chunks", self.model, len(found), len(chunks))
                return found
            reason = checked.why_none(len(chunks))
        episode = current_episode.get()
        log.warning("LLM extractor (%s at %s) failed%s: %s; using the built-in extractor",
                    self.model, self.url, f" for {episode}" if episode else "", reason)  # fmt: skip
        return self.fallback.extract(segments, limit=limit, soundbites=soundbites, topic_vocabulary=topic_vocabulary)

    def _checked(
        self,
        sentences: Sequence[Sentence],
        chunks: Sequence[Chunk],
        limit: int,
        soundbites: Sequence[tuple[float, float]],
        topic_vocabulary: Collection[str],
    ) -> Checked:
        """Every chunk's answer, checked (raises `_ChunkFailed` when a chunk's request fails)."""
        index = QuoteIndex(sentences)
        wanted = per_chunk(limit, len(chunks))
        deadline = self.clock() + self.episode_deadline
        stop = threading.Event()

        def ask(chunk: Chunk) -> Checked:
            if stop.is_set():
                return Checked()
            body = request_body(self.model, chunk, sentences, wanted, soundbites, topic_vocabulary)
            items = self._post(body, deadline, chunk, len(chunks))
            return chunk_candidates(items, chunk, index, topic_vocabulary)

        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(chunks)), thread_name_prefix="llm") as pool:
            futures: dict[Future[Checked], Chunk] = {pool.submit(ask, c): c for c in chunks}
            done, _ = wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in futures if f in done and f.exception() is not None), None)
            if failed is not None:
                stop.set()
                for future in futures:
                    future.cancel()
                error = failed.exception()
                assert error is not None  # `failed` was chosen for having one
                where = futures[failed].describe(len(chunks))
                if not isinstance(error, (*_FAILURES, DeadlineExceeded)):
                    log.error("LLM extractor: unexpected error on %s", where, exc_info=error)
                raise _ChunkFailed(f"{where}: {_described(error)}") from error
        checked = Checked()
        for future in futures:
            checked.add(future.result())
        return checked

    def _post(self, body: dict[str, Any], deadline: float, chunk: Chunk, total: int) -> list[Any]:
        """One chunk's answer items, within what is left of the episode's deadline."""
        where, limit = chunk.describe(total), f"the {self.episode_deadline:g} s episode deadline passed"
        if deadline - self.clock() <= 0 or not self._slots.acquire(timeout=max(0.0, deadline - self.clock())):
            raise DeadlineExceeded(f"{limit} before {where} was sent")
        try:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise DeadlineExceeded(f"{limit} before {where} was sent")
            timeout = min(self.timeout, remaining)
            with self._client.stream("POST", self.url, json=body, headers=self._headers, timeout=timeout) as response:
                content = self._read(response, deadline)
        except DeadlineExceeded as late:
            raise DeadlineExceeded(str(late) or f"{limit} while {where} was read") from None
        finally:
            self._slots.release()
        return answer_items(response, content)

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        """The answer's bytes, refused past `MAX_RESPONSE_BYTES` or the deadline (a server trickling bytes)."""
        content = bytearray()
        for piece in response.iter_bytes():
            content += piece
            if len(content) > MAX_RESPONSE_BYTES:
                raise LlmResponseError(f"the answer is longer than {MAX_RESPONSE_BYTES:,} bytes")
            if self.clock() > deadline:
                raise DeadlineExceeded()
        return bytes(content)

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


def per_chunk(limit: int, chunks: int) -> int:
    """Insights asked of each chunk: all of them from one chunk, else about twice `limit` spread over the chunks."""
    if chunks <= 1:
        return limit
    return max(2, min(limit, math.ceil(2 * limit / chunks)))


def _described(error: BaseException) -> str:
    """One log-friendly line: the error's type and first line (status and reason for HTTP errors)."""
    if isinstance(error, httpx.HTTPStatusError):
        detail = f"HTTP {error.response.status_code} {error.response.reason_phrase}".strip()
    else:
        detail = (str(error).splitlines() or [""])[0]
    return f"{type(error).__name__}: {detail}"


class _ChunkFailed(Exception):
    """A chunk's request failed; the message says which chunk and why."""


__all__ = ["DeadlineExceeded", "LlmExtractor", "LlmResponseError", "per_chunk"]
