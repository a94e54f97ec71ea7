"""Nothing a feed or an import file says can drive the operator's terminal through `podbrief` output."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.main import main
from insights.model import NewInsight
from storage.insights_store import InsightWriter
from tests.integration.feed_server import FeedServer, static

SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")
#: Anything a terminal acts on: C0 controls but the line feed, DEL, C1 controls, bidi overrides and isolates.
TERMINAL_CONTROLS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Well-formed XML carrying what a terminal acts on: a C1 CSI and a right-to-left override as character
#: references, and in the HTML show notes an OSC 8 hyperlink, a window retitle and clear screen as HTML
#: character references (`&amp;#27;` is the text `&#27;`, which the show notes' HTML turns into ESC).
C1_AND_BIDI = "&#155;31m&#157;0;x&#8238;"
IN_HTML = "&amp;#27;]8;;https://evil.example&amp;#7;&amp;#27;]0;owned&amp;#7;&amp;#27;[2J"
RAW = "\x1b]8;;https://evil.example\x07\x1b]0;owned\x07\x1b[2J\x9d31m\u202e"

FEED = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel>
<title>Chip Lines {C1_AND_BIDI}</title>
<link>https://example.org/</link>
<description>Chips and policy.</description>
<item>
<title>Export controls {C1_AND_BIDI} episode</title>
<guid>ep-1</guid>
<pubDate>Mon, 30 Nov 2026 08:00:00 GMT</pubDate>
<link>https://example.org/ep/1</link>
<description>Export controls on advanced chips pushed buyers toward older fabrication nodes within a year.
Heat pumps cut winter bills most in homes that were insulated first, according to three utility studies.
Grid batteries now set evening power prices {IN_HTML} in sunny regions, which changes how utilities plan.</description>
</item>
</channel></rss>"""


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        environ: dict[str, str | None] = dict.fromkeys(SLACK_VARS)
        environ.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
        return CliRunner().invoke(main, list(args), env=environ, catch_exceptions=False)

    return invoke


@pytest.fixture
def hostile_feed() -> Iterator[str]:
    with FeedServer() as running:
        running.route("/hostile.xml", static(FEED.encode("utf-8"), etag='"1"'))
        yield running.url("/hostile.xml")


def assert_inert(result: Result) -> None:
    for stream in (result.stdout, result.stderr):
        assert TERMINAL_CONTROLS.findall(stream) == [], stream


def test_feed_titles_and_insights_with_escape_sequences_print_inert(cli, hostile_feed: str) -> None:  # type: ignore[no-untyped-def]
    added = cli("feeds", "add", "--allow-private-addresses", hostile_feed)
    assert added.exit_code == 0, added.output
    assert_inert(added)
    listed = cli("feeds", "list")
    assert "Chip Lines" in listed.output
    assert_inert(listed)
    scanned = cli("scan", "--once", "--all", "--allow-private-addresses")
    assert_inert(scanned)
    found = cli("search", "heat pumps winter bills")
    assert "Heat pumps cut winter bills" in found.output and "Chip Lines" in found.output
    assert_inert(found)
    assert_inert(cli("digest", "preview"))
    removed = cli("feeds", "remove", "1")
    assert "Stopped following" in removed.output
    assert_inert(removed)


def test_json_output_keeps_the_text_exactly_but_escapes_what_a_terminal_acts_on(cli, hostile_feed: str) -> None:  # type: ignore[no-untyped-def]
    cli("feeds", "add", "--allow-private-addresses", hostile_feed)
    for args in (("search", "heat pumps winter bills", "--json"), ("digest", "preview", "--json")):
        result = cli(*args)
        assert_inert(result)
        first = json.loads(result.stdout)[0]
        assert "\x9d0;x\u202e" in first["podcast"]


def test_stored_insights_with_escape_sequences_print_inert_and_exact_in_json(cli, sessions: sessionmaker[Session]) -> None:  # type: ignore[no-untyped-def]
    text = f"Grid batteries now set evening {RAW} power prices in sunny regions."
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(text, podcast=f"Pod{RAW}", episode=f"Ep{RAW}", topics=(f"grid{RAW}",))])
    found = cli("search", "grid batteries evening")
    assert "Grid batteries now set evening" in found.output
    assert_inert(found)
    as_json = cli("search", "grid batteries evening", "--json")
    assert_inert(as_json)
    assert json.loads(as_json.stdout)[0]["text"] == text
    assert_inert(cli("digest", "preview", "--topics", "grid"))


def test_an_import_file_with_escapes_in_its_name_and_cells_reports_inert(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / ("insights" + RAW.replace("/", "") + ".csv")
    source.write_text(
        f"text,podcast,published_at,url\n"
        f"Grid batteries now set evening{RAW} power prices in sunny regions.,Pod{RAW},2024-05-01,https://example.org/1\n"
        f"Heat pumps cut winter bills most in homes that were insulated first.,Pod,not a date{RAW},\n"
        f"Solar pays back in six years.,Pod,,https://example.org/{RAW}\n",
        encoding="utf-8",
    )
    result = cli("import", str(source))
    assert result.exit_code == 1 and "1 insights added" in result.output and "2 skipped" in result.output
    assert_inert(result)
    found = cli("search", "grid batteries evening")
    assert "Grid batteries now set evening" in found.output
    assert_inert(found)
