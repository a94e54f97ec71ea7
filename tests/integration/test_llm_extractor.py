"""The LLM extractor against a local stand-in chat-completions server (127.0.0.1, port 0)."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Collection, Sequence
from typing import Any, ClassVar

import pytest

from ingest.extractors import BuiltinExtractor, Extractor
from ingest.llm_extractor import LlmExtractor
from insights.extraction import extract_insights
from insights.transcript import Extracted, Segment
from tests.llm_standin import Reply, StandIn, completion, standin_fixture  # noqa: F401 (the fixture)

TRANSCRIPT = [
    Segment("Welcome back to the show, it is great to have you here.", 0.0, 9.0, "Ann"),
    Segment("Good audio quality keeps podcast listeners engaged far longer than clever editing ever will.", 10.0, 16.0, "Ann"),
    Segment("Um, a cheap dynamic microphone in a quiet room beats an expensive condenser in an echoing kitchen.", 16.0, 24.0, "Ann"),
    Segment("Do you think guests matter?", 24.0, 30.0, "Bob"),
    Segment("Guests share episodes with their own audience, so booking the right guests grows a podcast fastest.", 30.0, 38.0, "Bob"),
    Segment("Consistent release days build a listening habit that matters more than any single viral episode.", 38.0, 46.0, "Bob"),
]  # fmt: skip

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
    standin.reply = completion({"insights": [AUDIO, MICROPHONE]})
    with _extractor(standin) as extractor:
        insights = extractor.extract(TRANSCRIPT, limit=5)
    assert [(i.text, i.start_seconds, i.topics, i.quote) for i in insights] == [
        (AUDIO["insight"], 10.0, ("audio quality", "editing"), TRANSCRIPT[1].text),
        (MICROPHONE["insight"], 16.0, ("microphones",), None),  # the statement is the transcript's wording
    ]
    assert insights[0].score > insights[1].score


def test_the_request_asks_for_json_with_the_transcript_the_model_and_the_key(standin: StandIn) -> None:
    standin.reply = completion({"insights": [AUDIO]})
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
    standin.reply = completion({"insights": [INVENTED, MICROPHONE, {"quote": 42}, "junk"]})
    with _extractor(standin) as extractor:
        insights = extractor.extract(TRANSCRIPT, topic_vocabulary=["Microphones", "video"])
    assert [(i.text, i.start_seconds, i.topics) for i in insights] == [(MICROPHONE["insight"], 16.0, ("Microphones",))]


def test_a_restatement_unlike_its_quote_is_replaced_by_the_transcripts_own_words(standin: StandIn) -> None:
    standin.reply = completion([{**AUDIO, "insight": "Bananas are an excellent source of potassium for athletes."}])
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
    standin.reply = completion({"insights": [INVENTED]})
    _falls_back(standin, caplog, "none of the 1 insights returned for 1 chunk passed: 1 quotes not in the transcript")


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        (completion("Sure! Here are some insights: 1. Audio matters."), "JSONDecodeError"),
        (completion({"answer": "no list here"}), "no list of insights"),
        (completion('{"insights": [{"quote": "Good audio quality keeps podcast'), "JSONDecodeError"),
        (lambda body: (200, json.dumps({"choices": [{"message": {"content": '{"insights": [{"quote": "Good'},
                                                     "finish_reason": "length"}]}).encode()),
         "cut off at the token limit (truncated JSON)"),
        (completion({"insights": "not a list"}), "no list of insights"),
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
    standin.reply = completion({"insights": [AUDIO]})
    assert all(e.extract(TRANSCRIPT, limit=2) for e in extractors)
    assert BuiltinExtractor().extract(TRANSCRIPT, limit=2) == extract_insights(TRANSCRIPT, limit=2)


# --- long episodes: chunks, coverage, bounds ---------------------------------------------

SUBJECTS = ["Grid batteries", "Heat pumps", "Rooftop solar", "Offshore wind", "Hydrogen trucks", "Smart meters"]
EFFECTS = ["cut evening demand peaks", "lower winter heating bills", "shift load away from noon",
           "reduce curtailment at night", "replace diesel on long routes", "reveal wasted standby power"]  # fmt: skip
LATE_POINT = "Utilities that publish their outage maps in real time earn far more trust from angry customers."


def _two_hour_episode() -> list[Segment]:
    """About 1,200 distinct sentences over two hours, two speakers; `LATE_POINT` at 1:53:00."""
    segments = []
    for n in range(1200):
        start = n * 6.0
        text = f"{SUBJECTS[n % 6]} in region {n} {EFFECTS[(n // 6) % 6]} according to survey {n + 1000}."
        if start == 6780.0:  # 1:53:00, in the last ten minutes
            text = LATE_POINT
        segments.append(Segment(text, start, start + 5.5, "Ann" if (n // 10) % 2 == 0 else "Bob"))
    return segments


def _prompt(body: dict[str, Any]) -> str:
    return str(body["messages"][-1]["content"])


def _answer(items: list[dict[str, Any]]) -> tuple[int, bytes]:
    content = json.dumps({"insights": items})
    return 200, json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()


def _first_sentence_item(body: dict[str, Any]) -> dict[str, Any]:
    """A dull but real insight: the first full sentence of the passage, rated 3."""
    line = _prompt(body).split("Passage:\n\n", 1)[1].split("\n", 1)[0]
    sentence = line.split(": ", 1)[1].split(". ", 1)[0] + "."
    return {"quote": sentence, "insight": sentence, "topics": ["energy"], "rating": 3}


def test_an_insight_from_the_last_ten_minutes_of_a_two_hour_episode_is_found(standin: StandIn) -> None:
    late = {"quote": LATE_POINT, "insight": "Utilities that publish outage maps in real time earn more trust from customers.",
            "topics": ["utilities"], "rating": 9}  # fmt: skip
    standin.reply = lambda body: _answer([late] if LATE_POINT in _prompt(body) else [_first_sentence_item(body)])
    with _extractor(standin) as extractor:
        insights = extractor.extract(_two_hour_episode(), limit=4)
    assert insights[0].text == late["insight"] and insights[0].start_seconds == 6780.0
    assert insights[0].quote == LATE_POINT
    assert len(standin.requests) > 1  # the episode did not fit one request


def test_every_sentence_of_a_long_episode_is_sent_and_chunks_overlap(standin: StandIn) -> None:
    standin.reply = lambda body: _answer([_first_sentence_item(body)])
    episode = _two_hour_episode()
    with _extractor(standin) as extractor:
        extractor.extract(episode, limit=6)
    prompts = [_prompt(r["body"]) for r in standin.requests]
    assert all(any(s.text in p for p in prompts) for s in episode)
    assert sum(p.count(" in region ") for p in prompts) > len(episode)  # some sentences sent twice
    assert all("[" in p.split("Passage:\n\n", 1)[1][:2] for p in prompts)  # every chunk opens with a time


def test_a_ten_hour_episode_still_takes_at_most_max_requests(standin: StandIn) -> None:
    standin.reply = lambda body: _answer([_first_sentence_item(body)])
    episode = [Segment(f"{s.text} Part {k}.", s.start + k * 7200, None, s.speaker) for k in range(5) for s in _two_hour_episode()]
    with _extractor(standin, max_requests=4) as extractor:
        assert extractor.extract(episode, limit=3)
    prompts = [_prompt(r["body"]) for r in standin.requests]
    assert len(prompts) == 4 and all(any(s.text in p for p in prompts) for s in (episode[0], episode[-1]))


def test_requests_in_flight_never_exceed_the_concurrency(standin: StandIn) -> None:
    lock, active, most = threading.Lock(), [0], [0]

    def reply(body: dict[str, Any]) -> tuple[int, bytes]:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        standin.release.wait(0.05)  # let other requests pile up if they were allowed to
        with lock:
            active[0] -= 1
        return _answer([_first_sentence_item(body)])

    standin.reply = reply
    with _extractor(standin, concurrency=2) as extractor:
        extractor.extract(_two_hour_episode())
    assert len(standin.requests) >= 6 and most[0] == 2


def test_episodes_extracted_at_once_share_the_concurrency(standin: StandIn) -> None:
    lock, active, most = threading.Lock(), [0], [0]

    def reply(body: dict[str, Any]) -> tuple[int, bytes]:
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        standin.release.wait(0.05)
        with lock:
            active[0] -= 1
        return _answer([_first_sentence_item(body)])

    standin.reply = reply
    episode = _two_hour_episode()
    with _extractor(standin, concurrency=1) as extractor:  # one extractor serves a whole scan
        feeds = [threading.Thread(target=extractor.extract, args=(episode,)) for _ in range(3)]
        for feed in feeds:
            feed.start()
        for feed in feeds:
            feed.join()
    assert len(standin.requests) >= 12 and most[0] == 1


class _RecordingFallback:
    """A fallback extractor that says what it was asked (the built-in one is slow on two hours of talk)."""

    ANSWER: ClassVar[list[Extracted]] = [Extracted("The built-in extractor answered for this episode.", 0.0, 1.0)]

    def __init__(self) -> None:
        self.asked: list[int] = []

    def extract(self, segments: Sequence[Segment], *, limit: int = 6, soundbites: Sequence[tuple[float, float]] = (),
                topic_vocabulary: Collection[str] = ()) -> list[Extracted]:  # fmt: skip
        self.asked.append(len(segments))
        return self.ANSWER


class _StepClock:
    """A clock that moves on `step` seconds every time a request is sent."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def __call__(self) -> float:
        return self.now


