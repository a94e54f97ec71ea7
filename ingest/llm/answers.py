"""Reading a chat-completions answer: the list of candidate insights in the model's JSON."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

MAX_RESPONSE_BYTES = 2_000_000


class LlmResponseError(ValueError):
    """The endpoint answered, but not with what was asked for."""


def answer_items(response: httpx.Response, body: bytes) -> list[Any]:
    """The insight items of a chat-completions response and its `body` (raises on HTTP errors and bad answers)."""
    response.raise_for_status()
    choice = json.loads(body)["choices"][0]
    content = choice["message"]["content"]
    if not isinstance(content, str):
        raise LlmResponseError("the answer has no text content")
    try:
        document = answer_json(content)
    except json.JSONDecodeError as error:
        if choice.get("finish_reason") == "length":
            raise LlmResponseError("the answer was cut off at the token limit (truncated JSON)") from error
        raise
    return _items(document)


def answer_json(content: str) -> Any:
    """The JSON of a model's message text, without a leading <think> block or ```json fences."""
    return json.loads(_without_fences(_without_thinking(content)))


def _without_thinking(content: str) -> str:
    """The answer after a reasoning model's leading <think>…</think> block, if any."""
    stripped = content.lstrip()
    if stripped.startswith("<think>") and "</think>" in stripped:
        return stripped.split("</think>", 1)[1]
    return content


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
