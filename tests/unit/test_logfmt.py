"""Structured log lines and secret redaction."""

from __future__ import annotations

import io
import logging

from bot.shared.logfmt import REDACTED, kv, redact, redacting_handler


def test_fields_are_key_value_pairs_and_none_is_left_out() -> None:
    assert kv("job_run", job="digest-tick", ok=True, ms=12.345, team=None, n=3) == "job_run job=digest-tick ok=true ms=12.3 n=3"


def test_a_crafted_value_cannot_forge_fields_or_span_lines() -> None:
    line = kv("slack_request", team="T1 status=200\nfake=line")
    assert line == 'slack_request team="T1 status=200\\nfake=line"'
    assert "\n" not in line


def test_long_values_are_cut_short() -> None:
    assert len(kv("e", v="x y" * 500)) < 140


def test_tokens_bearer_credentials_and_known_secrets_are_redacted() -> None:
    text = "token xoxb-1-2-abc, app xapp-1-A-xyz, Authorization: Bearer abc.def and secret 5ca1ab1e5ca1ab1e"
    assert redact(text, ["5ca1ab1e5ca1ab1e"]) == (
        f"token {REDACTED}, app {REDACTED}, Authorization: {REDACTED} and secret {REDACTED}"
    )


def test_the_handler_redacts_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    logger = logging.getLogger("tests.logfmt")
    logger.addHandler(redacting_handler(["0123456789abcdef"], stream))
    logger.propagate = False
    try:
        try:
            raise RuntimeError("bad token xoxb-999-secret")
        except RuntimeError:
            logger.exception("failed with %s", "0123456789abcdef")
    finally:
        logger.handlers.clear()
        logger.propagate = True
    output = stream.getvalue()
    assert "xoxb-" not in output and "0123456789abcdef" not in output
    assert "failed with [redacted]" in output and "RuntimeError: bad token [redacted]" in output