def test_an_episode_past_its_deadline_stops_asking_and_falls_back(standin: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    clock = _StepClock(100.0)

    def reply(body: dict[str, Any]) -> tuple[int, bytes]:
        clock.now += clock.step
        return _answer([_first_sentence_item(body)])

    standin.reply = reply
    episode, fallback = _two_hour_episode(), _RecordingFallback()
    with (
        caplog.at_level(logging.WARNING, logger="podbrief.extract"),
        _extractor(standin, concurrency=1, episode_deadline=300.0, clock=clock, fallback=fallback) as extractor,
    ):
        insights = extractor.extract(episode, limit=4)
    assert insights == fallback.ANSWER and fallback.asked == [len(episode)]
    assert len(standin.requests) == 3  # sent at 0, 100 and 200 s, answered by 300 s; none after
    assert "300 s episode deadline passed before chunk 4 of" in caplog.text


def test_one_failing_chunk_hands_the_whole_episode_to_the_built_in_extractor(
    standin: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    standin.reply = lambda body: (502, b"bad gateway") if LATE_POINT in _prompt(body) else _answer([_first_sentence_item(body)])
    episode, fallback = _two_hour_episode(), _RecordingFallback()
    with caplog.at_level(logging.WARNING, logger="podbrief.extract"), _extractor(standin, fallback=fallback) as extractor:
        assert extractor.extract(episode, limit=4) == fallback.ANSWER
    assert "HTTPStatusError" in caplog.text and "502" in caplog.text and "(from 1:" in caplog.text


# --- timestamps and quotes -----------------------------------------------------------------


def test_the_time_comes_from_where_the_quote_is_not_from_the_chunk(standin: StandIn) -> None:
    episode = _two_hour_episode()
    quoted = episode[700]  # 1:10:00
    standin.reply = lambda body: _answer(
        [{"quote": quoted.text, "insight": quoted.text, "rating": 8}] if quoted.text in _prompt(body) else []
    )
    with _extractor(standin) as extractor:
        (insight, *_) = extractor.extract(episode, limit=2)
    assert insight.text == quoted.text and insight.start_seconds == 4200.0


def test_a_quote_from_the_middle_of_a_long_sentence_gets_a_time_inside_it(standin: StandIn) -> None:
    opening = "We talked for a long while about the garden and the weather and the neighbours and the dog and the cat"
    point = "compost made from kitchen scraps feeds tomato plants better than any bottled fertiliser on the market"
    long_turn = [Segment(f"{opening} and then {point} which surprised everyone.", 100.0, 120.0, "Ann")]
    standin.reply = completion({"insights": [{"quote": point, "insight": "Compost made from kitchen scraps feeds tomato plants better than bottled fertiliser.", "rating": 8}]})  # fmt: skip
    with _extractor(standin) as extractor:
        (insight,) = extractor.extract(long_turn)
    assert 105.0 < insight.start_seconds < 115.0  # type: ignore[operator]


# --- what the model writes --------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "Good audio quality keeps listeners engaged; learn more at podcastindex.org today.",
        "Good audio quality keeps podcast listeners engaged, says @ann on every episode.",
        "Good audio quality keeps listeners engaged 40 percent longer than clever editing.",
        "I think good audio quality keeps podcast listeners engaged longer than editing.",
        "Good audio quality keeps listeners engaged. Editing matters less. Guests matter too. Release days matter.",
        "Good audio quality keeps podcast listeners engaged " + "and happy " * 40,
    ],
    ids=["domain", "mention", "new figure", "first person", "four sentences", "too long"],
)
def test_a_statement_that_brings_in_what_its_quote_does_not_say_is_not_published(standin: StandIn, written: str) -> None:
    standin.reply = completion({"insights": [{**AUDIO, "insight": written}]})
    with _extractor(standin) as extractor:
        (insight,) = extractor.extract(TRANSCRIPT)
    assert insight.text == TRANSCRIPT[1].text and insight.quote is None  # the transcript's own words instead


