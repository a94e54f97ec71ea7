"""Feeds belong to workspaces: nothing one workspace types, clicks or triggers changes or shows another's.

Two workspaces installed through OAuth (multi-workspace mode, the real app over HTTP), each
following a feed of its own from a loopback feed server, both seeing the operator's library
(the six imported insights of `multi_workspace`). Every `/insights` command, button and event
Beta can send is run from a table; after each one, nothing Beta was sent names Acme's feed or
its insights, and what Acme sees is exactly what it saw before. On SQLite and PostgreSQL.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.runtime.scheduler import feed_scan_tick
from bot.saving.blocks import UNSAVE_ACTION
from bot.shared.blocks import SAVE_ACTION, SHARE_ACTION
from bot.sharing.shortcuts import CALLBACK_ID as SHORTCUT_ID
from bot.sharing.workflow_step import CALLBACK_ID as STEP_ID
from bot.workspaces.lifecycle import purge_now
from standin.slack_api import SlackStandIn
from standin.slack_requests import block_action_body, function_executed_body, message_action_body
from storage.models import Feed, FeedSubscription, InsightRow
from tests.integration.feed_server import FeedServer, static
from tests.scenario.multi_workspace import (
    CHANNEL,
    CHIPS,
    NAME_A,
    NAME_B,
    NOW,
    TEAM_A,
    TEAM_B,
    TOKEN_A,
    TOKEN_B,
    USER,
    Clock,
    MultiPodbrief,
    multi_settings,
    podbrief_cli,
    running_podbrief,
    standin_fixture,  # noqa: F401 - used by name
)
from tests.slack_checks import shown_text

#: Acme's feed: words found nowhere else, so any answer naming them came from Acme's feed.
ACME_NOTES = (
    "Zymurgists say slow fermentation at low temperatures keeps the hop aroma in the finished beer.",
    "Small breweries that share one canning line for fermentation tanks cut their packaging costs by half.",
)
ACME_TITLE = "Brew Science Secrets"
#: Beta's feed.
BETA_NOTES = (
    "Reusable boosters brought the cost of a kilogram to orbit below two thousand dollars.",
    "Small satellites in low orbit now relay broadband to ships in the middle of the ocean.",
)
BETA_TITLE = "Orbit Notes"
#: Anything Beta is sent must never contain these (beyond what Beta typed itself).
ACME_SECRETS = ("hop aroma", "canning line", "Brew Science", "acme-feed", "fermentation", "zymurgist", "breweries")
_names = itertools.count()


def podcast(title: str, notes: tuple[str, ...]) -> bytes:
    """An RSS feed whose episodes came out the day before NOW (so digests may pick them)."""
    items = "".join(
        f"<item><title>{title} episode {n}</title><guid>{title}-{n}</guid><description>{text}</description>"
        f"<link>{episode_page(title, n)}</link>"
        f"<pubDate>Mon, 23 Nov 2026 0{n + 6}:00:00 GMT</pubDate>"
        f'<enclosure url="https://cdn.example.com/{n}.mp3" type="audio/mpeg" length="1"/></item>'
        for n, text in enumerate(notes)
    )
    return f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


def episode_page(title: str, n: int) -> str:
    """The page of a feed's episode `n` (each feed's own; the audio URLs are the same in both feeds)."""
    return f"https://pods.example.com/{title.split()[0].lower()}/{n}"


@dataclass
class Tenants:
    """Podbrief with Acme and Beta installed, each following its own feed (scanned)."""

    app: MultiPodbrief
    feeds: FeedServer
    acme_url: str
    beta_url: str

    def ask(self, team: str, text: str) -> str:
        answer = self.app.command(team, text)
        return shown_text(answer) if "blocks" in answer else str(answer.get("text", ""))

    def types(self, team: str, text: str) -> str:
        """Type `/insights <text>` in `team`; returns what was typed (an echo of it reveals nothing)."""
        self.ask(team, text)
        return text

    def click(self, team: str, action_id: str, value: str) -> list[dict[str, Any]]:
        """Click a button in `team`'s C1; what the click got back (response_url posts and messages)."""
        name = f"{team}-click-{next(_names)}"
        body, content_type = block_action_body(action_id, value, response_url=self.app.slack.response_url(name),
                                               team_id=team, channel_id=CHANNEL, user_id=USER)
        assert self.app.server.post(body, content_type).status == 200
        self.app.listeners.wait_idle()
        return self.app.slack.responses(name) + self.app.slack.posted_messages(team_id=team)

    def scan(self) -> None:
        feed_scan_tick(self.app.deps, timedelta(minutes=30), self.app.clock)

    def insight_id(self, words: str) -> int:
        with self.app.deps.sessions() as session:
            found = session.scalar(select(InsightRow.id).where(InsightRow.text.contains(words)))
        assert found is not None, words
        return found

    def acme_view(self) -> dict[str, object]:
        """What Acme sees of its feeds and its feed's insights, and Acme's subscriptions, saves and feedback."""
        counts = self.app.row_counts(TEAM_A)
        with self.app.deps.sessions() as session:
            subscriptions = sorted(session.execute(select(FeedSubscription.team_id, FeedSubscription.feed_id)
                                                   .where(FeedSubscription.team_id == TEAM_A)).all())
        return {"feeds": self.ask(TEAM_A, "feeds list"), "search": self.ask(TEAM_A, "zymurgists fermentation"),
                "subscriptions": subscriptions, "saved": counts["saved_insights"], "feedback": counts["feedback"]}


