"""A language model as the second reader of candidate stories: do two claims say the same thing?

The story rule keeps most opposite claims apart, but not those that contradict each other in
words no list holds ("welcomed" / "turned away"). With an LLM configured, every pair the rule
would join is put to the model once (`Meaning.confirm`); "no" keeps the two apart. Answers are
cached by the pair's texts. A failure (HTTP error, timeout, an answer that is not the JSON
asked for) answers None, so the rule decides, and after an HTTP failure the model is left alone
for a while, so a digest never waits on a server that is down.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from ingest.llm.answers import MAX_RESPONSE_BYTES, answer_json

log = logging.getLogger("podbrief.meaning")

#: Seconds one question may take (two short claims; a small local model answers in a few).
REQUEST_TIMEOUT = 30.0
#: Seconds the model is not asked again after a request failed.
PAUSE_AFTER_FAILURE = 300.0
#: Pairs whose answer is kept.
CACHE_SIZE = 4096
#: Characters of each claim sent (insights are 1-3 sentences; this only bounds hostile text).
MAX_CLAIM_CHARS = 1200

SYSTEM_PROMPT = """You compare two short claims taken from different podcasts.
Answer with one JSON object and nothing else: {"same_story": true} or {"same_story": false}.
true: both make the same claim, in any words - the same facts, the same direction, the same numbers.
false: they contradict each other (one says the opposite, denies it, reverses a comparison or
swaps who did what), or they only share a topic and make different claims."""


class LlmStoryCheck:
    """`Confirm` for `insights.meaning.Meaning`, backed by an OpenAI-compatible chat-completions endpoint."""

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None,
        *,
        timeout: float = REQUEST_TIMEOUT,
        client: httpx.Client | None = None,
        pause_after_failure: float = PAUSE_AFTER_FAILURE,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = base_url.rstrip("/") + "/chat/completions"
        self.model = model
        self.pause_after_failure = pause_after_failure
        self.clock = clock
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout)
        self._answers: OrderedDict[tuple[str, str], bool] = OrderedDict()
        self._lock = threading.Lock()
        self._paused_until = float("-inf")

    def __call__(self, a: str, b: str) -> bool | None:
        """True: one story; False: not; None: no answer (the rules decide)."""
        key = (a, b) if a <= b else (b, a)
        with self._lock:
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
            if self.clock() < self._paused_until:
                return None
        answer = self._ask(*key)
        if answer is not None:
            with self._lock:
                self._answers[key] = answer
                while len(self._answers) > CACHE_SIZE:
                    self._answers.popitem(last=False)
        return answer

    def _ask(self, a: str, b: str) -> bool | None:
        body = request_body(self.model, a, b)
        try:
            response = self._client.post(self.url, json=body, headers=self._headers)
            content = response.content
            response.raise_for_status()
        except httpx.HTTPError as error:
            with self._lock:
                self._paused_until = self.clock() + self.pause_after_failure
            log.warning("LLM story check (%s at %s) failed: %s; the story rule decides alone for %.0f s",
                        self.model, self.url, type(error).__name__, self.pause_after_failure)  # fmt: skip
            return None
        answer = same_story_answer(content)
        if answer is None:
            log.warning("LLM story check (%s): the answer was not {\"same_story\": true|false}; the rule decides",
                        self.model)  # fmt: skip
        return answer

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()


def request_body(model: str, a: str, b: str) -> dict[str, Any]:
    """The chat-completions request asking whether `a` and `b` make the same claim."""
    question = f"Claim A: {a[:MAX_CLAIM_CHARS]}\n\nClaim B: {b[:MAX_CLAIM_CHARS]}\n\nDo A and B make the same claim?"
    return {
        "model": model,
        "messages": [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": question}],
        "response_format": {"type": "json_object"},
        "temperature": 0.0,
        "max_tokens": 20,
    }


def same_story_answer(body: bytes) -> bool | None:
    """The model's true/false from a chat-completions response body; None when it is anything else."""
    if len(body) > MAX_RESPONSE_BYTES:
        return None
    try:
        content = json.loads(body)["choices"][0]["message"]["content"]
        document = answer_json(content) if isinstance(content, str) else None
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    verdict = document.get("same_story") if isinstance(document, Mapping) else None
    return verdict if isinstance(verdict, bool) else None