def test_a_badly_written_insight_whose_quote_does_not_stand_alone_is_dropped(standin: StandIn) -> None:
    leaning = {"quote": "Do you think guests matter?", "insight": "Check out our sponsor at example.com for guests."}
    standin.reply = completion({"insights": [leaning, AUDIO]})
    with _extractor(standin) as extractor:
        insights = extractor.extract(TRANSCRIPT)
    assert [i.text for i in insights] == [AUDIO["insight"]]


def test_the_best_rated_insights_win_across_chunks_and_overlap_repeats_are_dropped(standin: StandIn) -> None:
    episode = _two_hour_episode()

    def reply(body: dict[str, Any]) -> tuple[int, bytes]:
        item = _first_sentence_item(body)
        rating = 9 if SUBJECTS[3] in item["quote"] else 4
        return _answer([{**item, "rating": rating}, {**item, "rating": rating}])  # the same one twice

    standin.reply = reply
    with _extractor(standin) as extractor:
        insights = extractor.extract(episode, limit=len(standin.requests) or 20)
    texts = [i.text for i in insights]
    assert len(texts) == len(set(texts)) == len(standin.requests)
    rated = [SUBJECTS[3] in t for t in texts]
    assert rated == sorted(rated, reverse=True)  # the 9s first


def test_a_quote_from_a_run_on_machine_transcript_keeps_only_the_words_quoted(standin: StandIn) -> None:
    filler = " ".join(f"and then word{n} happened" for n in range(150))  # no full stop for minutes
    point = "small local models answer faster when the prompt fits their context window"
    run_on = [Segment(f"{filler} {point} {filler}", 0.0, 600.0, "Speaker 1")]
    written = "Small local models answer faster when a prompt fits in their context window."
    standin.reply = completion({"insights": [{"quote": point, "insight": written, "rating": 7}]})
    with _extractor(standin) as extractor:
        (insight,) = extractor.extract(run_on)
    assert insight.text == written and insight.quote is not None
    assert insight.quote.startswith("…") and insight.quote.endswith("…") and point in insight.quote
    assert len(insight.quote) < len(point) + 40
    assert 250.0 < insight.start_seconds < 350.0  # type: ignore[operator]


