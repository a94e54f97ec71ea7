"""A scan through the language-model extractor stores each written insight with its quote."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from ingest.llm_extractor import LlmExtractor
from ingest.scan import add_feed
from storage.digest_queries import recent_insights
from tests.integration.feed_server import FeedServer, LoopbackFetch, static
from tests.integration.test_llm_extractor import StandIn, _answer, _prompt, standin_fixture  # noqa: F401 - by name
from tests.integration.test_scan import (  # noqa: F401 - the fixtures are used by name
    OPTIONS,
    START,
    Clock,
    clock_fixture,
    fetch_fixture,
    real_feed,
    server_fixture,
)


def _written(body: dict[str, object]) -> tuple[int, bytes]:
    """A stand-in model: the first long sentence without "I" of the passage, restated."""
    passage = _prompt(body).split("Passage:\n\n", 1)[1]  # type: ignore[arg-type]
    said = [s.strip() + "." for line in passage.split("\n") for s in line.split(": ", 1)[-1].split(". ")]
    quote = next((s for s in said if len(s.split()) >= 10 and " I " not in f" {s} " and "?" not in s), None)
    if quote is None:
        return _answer([])
    return _answer([{"quote": quote, "insight": "In this episode: " + quote, "topics": ["podcasting"], "rating": 6}])


def test_written_insights_reach_the_database_with_their_quotes(  # type: ignore[no-untyped-def]
    sessions: sessionmaker[Session], server: FeedServer, fetch: LoopbackFetch, clock: Clock, fixtures_dir: Path,
    standin: StandIn,
) -> None:
    standin.reply = _written  # type: ignore[assignment]
    url = server.route("/pc20.xml", static(real_feed(fixtures_dir, "pc20rss.xml")))
    with LlmExtractor(standin.url, "stand-in", None, timeout=5.0) as extractor:
        result = add_feed(sessions, fetch, extractor, url, clock=clock, options=replace(OPTIONS, max_episodes_per_feed=2))
    assert result.ok and result.insights_added > 0 and standin.requests
    with sessions() as session:
        stored = recent_insights(session, START.replace(year=2000))
    assert stored and all(i.text.startswith("In this episode: ") for i in stored)
    assert all(i.quote and i.text == "In this episode: " + i.quote for i in stored)
    assert all(i.start_seconds is not None for i in stored)


def test_an_episode_handed_to_the_built_in_extractor_is_named_in_the_log(  # type: ignore[no-untyped-def]
    sessions: sessionmaker[Session], server: FeedServer, fetch: LoopbackFetch, clock: Clock, fixtures_dir: Path,
    standin: StandIn, caplog: pytest.LogCaptureFixture,
) -> None:
    standin.reply = lambda body: (503, b"model is loading")
    url = server.route("/pc20.xml", static(real_feed(fixtures_dir, "pc20rss.xml")))
    with (
        caplog.at_level(logging.WARNING, logger="podbrief.extract"),
        LlmExtractor(standin.url, "stand-in", None, timeout=5.0) as extractor,
    ):
        result = add_feed(sessions, fetch, extractor, url, clock=clock, options=replace(OPTIONS, max_episodes_per_feed=1))
    assert result.ok and result.insights_added > 0  # the built-in extractor's
    (line,) = [r.getMessage() for r in caplog.records if "using the built-in extractor" in r.getMessage()]
    assert "503" in line and "for Podcasting 2.0 / Episode " in line