@pytest.fixture
def tenants(database_url: str, standin: SlackStandIn, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Tenants]:
    monkeypatch.chdir(tmp_path)
    settings = replace(multi_settings(database_url, tmp_path, standin.api_url), feeds_allow_private_addresses=True)
    standin.set_user(USER, is_admin=True)
    with FeedServer() as feeds, running_podbrief(settings, standin, Clock(NOW), with_insights=True) as app:
        app.install(TEAM_A, NAME_A, TOKEN_A)
        app.install(TEAM_B, NAME_B, TOKEN_B)
        acme_url = feeds.route("/acme-feed.xml", static(podcast(ACME_TITLE, ACME_NOTES)))
        beta_url = feeds.route("/beta-feed.xml", static(podcast(BETA_TITLE, BETA_NOTES)))
        tenants = Tenants(app, feeds, acme_url, beta_url)
        assert "Now following" in tenants.ask(TEAM_A, f"feeds add {acme_url}")
        assert "Now following" in tenants.ask(TEAM_B, f"feeds add {beta_url}")
        tenants.scan()
        app.slack.reset()
        yield tenants


def acme_feed_id(tenants: Tenants) -> int:
    with tenants.app.deps.sessions() as session:
        found = session.scalar(select(Feed.id).where(Feed.url == tenants.acme_url))
    assert found is not None
    return found


def acme_insight(tenants: Tenants) -> str:
    return str(tenants.insight_id("Zymurgists"))


def home_opened(tenants: Tenants) -> None:
    tenants.app.event(TEAM_B, {"type": "app_home_opened", "user": USER, "channel": "D1", "tab": "home",
                               "event_ts": f"{time.time():.6f}"})


def digests_run(tenants: Tenants) -> None:
    tenants.app.run_digests(NOW)


def react_to_acmes_digest_item(tenants: Tenants) -> None:
    """Acme's C1 gets a digest of its feed; Beta's U1 reacts in Beta's C1 on the same ts (ids repeat across teams)."""
    for command in ("topics add fermentation", "digest at 9:00 UTC"):
        tenants.ask(TEAM_A, command)
    tenants.app.run_digests(NOW)
    items = [m for m in tenants.app.slack.posted_messages(team_id=TEAM_A) if "Zymurgists" in shown_text(m)]
    assert items, "Acme's digest carries its feed's insight"
    for emoji in ("bookmark", "+1", "-1"):
        tenants.app.react(TEAM_B, items[0]["ts"], emoji)
        tenants.app.react(TEAM_B, items[0]["ts"], emoji, added=False)


def pastes_a_link_both_feeds_name(tenants: Tenants) -> None:
    """Both feeds give their first episode the audio https://cdn.example.com/0.mp3: Beta's unfurl is Beta's."""
    url = "https://cdn.example.com/0.mp3"
    tenants.app.event(TEAM_B, {"type": "link_shared", "channel": CHANNEL, "user": USER, "source": "conversations_history",
                               "message_ts": "1800000009.000100", "event_ts": f"{time.time():.6f}",
                               "links": [{"domain": "cdn.example.com", "url": url}]})
    assert tenants.app.slack.calls("chat.unfurl", team_id=TEAM_B), "Beta's own episode unfurls"


