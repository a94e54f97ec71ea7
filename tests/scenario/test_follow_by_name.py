"""Following a podcast by its name: `/insights feeds search`, the Follow button, Apple Podcasts pages.

The real app over signed HTTP, a loopback podcast directory answering in the iTunes Search API's
shapes (tests/directory_standin.py) and a loopback feed server for the feeds it lists. On SQLite
and PostgreSQL.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import build_deps
from bot.config import Settings
from bot.feeds.search_blocks import FOLLOW_ACTION
from standin.local_server import LocalServer
from standin.slack_api import SlackStandIn
from standin.slack_requests import block_action_body
from storage.models import Feed, FeedSubscription
from tests.directory_standin import DirectoryStandIn, Listing
from tests.integration.feed_server import FeedServer, static
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace
from tests.scenario.multi_workspace import (
    CHANNEL,
    NAME_A,
    NAME_B,
    NOW,
    TEAM_A,
    TEAM_B,
    TOKEN_A,
    TOKEN_B,
    USER,
    Clock,
    multi_settings,
    running_podbrief,
)
from tests.slack_checks import assert_valid_message, shown_text

ACME, BETA = "T0ACME", "T0BETA"
ADMIN, MEMBER = "U0ADMIN", "U0MEMBER"
_names = itertools.count()


def podcast_feed(title: str) -> bytes:
    items = "".join(
        f"<item><title>Episode {n}</title><guid>ep-{n}</guid><description>Notes {n} about slow fermentation."
        f"</description><pubDate>Mon, 0{n + 1} Mar 2026 06:00:00 GMT</pubDate></item>" for n in range(3)
    )
    return f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def directory(feeds: FeedServer) -> Iterator[DirectoryStandIn]:
    with DirectoryStandIn(slow_seconds=2.0) as standin:
        standin.add(
            Listing(1528594034, "Hard Fork", "The New York Times", episodes=212,
                    feed_url=feeds.route("/hardfork.xml", static(podcast_feed("Hard Fork")))),
            Listing(77, "Hard Fork Fan Club", "Fans", episodes=3, feed_url=None, artwork_url=None),
        )
        yield standin


@pytest.fixture
def podbrief(database_url: str, slack: SlackStandIn, tmp_path: Path,
             directory: DirectoryStandIn) -> Iterator[Workspace]:
    """Podbrief with PODCAST_DIRECTORY_URL at the stand-in (its deadline shortened) and loopback feeds allowed."""
    settings = Settings(database_url=database_url, data_dir=tmp_path, slack_bot_token=TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url,
                        feeds_allow_private_addresses=True, podcast_directory_url=directory.url)
    deps = build_deps(settings)
    assert deps.directory.itunes_url == directory.url  # the setting reaches the listeners
    deps = replace(deps, directory=replace(deps.directory, deadline_seconds=0.5))
    slack.set_user(ADMIN, is_admin=True)
    with LocalServer(settings, deps) as server:
        yield Workspace(server, slack, deps)
    deps.engine.dispose()


def ask(podbrief: Workspace, text: str, team: str = ACME, user: str = ADMIN) -> dict[str, Any]:
    answer = podbrief.command(text, name=f"ask-{next(_names)}", team_id=team, user_id=user)
    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    return answer


def follow_buttons(answer: dict[str, Any]) -> list[str]:
    return [element["value"] for block in answer["blocks"] if block["type"] == "actions"
            for element in block["elements"] if element.get("action_id") == FOLLOW_ACTION]


def followed_by(podbrief: Workspace, team: str) -> list[str]:
    with podbrief.deps.sessions() as session:
        return list(session.scalars(select(Feed.url).join(FeedSubscription, FeedSubscription.feed_id == Feed.id)
                                    .where(FeedSubscription.team_id == team)))


def test_a_search_shows_the_podcasts_and_follow_adds_the_feed_for_that_workspace_only(
    podbrief: Workspace, feeds: FeedServer,
) -> None:
    answer = ask(podbrief, "feeds search hard fork")
    shown = shown_text(answer)
    assert "*Hard Fork*\nby The New York Times · 212 episodes" in shown
    assert "*Hard Fork Fan Club*\nby Fans · 3 episodes · no public feed listed" in shown
    artwork = [b["accessory"] for b in answer["blocks"] if b["type"] == "section" and "accessory" in b]
    assert [a["type"] for a in artwork] == ["image"] and artwork[0]["image_url"].startswith("https://")
    feed_url = feeds.url("/hardfork.xml")
    assert follow_buttons(answer) == [feed_url]  # no button for the podcast without a feed
    assert "Hard Fork" in answer["text"]

    clicked = podbrief.click(FOLLOW_ACTION, feed_url, name="follow-acme", team_id=ACME, user_id=ADMIN)
    assert_valid_message(clicked)
    assert f"Now following *<{feed_url}|Hard Fork>* (id 1): 3 episodes." in shown_text(clicked)
    assert followed_by(podbrief, ACME) == [feed_url]
    assert "Hard Fork" in shown_text(ask(podbrief, "feeds list"))

    beta = shown_text(ask(podbrief, "feeds list", team=BETA))
    assert "Hard Fork" not in beta and "hardfork" not in beta
    assert followed_by(podbrief, BETA) == []


def test_follow_is_refused_to_a_member_as_feeds_add_is(podbrief: Workspace, feeds: FeedServer) -> None:
    clicked = podbrief.click(FOLLOW_ACTION, feeds.url("/hardfork.xml"), name="follow-member", team_id=ACME,
                             user_id=MEMBER)
    assert "Only workspace admins and owners can manage podcast feeds" in shown_text(clicked)
    assert followed_by(podbrief, ACME) == []


def test_a_follow_button_with_a_feed_that_is_not_one_says_why(podbrief: Workspace, feeds: FeedServer) -> None:
    page = feeds.route("/page.html", static(b"<html><body>hello</body></html>", "text/html"))
    clicked = podbrief.click(FOLLOW_ACTION, page, name="follow-page", team_id=ACME, user_id=ADMIN)
    assert "cannot be used: it is a web page (HTML), not a podcast feed" in shown_text(clicked)
    clicked = podbrief.click(FOLLOW_ACTION, "javascript:alert(1)", name="follow-js", team_id=ACME, user_id=ADMIN)
    assert "no usable feed address" in shown_text(clicked)
    assert followed_by(podbrief, ACME) == []


def test_an_apple_podcasts_page_in_feeds_add_follows_its_feed(podbrief: Workspace, feeds: FeedServer) -> None:
    answer = shown_text(ask(podbrief, "feeds add <https://podcasts.apple.com/us/podcast/hard-fork/id1528594034>"))
    assert f"Now following *<{feeds.url('/hardfork.xml')}|Hard Fork>*" in answer
    assert followed_by(podbrief, ACME) == [feeds.url("/hardfork.xml")]
    unknown = shown_text(ask(podbrief, "feeds add https://podcasts.apple.com/us/podcast/gone/id999"))
    assert "cannot be used: it is an Apple Podcasts page, but the podcast directory knows no podcast with id 999" \
        in unknown


def test_nothing_found_and_a_failing_directory_are_answered_plainly(
    podbrief: Workspace, directory: DirectoryStandIn,
) -> None:
    assert "The podcast directory found no podcast for “knitting at dawn”" in shown_text(
        ask(podbrief, "feeds search knitting at dawn"))
    for mode, words in (("error", "the podcast directory is having trouble"),
                        ("malformed", "the podcast directory answered something that is not JSON"),
                        ("slow", "the podcast directory didn't answer in time")):
        directory.mode = mode
        answer = shown_text(ask(podbrief, "feeds search hard fork"))
        assert f"I couldn't search for “hard fork”: {words}" in answer, answer
        assert "feeds add https://…" in answer
    assert "Which podcast should I look for?" in shown_text(ask(podbrief, "feeds search"))
    assert "at most 200 characters" in shown_text(ask(podbrief, "feeds search " + "fork " * 60))


def test_hostile_directory_text_is_escaped_in_every_field(podbrief: Workspace, directory: DirectoryStandIn,
                                                         feeds: FeedServer) -> None:
    directory.add(Listing(5, "Evil <!channel> *Fake* <https://evil.example.com|Bank>", "A&B <@U0BOSS>",
                          feed_url=feeds.url("/evil.xml"), episodes=1))
    answer = ask(podbrief, "feeds search evil")
    everything = shown_text(answer) + answer["text"]
    for raw in ("<!channel>", "<@U0BOSS>", "<https://evil.example.com|Bank>"):
        assert raw not in everything
    assert "&lt;!channel&gt; ∗Fake∗" in shown_text(answer) and "A&amp;B" in shown_text(answer)


def test_with_many_workspaces_installed_follow_is_the_clicking_workspaces_alone(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, directory: DirectoryStandIn,
    feeds: FeedServer,
) -> None:
    """Multi-workspace mode (OAuth installs, a token each): the click's team is the one its installation says."""
    monkeypatch.chdir(tmp_path)
    with SlackStandIn(bot_token="xoxb-never-used", team_id="T0NOBODY") as slack:
        settings = replace(multi_settings(database_url, tmp_path, slack.api_url), feeds_allow_private_addresses=True,
                           podcast_directory_url=directory.url)
        slack.set_user(USER, is_admin=True)
        with running_podbrief(settings, slack, Clock(NOW), with_insights=False) as app:
            app.install(TEAM_A, NAME_A, TOKEN_A)
            app.install(TEAM_B, NAME_B, TOKEN_B)
            found = app.command(TEAM_A, "feeds search hard fork")
            feed_url = feeds.url("/hardfork.xml")
            assert follow_buttons(found) == [feed_url]
            body, content_type = block_action_body(FOLLOW_ACTION, feed_url, response_url=slack.response_url("a"),
                                                   team_id=TEAM_A, channel_id=CHANNEL, user_id=USER)
            assert app.server.post(body, content_type).status == 200
            assert "Now following *<" in shown_text(slack.wait_for("response_url:a", timeout=30).params)
            app.listeners.wait_idle()
            assert "Hard Fork" in shown_text(app.command(TEAM_A, "feeds list"))
            beta = shown_text(app.command(TEAM_B, "feeds list"))
            assert "Hard Fork" not in beta and "hardfork" not in beta
            with app.deps.sessions() as session:
                teams = list(session.scalars(select(FeedSubscription.team_id)))
            assert teams == [TEAM_A]


def test_a_directory_feed_on_a_private_address_is_refused_like_a_typed_one(
    database_url: str, slack: SlackStandIn, tmp_path: Path, directory: DirectoryStandIn, feeds: FeedServer,
) -> None:
    """The directory's own (configured) address may be loopback; the feeds it lists get no such pass."""
    settings = Settings(database_url=database_url, data_dir=tmp_path, slack_bot_token=TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url,
                        podcast_directory_url=directory.url)
    deps = build_deps(settings)
    slack.set_user(ADMIN, is_admin=True)
    try:
        with LocalServer(settings, deps) as server:
            podbrief = Workspace(server, slack, deps)
            found = ask(podbrief, "feeds search hard fork")
            assert follow_buttons(found) == [feeds.url("/hardfork.xml")]
            clicked = podbrief.click(FOLLOW_ACTION, feeds.url("/hardfork.xml"), name="private", team_id=ACME,
                                     user_id=ADMIN)
            assert "127.0.0.1 is a private or local address, which Podbrief does not fetch" in shown_text(clicked)
            assert followed_by(podbrief, ACME) == []
    finally:
        deps.engine.dispose()
