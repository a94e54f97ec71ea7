"""`podbrief demo` end to end: every stage of the daily brief is shown, with real content.

The demo runs the real app, scanner and digest job against the sample podcasts in
`standin/data`; these tests read what it printed and check it against those files.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingest.fetch import Fetcher
from standin.demo import DEMO_TOPICS, run_demo
from standin.sample_feeds import DATA, SampleFeeds

_BANNER = re.compile(r"^━+\n (\d)\. [^\n]*\n━+$", re.MULTILINE)
_INSIGHT = re.compile(r"^ {4,5}\d+:\d\d  (.*)$")


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def _transcript_words(name: str) -> str:
    vtt = (DATA / "transcripts" / f"{name}.vtt").read_text(encoding="utf-8")
    spoken = [re.sub(r"^<v [^>]*>", "", line) for line in vtt.splitlines()
              if line and "-->" not in line and not line.startswith(("WEBVTT", "NOTE"))]
    return _words(" ".join(spoken))


@pytest.fixture(scope="module")
def stages() -> dict[int, str]:
    """What the demo printed, by stage number (1 follow … 7 search)."""
    printed: list[str] = []
    run_demo(echo=printed.append)
    text = "\n".join(printed)
    parts = _BANNER.split(text)
    return {int(number): body for number, body in zip(parts[1::2], parts[2::2], strict=True)}


def _insights_by_episode(stage: str) -> dict[str, list[str]]:
    """Episode title -> the insight texts listed under it (wrapped lines joined)."""
    found: dict[str, list[str]] = {}
    episode: list[str] = []
    current: list[str] | None = None
    for line in stage.splitlines():
        if line.startswith("  ") and not line.startswith("   ") and " · " in line:
            episode = found.setdefault(line.split(" · ", 1)[1], [])
            current = None
        elif match := _INSIGHT.match(line):
            current = [match.group(1)]
            episode.append("")
        elif current is not None and line.startswith(" " * 11) and not line.strip().startswith("topics:"):
            current.append(line.strip())
        else:
            current = None
            continue
        if current is not None:
            episode[-1] = " ".join(current)
    return found


def test_every_stage_is_shown(stages: dict[int, str]) -> None:
    assert sorted(stages) == [1, 2, 3, 4, 5, 6, 7]


def test_every_line_fits_in_100_columns(stages: dict[int, str]) -> None:
    wide = [line for stage in stages.values() for line in stage.splitlines() if len(line) > 100]
    assert wide == []


def test_both_podcasts_are_followed_and_scanned_without_errors(stages: dict[int, str]) -> None:
    assert "Now following Groundwork" in stages[1] and "Now following The Slow Ledger" in stages[1]
    progress = re.findall(r"Scanning feeds \[(\d)/2\] (.+?): (\d+) episodes, (\d+) transcripts, (\d+) insights", stages[2])
    assert sorted((title, int(episodes), int(transcripts)) for _, title, episodes, transcripts, _ in progress) == [
        ("Groundwork", 3, 3), ("The Slow Ledger", 2, 2)]
    assert all(int(insights) > 0 for *_, insights in progress)
    assert "5 new episodes" in stages[2] and "0 errors" in stages[2]


def test_the_insights_shown_are_said_in_the_sample_transcripts(stages: dict[int, str]) -> None:
    transcripts = {
        "Why your mortgage rate ignores the central bank": "slow-ledger-42",
        "The four-day week, one year later": "slow-ledger-41",
        "Batteries are eating the evening peak": "groundwork-88",
        "Heat pumps in cold places": "groundwork-87",
        "Copper, the quiet bottleneck": "groundwork-86",
    }
    shown = _insights_by_episode(stages[3])
    assert set(shown) == set(transcripts)
    for episode, insights in shown.items():
        assert insights, f"no insights shown for {episode}"
        spoken = _transcript_words(transcripts[episode])
        for insight in insights:
            assert len(insight.split()) >= 8 and _words(insight) in spoken, (episode, insight)


def test_the_channel_gets_todays_digest_on_its_topics(stages: dict[int, str]) -> None:
    assert f"Added {DEMO_TOPICS}." in stages[4]
    assert "the digest arrives at" in stages[4]
    digest = stages[5]
    assert ": delivered" in digest
    assert "TODAY'S PODCAST INSIGHTS" in digest
    assert re.search(rf"The top \d for {re.escape(DEMO_TOPICS)}\.", digest)
    items = re.findall(r"Why: matched: ([a-z ]+)", digest)
    assert items and set(items) <= {"mortgage rates", "batteries"}
    assert "#general · item 1" in digest


def test_a_bookmark_reaction_saves_the_item_and_saved_lists_it(stages: dict[int, str]) -> None:
    saving = stages[6]
    note = re.search(r":bookmark: Saved “(.+?)…”", saving.replace("\n  ", " "))
    assert note is not None
    assert "Your saved insights (1–1 of 1" in saving
    listed = saving.split("Your saved insights", 1)[1]
    assert _words(note.group(1)) in _words(listed)
    assert _words(note.group(1)) in _words(stages[5]), "the saved item is one the digest posted"


def test_the_searches_answer_from_the_scanned_podcasts(stages: dict[int, str]) -> None:
    search = stages[7]
    heat_pumps = search.split("/insights heat pumps", 1)[1].split("You typed:", 1)[0]
    assert re.search(r"The \d best matches for heat pumps", heat_pumps)
    assert "Groundwork · Heat pumps in cold places" in heat_pumps
    assert "morgage → mortgage" in search  # a typo still finds the mortgage episode
    assert "Did you mean `/insights help`?" in search
    assert "I couldn't find any insights for quantum knitting" in search
    assert "Share in channel" in search and "Shared by @U0ALICE" in search


def test_the_sample_host_serves_only_its_files_and_the_default_fetcher_refuses_it() -> None:
    now = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)
    with SampleFeeds(now) as host:
        feeds = host.feed_urls()
        assert [Path(url).name for url in feeds] == ["groundwork.xml", "slow-ledger.xml"]
        with urllib.request.urlopen(feeds[0], timeout=5) as response:
            body = response.read().decode()
        assert "{{" not in body and f"{host.base_url}/transcripts/groundwork-88.vtt" in body
        assert "Wed, 02 Dec 2026 00:00:00 +0000" in body  # {{HOURS_AGO:7}} before 07:00
        for path in ("/feeds/../demo.py", "/sample_insights.jsonl", "/transcripts/missing.vtt"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(host.base_url + path, timeout=5)
            assert refused.value.code == 404
        served = len(host.requests)
        with Fetcher() as fetch:  # the scanner's default: loopback is refused, not fetched
            result = fetch(feeds[0])
        assert result.error and len(host.requests) == served
