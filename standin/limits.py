"""The Slack stand-in's view of Block Kit limits: what Slack refuses with ``invalid_blocks``.

Written from Slack's documented limits, separately from `bot.shared.outgoing` (which shortens
messages to fit them), so the stand-in can catch a message the app failed to shorten.
Standard library only, like the stand-in.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

MESSAGE_BLOCKS = 50
VIEW_BLOCKS = 100
TEXT_CHARACTERS = 40_000  # chat.postMessage `text`: Slack answers msg_too_long past this

_SECTION_TEXT, _FIELDS, _FIELD_TEXT = 3000, 10, 2000
_CONTEXT_ELEMENTS, _CONTEXT_TEXT = 10, 3000
_HEADER_TEXT, _ACTIONS_ELEMENTS = 150, 25
_BUTTON_TEXT, _BUTTON_VALUE, _URL, _ID = 75, 2000, 3000, 255
_ALT_TEXT = 2000


def _text_errors(obj: Any, where: str, limit: int) -> Iterator[str]:
    if not isinstance(obj, dict) or obj.get("type") not in ("mrkdwn", "plain_text"):
        yield f"{where}: must be a text object"
        return
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        yield f"{where}/text: must be at least 1 character"
    elif len(text) > limit:
        yield f"{where}/text: must be less than {limit + 1} characters"


def _length_errors(item: dict[str, Any], where: str, limits: dict[str, int]) -> Iterator[str]:
    for key, limit in limits.items():
        value = item.get(key)
        if isinstance(value, str) and len(value) > limit:
            yield f"{where}/{key}: must be less than {limit + 1} characters"


def _element_errors(element: Any, where: str) -> Iterator[str]:
    if not isinstance(element, dict):
        yield f"{where}: must be an object"
        return
    kind = element.get("type")
    if kind == "image":
        yield from _length_errors(element, where, {"image_url": _URL, "alt_text": _ALT_TEXT})
        return
    if kind in ("mrkdwn", "plain_text"):
        yield from _text_errors(element, where, _CONTEXT_TEXT)
        return
    if kind == "button":
        yield from _text_errors(element.get("text"), f"{where}/text", _BUTTON_TEXT)
        yield from _length_errors(element, where, {"value": _BUTTON_VALUE, "url": _URL})
    yield from _length_errors(element, where, {"action_id": _ID})


def _elements(block: dict[str, Any], where: str, limit: int) -> Iterator[str]:
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements:
        yield f"{where}/elements: must provide at least 1 item"
        return
    if len(elements) > limit:
        yield f"{where}/elements: must provide no more than {limit} items"
    for index, element in enumerate(elements):
        yield from _element_errors(element, f"{where}/elements/{index}")


def _block_errors(block: Any, where: str) -> Iterator[str]:
    if not isinstance(block, dict):
        yield f"{where}: must be an object"
        return
    yield from _length_errors(block, where, {"block_id": _ID})
    kind = block.get("type")
    if kind == "section":
        if "text" in block:
            yield from _text_errors(block["text"], f"{where}/text", _SECTION_TEXT)
        fields = block.get("fields") or []
        if "text" not in block and not fields:
            yield f"{where}: must provide text or fields"
        if len(fields) > _FIELDS:
            yield f"{where}/fields: must provide no more than {_FIELDS} items"
        for index, field in enumerate(fields):
            yield from _text_errors(field, f"{where}/fields/{index}", _FIELD_TEXT)
        if isinstance(block.get("accessory"), dict):
            yield from _element_errors(block["accessory"], f"{where}/accessory")
    elif kind == "context":
        yield from _elements(block, where, _CONTEXT_ELEMENTS)
    elif kind == "actions":
        yield from _elements(block, where, _ACTIONS_ELEMENTS)
    elif kind == "header":
        yield from _text_errors(block.get("text"), f"{where}/text", _HEADER_TEXT)
    elif kind == "image":
        yield from _length_errors(block, where, {"image_url": _URL, "alt_text": _ALT_TEXT})


def block_errors(blocks: Any, limit: int = MESSAGE_BLOCKS) -> list[str]:
    """Slack's complaints about `blocks` (empty when Slack would accept them), in its pointer style."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return ["[json-pointer:/blocks] must be an array"]
    errors = [f"[json-pointer:/blocks] must provide no more than {limit} items"] if len(blocks) > limit else []
    for index, block in enumerate(blocks):
        errors += ["[json-pointer:{}] {}".format(*e.split(": ", 1)) for e in _block_errors(block, f"/blocks/{index}")]
    return errors


_MODAL_TITLE, _PRIVATE_METADATA, _INPUT_LABEL = 24, 3000, 2000


def modal_errors(view: dict[str, Any]) -> list[str]:
    """Slack's complaints about a modal view: title and buttons of at most 24 characters, metadata, blocks."""
    errors: list[str] = []
    for key, required in (("title", True), ("submit", False), ("close", False)):
        if key in view or required:
            obj = view.get(key)
            if not isinstance(obj, dict) or obj.get("type") != "plain_text":
                errors.append(f"[json-pointer:/view/{key}] must be a plain_text object")
            else:
                errors += [f"[json-pointer:/view/{key}] {e.split(': ', 1)[1]}"
                           for e in _text_errors(obj, key, _MODAL_TITLE)]
    if len(str(view.get("private_metadata") or "")) > _PRIVATE_METADATA:
        errors.append(f"[json-pointer:/view/private_metadata] must be less than {_PRIVATE_METADATA + 1} characters")
    blocks = view.get("blocks")
    errors += block_errors(blocks, VIEW_BLOCKS)
    for index, block in enumerate(blocks if isinstance(blocks, list) else []):
        if isinstance(block, dict) and block.get("type") == "input":
            errors += ["[json-pointer:{}] {}".format(*e.split(": ", 1))
                       for e in _text_errors(block.get("label"), f"/blocks/{index}/label", _INPUT_LABEL)]
            if not isinstance(block.get("element"), dict):
                errors.append(f"[json-pointer:/blocks/{index}/element] must be an object")
    return errors
