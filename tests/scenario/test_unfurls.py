"""Pasted episode links unfurl into their top insights (link_shared -> chat.unfurl), over signed HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.shared.blocks import SAVE_ACTION
from bot.sharing.episode_links import APPLE_LOOKUP
from bot.sharing.unfurls import SharedLinks, known_episode, unfurl_links
from insights.model import NewInsight
from standin.slack_requests import event_body
from storage.insights_store import InsightWriter
from tests.scenario.conftest import Workspace
from tests.scenario.saving import CHANNEL, TEAM, TrackingExecutor, react, saved_rows
from tests.slack_checks import assert_valid_blocks, shown_text

EPISODE_PAGE = "https://podcasts.example.org/chip-lines/episodes/41-the-lithography-bottleneck"
EPISODE_AUDIO = "https://cdn.example.com/chip-lines/chip-lines-041.mp3"
THREE_INSIGHTS = "https://podcasts.example.org/chip-lines/episodes/43-compliance-at-the-fab-door"
UNKNOWN = "https://example.net/some/other/page"


def share(workspace: Workspace, *urls: str, ts: str = "1800000001.000100", source: str = "conversations_history",
          event_id: str = "EvLink1") -> int:
    event: dict[str, Any] = {
        "type": "link_shared", "channel": CHANNEL, "user": "U0ALICE", "message_ts": ts, "source": source,
        "unfurl_id": "C0GENERAL.1800000001.000100.abcd", "event_ts": "1800000001.000200",
        "links": [{"domain": url.split("/")[2], "url": url} for url in urls],
    }
    body, content_type = event_body(event, event_id=event_id)
    return workspace.server.post(body, content_type).status


def only_one_insight_episode(workspace: Workspace) -> str:
    page = "https://hostile.example.org/ep/1"
    insight = NewInsight(text="Tiny <b>fabs</b> & *bold* claims <!channel> matter less than tooling.",
                         podcast="Evil *Pod* <@U123>", episode="Solo <script> episode", url=page,
                         audio_url="https://hostile.example.org/ep/1.mp3", start_seconds=95,
                         published_at=datetime(2026, 9, 1, tzinfo=UTC), topics=("chips",))
    with workspace.deps.sessions.begin() as session:
        InsightWriter(session).add([insight])
    return page


def test_a_pasted_episode_link_unfurls_into_its_top_three_insights_with_save_buttons(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    assert share(workspace, THREE_INSIGHTS) == 200
    listeners.wait_idle()
    [call] = workspace.slack.calls("chat.unfurl")
    assert call.ok, call.response
    assert call.params["channel"] == CHANNEL and call.params["ts"] == "1800000001.000100"
    unfurl = call.params["unfurls"][THREE_INSIGHTS]
    assert_valid_blocks(unfurl["blocks"])
    text = shown_text(unfurl)
    assert "Compliance at the Fab Door" in text and "*Chip Lines*" in text and "Oct 01, 2026" in text
    assert text.count("▶ listen at") == 3 and "▶ listen at 4:58" in text
    saves = [b["accessory"] for b in unfurl["blocks"] if b.get("accessory", {}).get("action_id") == SAVE_ACTION]
    assert len(saves) == 3


def test_the_audio_url_from_the_feed_unfurls_the_same_episode(workspace: Workspace, listeners: TrackingExecutor) -> None:
    share(workspace, EPISODE_AUDIO + "?utm_source=slack")
    listeners.wait_idle()
    [call] = workspace.slack.calls("chat.unfurl")
    assert "The Lithography Bottleneck" in shown_text(call.params["unfurls"][EPISODE_AUDIO + "?utm_source=slack"])


def test_an_unknown_link_is_left_alone_while_a_known_one_beside_it_unfurls(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    share(workspace, UNKNOWN)
    listeners.wait_idle()
    assert workspace.slack.calls("chat.unfurl") == []
    share(workspace, UNKNOWN, EPISODE_PAGE, event_id="EvLink2")
    listeners.wait_idle()
    [call] = workspace.slack.calls("chat.unfurl")
    assert list(call.params["unfurls"]) == [EPISODE_PAGE]


def test_a_link_in_the_composer_unfurls_by_its_unfurl_id(workspace: Workspace, listeners: TrackingExecutor) -> None:
    share(workspace, EPISODE_PAGE, source="composer")
    listeners.wait_idle()
    [call] = workspace.slack.calls("chat.unfurl")
    assert call.ok and call.params["source"] == "composer" and call.params["unfurl_id"].startswith("C0GENERAL.")


def test_a_bookmark_on_an_unfurl_with_one_insight_saves_it_and_hostile_text_stays_inert(
    workspace: Workspace, listeners: TrackingExecutor
) -> None:
    page = only_one_insight_episode(workspace)
    share(workspace, page, ts="1800000002.000100")
    listeners.wait_idle()
    [call] = workspace.slack.calls("chat.unfurl")
    unfurl = call.params["unfurls"][page]
    assert_valid_blocks(unfurl["blocks"])
    text = shown_text(unfurl)
    assert "<!channel>" not in text and "<@U123>" not in text and "<script>" not in text and "<b>" not in text
    assert "&lt;!channel&gt;" in text and "react with :bookmark:" in text
    react(workspace, "U0BOB", "bookmark", "1800000002.000100")
    listeners.wait_idle()
    [(team, user, _insight)] = saved_rows(workspace)
    assert (team, user) == (TEAM, "U0BOB")


def test_a_bookmark_on_an_unfurl_of_three_insights_saves_nothing(workspace: Workspace, listeners: TrackingExecutor) -> None:
    share(workspace, THREE_INSIGHTS, ts="1800000003.000100")
    listeners.wait_idle()
    react(workspace, "U0BOB", "bookmark", "1800000003.000100")
    listeners.wait_idle()
    assert saved_rows(workspace) == []


def test_the_save_button_of_an_unfurl_saves_that_insight(workspace: Workspace, listeners: TrackingExecutor) -> None:
    share(workspace, EPISODE_PAGE)
    listeners.wait_idle()
    unfurl = workspace.slack.calls("chat.unfurl")[0].params["unfurls"][EPISODE_PAGE]
    value = next(b["accessory"]["value"] for b in unfurl["blocks"] if "accessory" in b)
    answer = workspace.click(SAVE_ACTION, value)
    assert answer["text"].startswith("Saved")
    assert saved_rows(workspace) == [(TEAM, "U0ALICE", int(value))]


def test_an_apple_podcasts_link_resolves_through_apples_lookup(workspace: Workspace) -> None:
    asked: list[str] = []

    def fetch(url: str) -> bytes | None:
        asked.append(url)
        return (b'{"resultCount": 1, "results": [{"trackId": 1000651234567, "kind": "podcast-episode", '
                b'"episodeUrl": "' + EPISODE_AUDIO.encode() + b'"}]}')

    apple = "https://podcasts.apple.com/us/podcast/chip-lines/id1234567?i=1000651234567"
    episode = known_episode(workspace.deps, TEAM, apple, fetch)
    assert episode is not None and episode.title == "The Lithography Bottleneck"
    assert asked == [APPLE_LOOKUP.format(id="1000651234567")]


def test_an_overcast_share_page_resolves_through_the_audio_its_player_names(workspace: Workspace) -> None:
    page = f'<html><audio id="player" controls><source src="{EPISODE_AUDIO}#t=0" type="audio/mpeg"></audio></html>'
    episode = known_episode(workspace.deps, TEAM, "https://overcast.fm/+AbCdEf", lambda _url: page.encode())
    assert episode is not None and episode.podcast == "Chip Lines"


def test_a_plain_unknown_link_is_never_fetched_and_never_unfurled(workspace: Workspace) -> None:
    def fetch(url: str) -> bytes | None:
        raise AssertionError(f"fetched {url}")

    shared = SharedLinks(TEAM, CHANNEL, "1800000004.000100", (UNKNOWN,))
    assert unfurl_links(workspace.deps, workspace.deps.slack, shared, fetch) == 0
    assert workspace.slack.calls("chat.unfurl") == []
