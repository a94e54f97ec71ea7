"""Podcast feeds end to end: `/insights feeds …` through the real app, feeds from a loopback server."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import func, select

from bot.bootstrap import build_deps
from bot.config import Settings
from bot.runtime.scheduler import SCAN_JOB_ID, build_jobs, feed_scan_tick
from standin.local_server import LocalServer
from standin.slack_api import SlackStandIn
from storage import feeds_store
from storage.channels_store import get_workspace
from storage.models import InsightRow
from tests.integration.feed_server import HTML_PAGE, FeedServer, billion_laughs, static, status
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace
from tests.slack_checks import assert_valid_message, shown_text

TEAM = "T0STANDIN"
ALICE, ADMIN = "U0ALICE", "U0ADMIN"
NOTES = (
    "Zymurgists say slow fermentation at low temperatures keeps the hop aroma in the finished beer.",
    "Small breweries that share one canning line cut their packaging costs by almost half.",
)
_names = itertools.count()


def podcast(title: str = "Brew Science", notes: tuple[str, ...] = NOTES) -> bytes:
    items = "".join(
        f"<item><title>Episode {n}</title><guid>ep-{n}</guid><description>{text}</description>"
        f"<pubDate>Mon, 0{n + 1} Mar 2026 06:00:00 GMT</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" type="audio/mpeg" length="1"/></item>'
        for n, text in enumerate(notes)
    )
    return f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        yield server


@pytest.fixture
def local(database_url: str, slack: SlackStandIn, tmp_path: Path) -> Iterator[Workspace]:
    """Like `workspace`, but its fetcher may fetch from loopback (FEEDS_ALLOW_PRIVATE_ADDRESSES)."""
    settings = Settings(database_url=database_url, data_dir=tmp_path, slack_bot_token=TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url,
                        feeds_allow_private_addresses=True)
    deps = build_deps(settings)
    slack.set_user(ADMIN, is_admin=True)
    with LocalServer(settings, deps) as server:
        yield Workspace(server, slack, deps)
    deps.engine.dispose()


def ask(workspace: Workspace, text: str, user_id: str = ADMIN) -> str:
    """Type `/insights <text>` as `user_id`; the text of the checked ephemeral answer."""
    answer = workspace.command(text, name=f"feeds-{next(_names)}", user_id=user_id)
    assert answer["response_type"] == "ephemeral"
    assert_valid_message(answer)
    return shown_text(answer)




def insight_count(workspace: Workspace) -> int:
    with workspace.deps.sessions() as session:
        return session.scalar(select(func.count()).select_from(InsightRow)) or 0


def test_an_admin_adds_a_feed_and_sees_its_title_and_episode_count(local: Workspace, feeds: FeedServer) -> None:
    url = feeds.route("/brew.xml", static(podcast()))
    before = insight_count(local)
    answer = ask(local, f"feeds add <{url}|{url.removeprefix('http://')}>")
    assert f"Now following *<{url}|Brew Science>* (id 1): 2 episodes." in answer
    assert "arrive with the next feed scan" in answer
    assert insight_count(local) == before  # fetched once to check it; the scan extracts
    assert f"= *<{url}|Brew Science>* (id 1) is already followed" in ask(local, f"feeds add {url}")


def test_a_member_is_refused_unless_the_workspace_opened_feeds_to_all(local: Workspace, feeds: FeedServer) -> None:
    url = feeds.route("/brew.xml", static(podcast()))
    assert "Only workspace admins and owners can manage podcast feeds" in ask(local, f"feeds add {url}", ALICE)
    assert "Only workspace admins and owners can manage podcast feeds" in ask(local, "feeds list", ALICE)
    assert "Only workspace admins and owners can change who manages" in ask(local, "settings feeds open", ALICE)
    assert "*workspace admins and owners* only" in ask(local, "settings feeds", ALICE)

    assert "everyone in this workspace can add and remove podcast feeds now" in ask(local, "settings feeds open")
    with local.deps.sessions() as session:
        assert get_workspace(session, TEAM).feeds_open_to_all
    assert "Now following" in ask(local, f"feeds add {url}", ALICE)
    assert "Brew Science" in ask(local, "feeds list", ALICE)

    assert "only workspace admins and owners can add" in ask(local, "settings feeds admins")
    assert "Only workspace admins" in ask(local, "feeds remove 1", ALICE)


def test_feeds_that_cannot_be_used_say_why(local: Workspace, feeds: FeedServer) -> None:
    missing = feeds.route("/missing.xml", status(404))
    page = feeds.route("/page.html", static(HTML_PAGE, "text/html"))
    laughs = feeds.route("/laughs.xml", static(billion_laughs()))
    answer = ask(local, f"feeds add {missing} {page} {laughs} not-a-url")
    assert f"{missing}: cannot be used: the server answered 404 Not Found" in answer
    assert f"{page}: cannot be used: it is a web page (HTML), not a podcast feed" in answer
    assert f"{laughs}: cannot be used:" in answer and "declares XML entities" in answer
    assert "`not-a-url` skipped: it is not a web address" in answer
    assert "is not a feed address" in ask(local, "feeds add ftp://example.com/feed.xml")
    assert "This workspace follows no podcast feeds yet" in ask(local, "feeds list")


def test_without_the_setting_private_addresses_are_refused(workspace: Workspace, feeds: FeedServer) -> None:
    workspace.slack.set_user(ADMIN, is_admin=True)
    answer = ask(workspace, f"feeds add {feeds.route('/brew.xml', static(podcast()))}")
    assert "127.0.0.1 is a private or local address, which Podbrief does not fetch" in answer


def test_the_list_shows_last_checked_and_the_last_error(local: Workspace, feeds: FeedServer) -> None:
    good = feeds.route("/brew.xml", static(podcast()))
    flaky = feeds.route("/flaky.xml", static(podcast("Flaky Show")))
    ask(local, f"feeds add {good} {flaky}")
    feeds.route("/flaky.xml", status(500))
    deps = replace(local.deps, clock=lambda: datetime.now(UTC))
    feed_scan_tick(deps, timedelta(minutes=30), deps.clock)
    listed = ask(local, "feeds list")
    assert "This workspace follows 2 podcast feeds* (1 failing)" in listed
    assert "Last checked just now · last new episode just now · 2 episodes" in listed
    assert "Last error: the server answered 500 Internal Server Error (failed 1× in a row" in listed


def test_a_feed_is_removed_by_url_and_by_id(local: Workspace, feeds: FeedServer) -> None:
    first = feeds.route("/brew.xml", static(podcast()))
    second = feeds.route("/other.xml", static(podcast("Other Show")))
    ask(local, f"feeds add {first} {second}")
    assert f"Stopped following *<{first}|Brew Science>* (id 1) in this workspace." in ask(
        local, f"feeds remove <{first}>")
    assert "Stopped following *<" in ask(local, "feeds remove #2")
    assert "This workspace follows no feed with id 2" in ask(local, "feeds remove 2")
    assert "This workspace follows no feed with `https://nowhere.example/x`" in ask(local, "feeds remove https://nowhere.example/x")
    with local.deps.sessions() as session:
        assert feeds_store.list_feeds(session) == []


def test_the_scan_job_scans_due_feeds_and_makes_new_insights_searchable(local: Workspace, feeds: FeedServer) -> None:
    url = feeds.route("/brew.xml", static(podcast(), etag='"v1"'))
    ask(local, f"feeds add {url}")
    assert "slow fermentation" not in ask(local, "zymurgists fermentation")  # the vocabulary is now cached

    start = datetime.now(UTC)  # the feed was added (due at once) on the app's real clock
    summary = feed_scan_tick(local.deps, timedelta(minutes=30), lambda: start)
    assert (summary.feeds_checked, summary.new_episodes, summary.insights_added) == (1, 2, 2)
    assert "slow fermentation at low temperatures" in ask(local, "zymurgists fermentation")

    again = feed_scan_tick(local.deps, timedelta(minutes=30), lambda: start + timedelta(minutes=5))
    assert again.feeds_checked == 0  # not due again before the interval
    later = feed_scan_tick(local.deps, timedelta(minutes=30), lambda: start + timedelta(minutes=31))
    assert (later.feeds_checked, later.unchanged, later.insights_added) == (1, 1, 0)


def test_the_scan_job_is_registered_once_with_a_stable_id_and_can_be_turned_off(local: Workspace) -> None:
    scheduler = build_jobs(local.deps, 15, BackgroundScheduler(timezone=UTC))
    scheduler.start(paused=True)  # in the job store now, where the stable id replaces
    try:
        build_jobs(local.deps, 15, scheduler)
        jobs = [job for job in scheduler.get_jobs() if job.id == SCAN_JOB_ID]
    finally:
        scheduler.shutdown(wait=False)
    assert len(jobs) == 1
    assert jobs[0].trigger.interval == timedelta(minutes=15)
    assert (jobs[0].coalesce, jobs[0].max_instances) == (True, 1)
    off = build_jobs(local.deps, 0, BackgroundScheduler(timezone=UTC))
    assert off.get_job(SCAN_JOB_ID) is None and off.get_job("digest-tick") is not None


def test_in_single_workspace_mode_the_operators_feeds_are_listed_and_removed_in_slack_as_before(
    local: Workspace, feeds: FeedServer,
) -> None:
    url = feeds.route("/brew.xml", static(podcast()))
    with local.deps.sessions.begin() as session:  # as `podbrief feeds add` (and migration 0007) leave it
        feeds_store.add_feed(session, url, now=datetime.now(UTC), added_by="cli")
    assert f"<{url}|" in ask(local, "feeds list")
    assert "Stopped following" in ask(local, f"feeds remove {url}")
    with local.deps.sessions() as session:
        assert feeds_store.list_feeds(session) == []
