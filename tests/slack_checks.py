"""Checks every generated Slack message must pass."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block

MAX_MESSAGE_BLOCKS = 50


def assert_valid_blocks(blocks: list[dict[str, Any]], limit: int = MAX_MESSAGE_BLOCKS) -> None:
    """Each block parses and validates recursively (slack_sdk models), and there are few enough."""
    assert 0 < len(blocks) <= limit, f"{len(blocks)} blocks (limit {limit})"
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, f"unknown block: {block}"
        assert parsed.to_dict() == block


def assert_valid_message(message: dict[str, Any]) -> None:
    """Blocks valid and a non-empty `text` fallback for notifications."""
    assert message.get("text", "").strip(), "every message needs a text fallback"
    assert_valid_blocks(message["blocks"])


def shown_text(message: dict[str, Any]) -> str:
    """All the text a person reads in a message's header, section and context blocks, as one string."""
    parts = []
    for block in message["blocks"]:
        if block["type"] in ("section", "header"):
            parts.append(block["text"]["text"])
        elif block["type"] == "context":
            parts.extend(element["text"] for element in block["elements"])
    return "\n".join(parts)
