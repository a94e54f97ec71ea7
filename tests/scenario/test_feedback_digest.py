"""Reactions on digest items change that channel's later digests, and no other channel's."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.digest.compose import DigestComposer
from insights.digest import DigestPick
from storage.channels_store import update_target
from tests.scenario.conftest import Workspace
from tests.scenario.saving import CHANNEL, TEAM, insight_message, react, track_listeners

NOW = datetime(2026, 10, 2, 9, 30, tzinfo=UTC)


def compose(workspace: Workspace, channel: str = CHANNEL, team: str = TEAM) -> list[DigestPick]:
    with workspace.deps.sessions.begin() as session:
        target = update_target(session, team, channel, by_user="U0ALICE", change="set up", digest_time="09:00",
                               timezone="UTC")
    with workspace.deps.sessions() as session:
        return DigestComposer(workspace.deps.sessions).picks(session, target, NOW)


def podcasts(picks: list[DigestPick]) -> list[str | None]:
    return [p.insight.podcast for p in picks]


def test_thumbs_and_saves_on_digest_items_reorder_that_channels_next_digest(workspace: Workspace) -> None:
    listeners = track_listeners(workspace)
    before = compose(workspace)
    disliked = before[0].insight
    liked = next(p.insight for p in before if p.insight.podcast != disliked.podcast)
    assert podcasts(before)[:2] == [disliked.podcast, disliked.podcast]
    down, up = insight_message(workspace, disliked.id), insight_message(workspace, liked.id)
    for user in ("U0ALICE", "U0BOB", "U0CAROL"):
        react(workspace, user, "-1", down)
        react(workspace, user, "+1", up)
    react(workspace, "U0BOB", "bookmark", up)
    listeners.wait_idle()
    after = compose(workspace)
    assert after[0].insight.podcast == liked.podcast
    assert podcasts(after).index(liked.podcast) < podcasts(before).index(liked.podcast)
    assert disliked.podcast not in podcasts(after)[:2]
    assert f"your team liked {liked.podcast}" in after[0].reasons
    # Another channel, and the same channel id in another workspace, are unaffected.
    assert [p.insight.id for p in compose(workspace, "C0ELSEWHERE")] == [p.insight.id for p in before]
    assert [p.insight.id for p in compose(workspace, CHANNEL, "T0OTHER")] == [p.insight.id for p in before]


def test_taking_the_reactions_back_restores_the_digest(workspace: Workspace) -> None:
    listeners = track_listeners(workspace)
    before = compose(workspace)
    ts = insight_message(workspace, before[0].insight.id)
    for user in ("U0ALICE", "U0BOB", "U0CAROL"):
        react(workspace, user, "thumbsdown", ts)
    listeners.wait_idle()
    assert compose(workspace)[0].insight.id != before[0].insight.id
    for user in ("U0ALICE", "U0BOB", "U0CAROL"):
        react(workspace, user, "thumbsdown", ts, added=False)
    listeners.wait_idle()
    assert [p.insight.id for p in compose(workspace)] == [p.insight.id for p in before]
