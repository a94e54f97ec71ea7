"""The app's digest composer with the embedding model: stories from the database, one pick each."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from bot.digest.compose import DigestComposer
from ingest.meaning import digest_meaning
from insights.model import NewInsight
from storage.insights_store import InsightWriter
from tests.meaning_model import real_encoder

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
SIX = Path(__file__).resolve().parents[1] / "data" / "meaning" / "six_examples.json"


def test_the_composer_with_the_model_tells_one_story_once_with_the_podcasts_that_echo_it(
    sessions: sessionmaker[Session],
) -> None:
    real_encoder()
    rows = json.loads(SIX.read_text())["insights"]
    with sessions.begin() as session:
        InsightWriter(session).add(NewInsight(r["text"], r["podcast"], published_at=NOW) for r in rows)
    story = {r["text"] for r in rows if r["role"] == "story"}

    picks = DigestComposer(sessions, meaning=digest_meaning).select([], NOW)
    told = [p for p in picks if p.insight.text in story]
    assert len(told) == 1 and "echoed by 3 podcasts" in told[0].reasons
    assert len(told[0].also_on) == 2

    lexical = DigestComposer(sessions).select([], NOW)
    assert sum(p.insight.text in story for p in lexical) == 3  # without meaning: three separate claims