def pastes_acmes_episode_page(tenants: Tenants) -> None:
    """A link to a page only Acme's feed names is left alone in Beta (no unfurl, nothing fetched)."""
    url = episode_page(ACME_TITLE, 0)
    tenants.app.event(TEAM_B, {"type": "link_shared", "channel": CHANNEL, "user": USER, "source": "conversations_history",
                               "message_ts": "1800000010.000100", "event_ts": f"{time.time():.6f}",
                               "links": [{"domain": "pods.example.com", "url": url}]})
    assert not tenants.app.slack.calls("chat.unfurl", team_id=TEAM_B), "Acme's episode unfurled in Beta"


def shortcut_on_acmes_words(tenants: Tenants) -> str:
    """The message shortcut on a message in Beta using Acme's words (what it typed is returned)."""
    name = f"{TEAM_B}-shortcut-{next(_names)}"
    message = {"type": "message", "user": USER, "ts": "1800000005.000100", "text": "zymurgists fermentation"}
    body, content_type = message_action_body(SHORTCUT_ID, message, response_url=tenants.app.slack.response_url(name),
                                             team_id=TEAM_B, channel_id=CHANNEL, user_id=USER)
    assert tenants.app.server.post(body, content_type).status == 200
    tenants.app.slack.wait_for(f"response_url:{name}", timeout=30)
    tenants.app.listeners.wait_idle()
    return message["text"]


def workflow_step_on_acmes_words(tenants: Tenants) -> str:
    """Beta's workflow runs the Top podcast insights step with Acme's words as topics."""
    n = next(_names)
    tenants.app.slack.add_workspace(TEAM_B, "xwfp-beta")  # the token Slack gives the step
    body, content_type = function_executed_body(STEP_ID, {"topics": "fermentation", "count": 10},
                                                execution_id=f"FxB{n}", event_id=f"EvFnB{n}", team_id=TEAM_B,
                                                bot_access_token="xwfp-beta")
    assert tenants.app.server.post(body, content_type).status == 200
    tenants.app.slack.wait_for(lambda c: c.method.startswith("functions.complete")
                               and c.params.get("function_execution_id") == f"FxB{n}", timeout=30)
    return "fermentation"


#: Everything Beta's admin can do: a command typed, a button clicked or an event sent (with Acme's ids
#: and URL where a command takes one), each as (name, action).
BETA_DOES: list[tuple[str, Callable[[Tenants], object]]] = [
    ("feeds list", lambda t: t.types(TEAM_B, "feeds list")),
    ("feeds", lambda t: t.types(TEAM_B, "feeds")),
    ("feeds remove by Acme's id", lambda t: t.types(TEAM_B, f"feeds remove {acme_feed_id(t)}")),
    ("feeds remove by Acme's url", lambda t: t.types(TEAM_B, f"feeds remove {t.acme_url}")),
    ("feeds add another feed", lambda t: t.types(TEAM_B, f"feeds add {t.feeds.url('/missing.xml')}")),
    ("settings feeds open", lambda t: t.types(TEAM_B, "settings feeds open")),
    ("search Acme's words", lambda t: t.types(TEAM_B, "zymurgists fermentation")),
    ("search with a typo", lambda t: t.types(TEAM_B, "fermentaton breweries")),
    ("search Acme's podcast title", lambda t: t.types(TEAM_B, "brew science secrets")),
    ("topics add Acme's words", lambda t: t.types(TEAM_B, "topics add fermentation")),
    ("digest at", lambda t: t.types(TEAM_B, "digest at 9:00 UTC")),
    ("digest settings", lambda t: t.types(TEAM_B, "digest")),
    ("digest preview", lambda t: t.types(TEAM_B, "digest preview")),
    ("digest now", lambda t: t.types(TEAM_B, "digest now")),
    ("me topics add Acme's words", lambda t: t.types(TEAM_B, "me topics add fermentation")),
    ("me digest at", lambda t: t.types(TEAM_B, "me digest at 7:30 UTC")),
    ("me digest", lambda t: t.types(TEAM_B, "me digest")),
    ("the scheduled digests", digests_run),
    ("share button with Acme's insight", lambda t: t.click(TEAM_B, SHARE_ACTION, acme_insight(t))),
    ("save button with Acme's insight", lambda t: t.click(TEAM_B, SAVE_ACTION, acme_insight(t))),
    ("unsave button with Acme's insight", lambda t: t.click(TEAM_B, UNSAVE_ACTION, acme_insight(t))),
    ("saved", lambda t: t.types(TEAM_B, "saved")),
    ("saved search", lambda t: t.types(TEAM_B, "saved fermentation")),
    ("home tab", home_opened),
    ("reactions on the ts of Acme's digest item", react_to_acmes_digest_item),
    ("help", lambda t: t.types(TEAM_B, "help")),
    ("a pasted link both feeds name", pastes_a_link_both_feeds_name),
    ("a pasted link to Acme's episode page", pastes_acmes_episode_page),
    ("message shortcut on Acme's words", shortcut_on_acmes_words),
    ("workflow step on Acme's words", workflow_step_on_acmes_words),
]