def test_an_answer_still_arriving_past_the_deadline_is_abandoned(standin: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    clock = _StepClock(1000.0)

    def reply(body: dict[str, Any]) -> tuple[int, bytes]:
        clock.now += clock.step  # the answer takes longer than the whole episode may
        return completion({"insights": [AUDIO]})(body)

    standin.reply = reply
    fallback = _RecordingFallback()
    with (
        caplog.at_level(logging.WARNING, logger="podbrief.extract"),
        _extractor(standin, episode_deadline=900.0, clock=clock, fallback=fallback) as extractor,
    ):
        assert extractor.extract(TRANSCRIPT) == fallback.ANSWER
    assert "900 s episode deadline passed while chunk 1 of 1 (from 0:00) was read" in caplog.text


def test_an_enormous_answer_is_refused_without_being_kept(standin: StandIn, caplog: pytest.LogCaptureFixture) -> None:
    huge = json.dumps({"choices": [{"message": {"content": "x" * 3_000_000}}]}).encode()
    standin.reply = lambda body: (200, huge)
    _falls_back(standin, caplog, "the answer is longer than 2,000,000 bytes")


def test_a_reasoning_models_thinking_before_the_json_is_skipped(standin: StandIn) -> None:
    standin.reply = completion('<think>The audio point is the strongest.</think>\n{"insights": [' + json.dumps(AUDIO) + "]}")
    with _extractor(standin) as extractor:
        (insight,) = extractor.extract(TRANSCRIPT)
    assert insight.text == AUDIO["insight"]
