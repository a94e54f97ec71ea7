"""The request gate parses a Slack body once and the request log reads the ids from that same payload."""

from __future__ import annotations

import json

from bot.runtime.request_gate import parsed_payload
from bot.runtime.request_log import RequestFacts, describe

EVENT = {"type": "event_callback", "team_id": "T0ENV", "authorizations": [{"team_id": "T0HOME"}],
         "event": {"type": "reaction_added", "user": "U0A", "item": {"type": "message", "channel": "C0A", "ts": "1.2"}}}


def test_the_gate_hands_over_the_payload_it_checked_and_refuses_what_it_cannot_route() -> None:
    body = json.dumps(EVENT)
    assert parsed_payload(body, "application/json") == EVENT
    assert parsed_payload(body, None) == EVENT  # JSON sent without a content type is still JSON
    assert parsed_payload("[1, 2]", "application/json") is None
    assert parsed_payload("{not json", "application/json") is None
    assert parsed_payload(json.dumps({"type": "event_callback", "event": "x"}), "application/json") is None
    assert parsed_payload("", None) == {}  # Bolt answers an empty body itself


def test_the_log_reads_the_same_facts_from_the_parsed_payload_as_from_the_body() -> None:
    body = json.dumps(EVENT).encode()
    from_body = describe(body, "application/json")
    assert from_body.kind == "event" and from_body.name == "reaction_added" and from_body.user == "U0A"
    assert describe(body, "application/json", parsed_payload(body.decode(), "application/json")) == from_body
    assert describe(b"\xff{", "application/json", None) == RequestFacts("other")  # no payload handed over: parsed here
