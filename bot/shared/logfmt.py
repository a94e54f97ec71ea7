"""Structured log lines (`key=value` pairs) and a formatter that keeps secrets out of logs.

    log.info(kv("slack_request", kind="command", team="T1", latency_ms=12.5))
    # slack_request kind=command team=T1 latency_ms=12.5

Values from outside (ids Slack sent, error names) are quoted when they are not plain
words and cut short, so a crafted value can neither forge fields nor span lines.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import TextIO

_PLAIN = re.compile(r"[A-Za-z0-9_.:/@+#-]{1,120}")
#: Slack tokens (bot, user, app-level, refresh, config) and bearer credentials.
TOKEN_PATTERN = re.compile(r"\b(?:xox[a-z]|xapp)-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+")
REDACTED = "[redacted]"
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
MAX_VALUE = 120


def kv(event: str, **fields: object) -> str:
    """`event key=value ...`; None values are left out."""
    parts = [event]
    for key, value in fields.items():
        if value is None:
            continue
        parts.append(f"{key}={_value(value)}")
    return " ".join(parts)


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.1f}"
    text = str(value)
    if _PLAIN.fullmatch(text):
        return text
    return json.dumps(text[:MAX_VALUE], ensure_ascii=True)  # quotes, escapes newlines and control characters


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` without Slack tokens, bearer credentials or any of `secrets`."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return TOKEN_PATTERN.sub(REDACTED, text)


class RedactingFormatter(logging.Formatter):
    """A formatter whose output (messages and tracebacks) never contains tokens or the given secrets."""

    def __init__(self, fmt: str | None = None, secrets: Iterable[str | None] = ()) -> None:
        super().__init__(fmt)
        self._secrets = tuple(s for s in secrets if s and len(s) >= 8)

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def redacting_handler(secrets: Iterable[str | None] = (), stream: TextIO | None = None) -> logging.Handler:
    """The handler Podbrief logs through: to `stream` (stderr by default), secrets redacted."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter(LOG_FORMAT, secrets))
    return handler
