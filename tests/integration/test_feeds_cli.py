"""`podbrief feeds …` and `podbrief scan` against a loopback server, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import main
from tests.integration.feed_server import HTML_PAGE, FeedServer, static

SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")
LOCAL = "--allow-private-addresses"


@pytest.fixture
def server(fixtures_dir: Path) -> Iterator[FeedServer]:
    launched = (fixtures_dir / "feeds" / "launched-fireside.xml").read_bytes()
    head, *items = launched.split(b"<item>")
    small = head + b"".join(b"<item>" + i.split(b"</item>")[0] + b"</item>" for i in items[:3]) + b"</channel></rss>"
    with FeedServer() as running:
        running.route("/launched.xml", static(small, etag='"1"'))
        running.route("/page.html", static(HTML_PAGE, "text/html"))
        yield running


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        environ: dict[str, str | None] = dict.fromkeys(SLACK_VARS)
        environ.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"})
        return CliRunner().invoke(main, list(args), env=environ, catch_exceptions=False)

    return invoke


def test_adding_listing_scanning_and_removing_a_feed(cli, server: FeedServer) -> None:  # type: ignore[no-untyped-def]
    url = server.url("/launched.xml")
    added = cli("feeds", "add", LOCAL, url, server.url("/page.html"))
    assert added.exit_code == 1, added.output  # one of the two could not be used
    assert "✓ Launched (id 1): 3 episodes" in added.output
    assert "page.html: cannot be used: it is a web page (HTML)" in added.output
    listed = cli("feeds", "list")
    assert "Launched" in listed.output and "last checked just now" in listed.output
    assert "insights extracted" in listed.output and "last error" not in listed.output
    scanned = cli("scan", "--once", "--all", LOCAL)
    assert "1 feeds checked" in scanned.output and "1 unchanged" in scanned.output
    assert cli("feeds", "remove", "1").output.startswith("Stopped following Launched")
    assert "No feeds followed yet" in cli("feeds", "list").output


def test_a_feed_that_fails_shows_its_error_in_the_list(cli, server: FeedServer) -> None:  # type: ignore[no-untyped-def]
    cli("feeds", "add", LOCAL, server.url("/launched.xml"))
    server.route("/launched.xml", static(HTML_PAGE, "text/html"))
    scanned = cli("scan", "--once", "--all", LOCAL)
    assert "1 errors" in scanned.output and "web page (HTML)" in scanned.output
    assert "last error: it is a web page (HTML)" in cli("feeds", "list").output


def test_private_addresses_are_refused_without_the_flag(cli, server: FeedServer) -> None:  # type: ignore[no-untyped-def]
    result = cli("feeds", "add", server.url("/launched.xml"))
    assert result.exit_code == 1 and "private or local address" in result.output


def test_importing_an_opml_list_follows_its_feeds(cli, server: FeedServer, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        f'<opml version="2.0"><body><outline text="x"><outline xmlUrl="{server.url("/launched.xml")}"/>'
        f'</outline></body></opml>',
        encoding="utf-8",
    )
    result = cli("feeds", "import", LOCAL, str(opml))
    assert result.exit_code == 0, result.output
    assert "1 feeds added, 0 already followed, 0 could not be used." in result.output
    assert "1 feeds added" not in cli("feeds", "import", LOCAL, str(opml)).output
