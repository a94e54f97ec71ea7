"""Pure renderers of saved insights: export files, the saved list, the Home tab."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta

from slack_sdk.models.views import View

from bot.home.blocks import HomeContent, HomeDigest, home_blocks
from bot.saving.blocks import MORE_ACTION, PAGE_SIZE, saved_page
from bot.saving.export import CSV_COLUMNS, export_csv, export_markdown
from insights.model import Insight
from insights.schedule import DigestSchedule
from insights.targets import DigestTarget
from storage.saved_store import Saved
from tests.slack_checks import assert_valid_blocks, assert_valid_message

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def saved(n: int, text: str | None = None) -> Saved:
    insight = Insight(n, text or f"Insight number {n} says something specific.", podcast="Chip Lines",
                      episode=f"Episode {n}", url=f"https://example.org/ep/{n}", audio_url=f"https://cdn.example.org/{n}.mp3",
                      start_seconds=3723.0, published_at=NOW - timedelta(days=n), topics=("chips", "policy"))
    return Saved(insight, NOW - timedelta(hours=n))


def test_the_markdown_export_quotes_each_insight_with_its_source_and_links() -> None:
    text = export_markdown([saved(1), saved(2, "Use [brackets] *carefully*")], NOW)
    assert "2 insights, exported from Podbrief on 2026-11-20 09:00 UTC." in text
    assert "> Insight number 1 says something specific." in text
    assert "— **Chip Lines** · [Episode 1](https://example.org/ep/1) · 2026-11-19" in text
    assert "- Listen at 1:02:03: https://cdn.example.org/1.mp3#t=3723" in text
    assert "- Topics: chips, policy" in text
    assert r"> Use \[brackets\] \*carefully\*" in text  # the insight as said, escaped so it renders as written


def test_the_csv_export_has_one_row_per_insight_and_defuses_formulas() -> None:
    table = export_csv([saved(1), saved(2, '=HYPERLINK("x"), with "quotes"')])
    rows = list(csv.DictReader(io.StringIO(table)))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[0]["moment_url"] == "https://cdn.example.org/1.mp3#t=3723" and rows[0]["start_seconds"] == "3723"
    assert rows[1]["insight"] == '\'=HYPERLINK("x"), with "quotes"'


def test_a_saved_page_has_unsave_buttons_and_more_when_there_are_more() -> None:
    message = saved_page([saved(n) for n in range(PAGE_SIZE)], 0, 25)
    assert_valid_message(message.as_kwargs())
    blocks = message.as_kwargs()["blocks"]
    more = next(b for b in blocks if b["type"] == "actions")["elements"][0]
    assert more["action_id"] == MORE_ACTION and more["value"] == "10" and "15 left" in more["text"]["text"]
    last = saved_page([saved(n) for n in range(5)], 20, 25).as_kwargs()["blocks"]
    assert not any(b["type"] == "actions" for b in last)


def test_the_home_tab_stays_valid_and_under_100_blocks_when_everything_is_full() -> None:
    schedule = DigestSchedule(time(9, 0), "Europe/Berlin")
    digests = [HomeDigest(DigestTarget("T1", f"C{n:04d}", topics=tuple(f"topic {i}" for i in range(20)),
                                       schedule=schedule), NOW + timedelta(hours=n)) for n in range(20)]
    digests.append(HomeDigest(DigestTarget("T1", "U1", kind="user", schedule=schedule, paused=True,
                                           paused_reason="<script> paused"), None))
    content = HomeContent([saved(n, "x" * 3000) for n in range(10)], 500, digests, ("bookmark", "star"), NOW,
                          "I couldn't list your channels just now.")
    blocks = [b.to_dict() for b in home_blocks(content)]
    View(type="home", blocks=blocks).validate_json()
    assert_valid_blocks(blocks, limit=100)
    text = str(blocks)
    assert "490 more" in text and "paused (&lt;script&gt; paused)" in text and ":star:" in text


def test_the_home_tab_names_a_digests_days_unless_it_comes_every_day() -> None:
    custom = DigestSchedule(time(9, 0), "Europe/Berlin", frozenset({0, 2, 4}))
    digests = [HomeDigest(DigestTarget("T1", "C0MWF", schedule=custom), NOW),
               HomeDigest(DigestTarget("T1", "C0DAILY", schedule=DigestSchedule(time(9, 0), "UTC")), NOW)]
    sections = [str(b.to_dict()) for b in home_blocks(HomeContent([], 0, digests, ("bookmark",), NOW))]
    [mwf] = [s for s in sections if "C0MWF" in s]
    [daily] = [s for s in sections if "C0DAILY" in s]
    assert "on Mondays, Wednesdays and Fridays" in mwf and not any(w in daily for w in ("every day", "Monday", "weekdays"))


def test_an_empty_home_tab_explains_how_to_start() -> None:
    blocks = [b.to_dict() for b in home_blocks(HomeContent([], 0, [], ("pushpin",), NOW))]
    View(type="home", blocks=blocks).validate_json()
    assert "React with :pushpin:" in str(blocks) and "/insights digest at 9:00" in str(blocks)
