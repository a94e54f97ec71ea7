"""The LLM extractor against a local stand-in chat-completions server (127.0.0.1, port 0)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from ingest.extractors import BuiltinExtractor, Extractor
from ingest.llm_extractor import LlmExtractor
from insights.extraction import extract_insights
from insights.transcript import Segment

TRANSCRIPT = [
    Segment("Welcome back to the show, it is great to have you here.", 0.0, 9.0, "Ann"),
    Segment("Good audio quality keeps podcast listeners engaged far longer than clever editing ever will.", 10.0, 16.0, "Ann"),
    Segment("Um, a cheap dynamic microphone in a quiet room beats an expensive condenser in an echoing kitchen.", 16.0, 24.0, "Ann"),
    Segment("Do you think guests matter?", 24.0, 30.0, "Bob"),
    Segment("Guests share episodes with their own audience, so booking the right guests grows a podcast fastest.", 30.0, 38.0, "Bob"),
    Segment("Consistent release days build a listening habit that matters more than any single viral episode.", 38.0, 46.0, "Bob"),
]  # fmt: skip

#: What a stand-in answer does: (status, body bytes), or None to hang until the test ends.
Reply = Callable[[dict[str, Any]], tuple[int, bytes] | None]


@dataclass
class StandIn:
    """A chat-completions stand-in: answers with `reply`, records every request."""

    url: str
    reply: Reply = lambda body: (200, b"{}")
    requests: list[dict[str, Any]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)


@pytest.fixture
def standin() -> Iterator[StandIn]:
    state = StandIn(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
            answer = state.reply(body)
            if answer is None:
                state.release.wait(10)
                return
            status, payload = answer
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


def _completion(content: object) -> Reply:
    text = content if isinstance(content, str) else json.dumps(content)
    payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": text}}]}).encode()
    return lambda body: (200, payload)


def _extractor(standin: StandIn, **options: Any) -> LlmExtractor:
    return LlmExtractor(standin.url, "test-model", "sk-test", **{"timeout": 5.0, **options})


AUDIO = {
    "quote": "good audio quality keeps podcast listeners engaged far longer than clever editing ever will",
    "insight": "Good audio quality keeps podcast listeners engaged longer than clever editing does.",
    "topics": ["Audio Quality", "editing"],
}
MICROPHONE = {  # the model dropped the "Um," and changed a word: still found, fuzzily
    "quote": "A cheap dynamic microphone in a quiet room beats an expensive condenser in an echoey kitchen.",
    "insight": "A cheap dynamic microphone in a quiet room beats an expensive condenser in an echoing kitchen.",
    "topics": ["microphones"],
}
INVENTED = {
    "quote": "Video podcasts always get ten times more downloads than audio-only shows on every platform.",
    "insight": "Video podcasts get ten times more downloads.",
    "topics": ["video"],
}


def test_quotes_found_in_the_transcript_are_kept_with_their_sentence_start(standin: StandIn) -> None:
    standin.reply = _completion({"insights": [AUDIO, MICROPHONE]})
    with _extractor(standin) as extractor:
        insights = extractor.extract(TRANSCRIPT, limit=5)
    assert [(i.text, i.start_seconds, i.topics, i.quote) for i in insights] == [
        (AUDIO["insight"], 10.0, ("audio quality", "editing"), TRANSCRIPT[1].text),
        (MICROPHONE["insight"], 16.0, ("microphones",), None),  # the statement is the transcript's wording
    ]
    assert insights[0].score > insights[1].score


def test_the_request_asks_for_json_with_the_transcript_the_model_and_the_key(standin: StandIn) -> None:
    standin.reply = _completion({"insights": [AUDIO]})
    with _extractor(standin) as extractor:
        extractor.extract(TRANSCRIPT, limit=3, topic_vocabulary=["audio quality"])
    (request,) = standin.requests
    body = request["body"]
    assert request["path"] == "/v1/chat/completions"
    assert request["headers"]["Authorization"] == "Bearer sk-test"
    assert body["model"] == "test-model" and body["response_format"] == {"type": "json_object"}
    prompt = body["messages"][-1]["content"]
    assert "Pick up to 3 insights" in prompt and "Bob: Do you think guests matter? Guests share episodes" in prompt and "audio quality" in prompt


def test_an_invented_quote_is_dropped_and_the_real_ones_kept(standin: StandIn) -> None:
    standin.reply = _completion({"insights": [INVENTED, MICROPHONE, {"quote": 42}, "junk"]})
    with _extractor(standin) as extractor:
        insights = extractor.extract(TRANSCRIPT, topic_vocabulary=["Microphones", "video"])
    assert [(i.text, i.start_seconds, i.topics) for i in insights] == [(MICROPHONE["insight"], 16.0, ("Microphones",))]


def test_a_restatement_unlike_its_quote_is_replaced_by_the_transcripts_own_words(standin: StandIn) -> None:
    standin.reply = _completion([{**AUDIO, "insight": "Bananas are an excellent source of potassium for athletes."}])
    with _extractor(standin) as extractor:
        (insight,) = extractor.extract(TRANSCRIPT)
    assert insight.text == TRANSCRIPT[1].text and insight.start_seconds == 10.0 and insight.quote is None


def _falls_back(standin: StandIn, caplog: pytest.LogCaptureFixture, reason: str, **options: Any) -> None:
    expected = extract_insights(TRANSCRIPT, limit=4)
    assert expected  # the built-in extractor finds something here
    with caplog.at_level(logging.WARNING, logger="podbrief.extract"), _extractor(standin, **options) as extractor:
        assert extractor.extract(TRANSCRIPT, limit=4) == expected
    assert "using the built-in extractor" in caplog.text and reason in caplog.text


def test_only_invented_quotes_fall_back_to_the_built_in_extractor(
    standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.reply = _completion({"insights": [INVENTED]})
    _falls_back(standin, caplog, "none of the 1 insights returned for 1 chunk passed: 1 quotes not in the transcript")


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (_completion("Sure! Here are some insights: 1. Audio matters."), "JSONDecodeError"),
        (_completion({"answer": "no list here"}), "no list of insights"),
        (lambda body: (200, b"<html>gateway</html>"), "JSONDecodeError"),
        (lambda body: (200, b'{"choices": []}'), "IndexError"),
        (lambda body: (500, b'{"error": "boom"}'), "500"),
        (lambda body: (401, b'{"error": "bad key"}'), "401"),
    ],
)
def test_bad_answers_and_http_errors_fall_back_to_the_built_in_extractor(
    standin: StandIn, caplog: pytest.LogCaptureFixture, reply: Reply, reason: str
) -> None:
    standin.reply = reply
    _falls_back(standin, caplog, reason)


def test_a_server_that_never_answers_times_out_and_falls_back(standin: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    standin.reply = lambda body: None
    started = time.monotonic()
    _falls_back(standin, caplog, "ReadTimeout", timeout=0.3)
    assert time.monotonic() - started < 3.0


def test_an_unreachable_endpoint_falls_back(standin: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    standin.url = "http://127.0.0.1:9/v1"  # discard port: nothing listens
    _falls_back(standin, caplog, "ConnectError")


def test_both_extractors_satisfy_the_extractor_protocol(standin: StandIn) -> None:
    extractors: list[Extractor] = [BuiltinExtractor(), _extractor(standin)]
    standin.reply = _completion({"insights": [AUDIO]})
    assert all(e.extract(TRANSCRIPT, limit=2) for e in extractors)
    assert BuiltinExtractor().extract(TRANSCRIPT, limit=2) == extract_insights(TRANSCRIPT, limit=2)
