"""`podbrief feeds search` and Apple Podcasts pages in `podbrief feeds add`, against the loopback directory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import create_engine, select

from bot.cli.main import main
from storage.models import OPERATOR_TEAM, Feed, FeedSubscription
from tests.directory_standin import DirectoryStandIn, Listing
from tests.integration.feed_server import FeedServer, static

SLACK_VARS = ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL")
FEED = b"""<rss version="2.0"><channel><title>Hard Fork</title>
<item><title>One</title><guid>1</guid><description>Notes.</description></item></channel></rss>"""

Cli = Callable[..., Result]


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.route("/hardfork.xml", static(FEED))
        yield server


@pytest.fixture
def directory(feeds: FeedServer) -> Iterator[DirectoryStandIn]:
    with DirectoryStandIn() as standin:
        standin.add(Listing(1528594034, "Hard Fork", "The New York Times\x1b[31m", feed_url=feeds.url("/hardfork.xml"),
                            episodes=212),
                    Listing(77, "Hard Fork Fan Club", "Fans", feed_url=None))
        yield standin


@pytest.fixture
def cli(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directory: DirectoryStandIn) -> Cli:
    monkeypatch.chdir(tmp_path)

    def invoke(*args: str) -> Result:
        environ: dict[str, str | None] = dict.fromkeys(SLACK_VARS)
        environ.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", "PODCAST_DIRECTORY_URL": directory.url})
        return CliRunner().invoke(main, list(args), env=environ, catch_exceptions=False)

    return invoke


def library(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(Feed.url).join(FeedSubscription, FeedSubscription.feed_id == Feed.id)
                                           .where(FeedSubscription.team_id == OPERATOR_TEAM)))
    finally:
        engine.dispose()


def test_a_search_lists_the_matches_and_follow_adds_one_to_the_library(cli: Cli, feeds: FeedServer,
                                                                       database_url: str) -> None:
    found = cli("feeds", "search", "hard", "fork")
    assert found.exit_code == 0, found.output
    assert " 1. Hard Fork  (by The New York Times" in found.output
    assert "212 episodes)\n    " + feeds.url("/hardfork.xml") in found.output
    assert " 2. Hard Fork Fan Club  (by Fans, 0 episodes)\n    no public feed listed" in found.output
    assert "\x1b[31m" not in found.output  # directory text is made printable
    assert "--follow N" in found.output

    followed = cli("feeds", "search", "hard", "fork", "--follow", "1", "--allow-private-addresses")
    assert followed.exit_code == 0, followed.output
    assert "✓ Hard Fork (id 1): 1 episodes" in followed.output
    assert library(database_url) == [feeds.url("/hardfork.xml")]
    refused = cli("feeds", "search", "hard", "fork", "--follow", "2")
    assert refused.exit_code == 1 and "There is no match 2 with a feed to follow." in refused.output


def test_an_apple_podcasts_page_is_followed_through_its_feed(cli: Cli, feeds: FeedServer, database_url: str) -> None:
    added = cli("feeds", "add", "--allow-private-addresses",
                "https://podcasts.apple.com/us/podcast/hard-fork/id1528594034")
    assert added.exit_code == 0, added.output
    assert "✓ Hard Fork (id 1)" in added.output
    assert library(database_url) == [feeds.url("/hardfork.xml")]


def test_nothing_found_and_a_failing_directory_are_said_plainly(cli: Cli, directory: DirectoryStandIn) -> None:
    nothing = cli("feeds", "search", "knitting")
    assert nothing.exit_code == 0 and "found no podcast for “knitting”" in nothing.output
    directory.mode = "error"
    failed = cli("feeds", "search", "hard", "fork")
    assert failed.exit_code == 1
    assert "Cannot search for “hard fork”: the podcast directory is having trouble" in failed.output
    assert "Traceback" not in failed.output
    too_long = cli("feeds", "search", "x" * 300)
    assert too_long.exit_code == 2 and "at most 200 characters" in too_long.output
