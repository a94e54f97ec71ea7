"""Block Kit rendered as plain text for a terminal, as the offline demo shows Slack's messages."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import Any

_LINK = re.compile(r"<([^|<>]+)\|([^<>]*)>")
_BARE = re.compile(r"<([#@!])([^|<>]*)>")
_EMPHASIS = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
WIDTH = 78


def mrkdwn_to_text(text: str) -> str:
    """Slack mrkdwn -> readable text: links as "label (url)", dates as their fallback."""

    def labelled(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith("!date^"):
            return label
        if target.startswith(("#", "@")):
            return label or target
        return f"{label} ↗"

    text = _LINK.sub(labelled, text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _BARE.sub(lambda m: ("#" if m.group(1) == "#" else "@") + m.group(2), text)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _wrap(text: str, indent: str = "  ") -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent) or [""])
    return lines


def render_blocks(blocks: Sequence[dict[str, Any]]) -> str:
    """The blocks of one message as lines of text."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "section":
            lines.extend(_wrap(mrkdwn_to_text(block.get("text", {}).get("text", ""))))
        elif kind == "header":
            lines.append("  " + block.get("text", {}).get("text", "").upper())
        elif kind == "context":
            parts = [mrkdwn_to_text(e.get("text", "")) for e in block.get("elements", []) if "text" in e]
            lines.extend(_wrap("  ".join(parts), indent="    "))
        elif kind == "actions":
            buttons = [f"[ {e.get('text', {}).get('text', '')} ]" for e in block.get("elements", [])]
            lines.append("    " + " ".join(buttons))
        elif kind == "divider":
            lines.append("  " + "─" * (WIDTH - 4))
    return "\n".join(lines)


def render_message(message: dict[str, Any], title: str) -> str:
    """A framed rendering of a message payload (blocks, or its text when it has none)."""
    body = render_blocks(message["blocks"]) if message.get("blocks") else "\n".join(_wrap(message.get("text", "")))
    bar = "═" * WIDTH
    return f"{bar}\n {title}\n{bar}\n{body}\n"
