"""Show notes of real feeds: episode blurbs, guest bios and link lists are not insights."""

from __future__ import annotations

from pathlib import Path

import feedparser
import pytest

from ingest.transcripts import SHOW_NOTES, parse_transcript
from insights.extraction import extract_insights


def _notes(feed: bytes, episodes: int) -> list[str]:
    entries = feedparser.parse(feed).entries[:episodes]
    return [(e.get("content") or [{}])[0].get("value") or e.get("summary", "") for e in entries]


@pytest.mark.parametrize("name", ["launched-fireside.xml", "themnshow.xml", "pc20rss.xml"])
def test_show_notes_made_of_blurbs_bios_and_links_give_almost_no_insights(fixtures_dir: Path, name: str) -> None:
    notes = _notes((fixtures_dir / "feeds" / name).read_bytes(), 12)
    picks = [i.text for html in notes if html.strip() for i in extract_insights(parse_transcript(html.encode(), SHOW_NOTES))]
    # Before: 1 to 3 picks per episode ("Marco Arment joins the show to talk about…", article titles).
    assert len(picks) <= 1, picks
    assert not [p for p in picks if "joins the show" in p or "discuss" in p or "NYTimes" in p]