def everything_sent_to(tenants: Tenants, team: str) -> str:
    """Every request that reached Slack on `team`'s behalf, and every post to `team`'s response URLs
    (named after the team by `MultiPodbrief.command` and `Tenants.click`), as one text."""
    calls = [c for c in tenants.app.slack.calls() if c.team_id == team or c.method.startswith(f"response_url:{team}-")]
    return "\n".join(json.dumps(c.params, ensure_ascii=False) for c in calls)


@pytest.mark.parametrize(("name", "action"), BETA_DOES, ids=[n for n, _ in BETA_DOES])
def test_nothing_beta_does_shows_or_changes_anything_of_acmes_feeds(
    tenants: Tenants, name: str, action: Callable[[Tenants], object],
) -> None:
    before = tenants.acme_view()
    assert ACME_TITLE in str(before["feeds"]) and "Zymurgists" in str(before["search"]), "Acme sees its own feed"
    tenants.app.slack.reset()
    typed = action(tenants)
    seen = everything_sent_to(tenants, TEAM_B).lower()
    for word in typed.lower().split() if isinstance(typed, str) else ():
        seen = seen.replace(word, "")  # an echo of what Beta typed itself reveals nothing
    leaked = [secret for secret in ACME_SECRETS if secret.lower() in seen]
    assert not leaked, f"{name}: Beta was sent {leaked}"
    assert tenants.acme_view() == before, f"{name} changed what Acme sees"


def test_each_workspace_lists_only_the_feeds_it_follows(tenants: Tenants) -> None:
    acme, beta = tenants.ask(TEAM_A, "feeds list"), tenants.ask(TEAM_B, "feeds list")
    assert ACME_TITLE in acme and BETA_TITLE not in acme
    assert BETA_TITLE in beta and ACME_TITLE not in beta


def test_search_and_digests_use_only_the_workspaces_own_feeds_and_the_library(tenants: Tenants) -> None:
    library = CHIPS[0][0]
    acme = tenants.ask(TEAM_A, "orbit boosters kilogram")
    assert "Reusable boosters" not in acme
    beta = tenants.ask(TEAM_B, "orbit boosters kilogram")
    assert "Reusable boosters" in beta
    for team in (TEAM_A, TEAM_B):
        assert library in tenants.ask(team, "TSMC Arizona fab"), "the operator's library is everyone's"
    for team in (TEAM_A, TEAM_B):
        tenants.ask(team, "topics add fermentation, orbit")
        tenants.ask(team, "digest at 9:00 UTC")
    tenants.app.slack.reset()
    tenants.app.run_digests(NOW)
    posted = {team: " ".join(shown_text(m) for m in tenants.app.slack.posted_messages(team_id=team))
              for team in (TEAM_A, TEAM_B)}
    assert "Zymurgists" in posted[TEAM_A] and "Reusable boosters" not in posted[TEAM_A]
    assert "Reusable boosters" in posted[TEAM_B] and "Zymurgists" not in posted[TEAM_B]


def test_a_feed_followed_by_both_is_fetched_once_and_each_removes_only_its_own_subscription(
    tenants: Tenants,
) -> None:
    fetches = len(tenants.feeds.requests_to("/acme-feed.xml"))
    answer = tenants.ask(TEAM_B, f"feeds add {tenants.acme_url}")
    assert "Now following" in answer and "already followed" not in answer, answer
    assert len(tenants.feeds.requests_to("/acme-feed.xml")) == fetches, "a feed someone follows is not fetched again"
    assert "Zymurgists" in tenants.ask(TEAM_B, "zymurgists fermentation"), "its insights are Beta's at once"
    with tenants.app.deps.sessions() as session:
        assert session.scalar(select(func.count()).select_from(Feed).where(Feed.url == tenants.acme_url)) == 1

    assert "Stopped following" in tenants.ask(TEAM_B, f"feeds remove {tenants.acme_url}")
    assert "Zymurgists" not in tenants.ask(TEAM_B, "zymurgists fermentation")
    assert ACME_TITLE in tenants.ask(TEAM_A, "feeds list")
    assert "Zymurgists" in tenants.ask(TEAM_A, "zymurgists fermentation")


def test_a_feed_nobody_follows_any_more_stops_being_fetched(tenants: Tenants) -> None:
    assert "Stopped following" in tenants.ask(TEAM_A, f"feeds remove {tenants.acme_url}")
    fetches = len(tenants.feeds.requests_to("/acme-feed.xml"))
    tenants.app.clock.now = NOW + timedelta(days=2)
    tenants.scan()
    assert len(tenants.feeds.requests_to("/acme-feed.xml")) == fetches
    assert len(tenants.feeds.requests_to("/beta-feed.xml")) > 1, "Beta's feed is still scanned"


def test_purging_a_workspace_removes_its_subscriptions_and_keeps_the_others(
    tenants: Tenants, database_url: str,
) -> None:
    tenants.ask(TEAM_B, f"feeds add {tenants.acme_url}")
    purge_now(tenants.app.deps, TEAM_B)
    with tenants.app.deps.sessions() as session:
        urls = set(session.scalars(select(Feed.url)))
    assert urls == {tenants.acme_url}, "Beta's own feed stops being fetched; the shared one stays for Acme"
    assert ACME_TITLE in tenants.ask(TEAM_A, "feeds list")
    listed = podbrief_cli(database_url, "feeds", "list")
    assert listed.exit_code == 0 and BETA_TITLE not in listed.output


def test_feeds_added_on_the_command_line_are_the_operators_library_for_every_workspace(
    tenants: Tenants, database_url: str,
) -> None:
    url = tenants.feeds.route("/library.xml", static(podcast("Harbour Logistics", (
        "Container ships now wait four days on average before they can unload at the largest ports.",))))
    added = podbrief_cli(database_url, "feeds", "add", url, FEEDS_ALLOW_PRIVATE_ADDRESSES="true")
    assert added.exit_code == 0, added.output
    assert "every workspace" in added.output
    for team in (TEAM_A, TEAM_B):
        assert "Container ships" in tenants.ask(team, "container ships unload ports")
        assert "Harbour Logistics" not in tenants.ask(team, "feeds list"), "the library is not a workspace's feed"
    assert "Stopped following" not in tenants.ask(TEAM_B, f"feeds remove {url}")
    assert "Container ships" in tenants.ask(TEAM_A, "container ships unload ports")


def test_a_feed_named_like_another_workspaces_feed_or_the_library_shows_only_its_own_insights(
    tenants: Tenants,
) -> None:
    library_title = CHIPS[0][1]  # "Silicon Weekly", imported by the operator
    twin = tenants.feeds.route("/twin.xml", static(podcast(ACME_TITLE, (
        "Sourdough starters need feeding twice a day when the kitchen is warm.",))))
    named_like_library = tenants.feeds.route("/silicon.xml", static(podcast(library_title, (
        "Beta's own chip newsletter says wafer prices fell for the third month.",))))
    assert "Now following" in tenants.ask(TEAM_B, f"feeds add {twin} {named_like_library}")
    tenants.app.clock.now = NOW + timedelta(minutes=1)
    tenants.scan()
    beta = tenants.ask(TEAM_B, "zymurgists fermentation sourdough starters")
    assert "Sourdough" in beta and "hop aroma" not in beta, "Beta sees its twin, not Acme's feed of the same name"
    acme = tenants.ask(TEAM_A, "sourdough starters feeding")
    assert "Sourdough" not in acme
    assert CHIPS[0][0] in tenants.ask(TEAM_A, "TSMC Arizona fab"), "the library podcast stays everyone's"
    assert "newsletter" not in tenants.ask(TEAM_A, "wafer prices fell")
