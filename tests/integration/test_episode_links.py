"""Episodes by pasted link, scoped like search: a workspace never unfurls another workspace's feed."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from storage.episode_links import find_linked_episode
from storage.insights_store import InsightWriter
from storage.models import Feed, FeedSubscription, InsightRow, Podcast

PAGE = "https://acme.example/episodes/1"
AUDIO = "https://cdn.acme.example/1.mp3"


def _acme_feed_episode(sessions: sessionmaker[Session]) -> None:
    """One episode of a podcast that only workspace TACME follows, with two insights."""
    with sessions.begin() as session:
        InsightWriter(session).add([
            NewInsight(text=f"Acme insight number {n} about fermentation tanks.", podcast="Acme Pod", episode="Ep 1",
                       url=PAGE, audio_url=AUDIO, start_seconds=10.0 * n)
            for n in (1, 2)
        ])
        for n in (1, 2):  # the second is the better one
            session.execute(update(InsightRow).where(InsightRow.text.like(f"Acme insight number {n} %"))
                            .values(quality=n / 3))
        podcast_id = session.scalar(select(Podcast.id).where(Podcast.title == "Acme Pod"))
        session.execute(update(Podcast).where(Podcast.id == podcast_id).values(feed_url="https://acme.example/feed"))
        feed = Feed(url="https://acme.example/feed", original_url="https://acme.example/feed", podcast_id=podcast_id)
        session.add(feed)
        session.flush()
        session.add(FeedSubscription(team_id="TACME", feed_id=feed.id))


def test_the_following_workspace_finds_the_episode_by_page_or_audio_link_best_insight_first(
    sessions: sessionmaker[Session],
) -> None:
    _acme_feed_episode(sessions)
    with sessions() as session:
        by_page = find_linked_episode(session, "TACME", {PAGE})
        by_audio = find_linked_episode(session, "TACME", {AUDIO})
    assert by_page is not None and by_audio is not None and by_page.episode_id == by_audio.episode_id
    assert (by_page.title, by_page.podcast) == ("Ep 1", "Acme Pod")
    assert by_page.insights[0].text.startswith("Acme insight number 2")


def test_another_workspace_does_not_find_an_episode_of_a_feed_it_does_not_follow(
    sessions: sessionmaker[Session],
) -> None:
    _acme_feed_episode(sessions)
    with sessions() as session:
        assert find_linked_episode(session, "TBETA", {PAGE, AUDIO}) is None


def test_no_link_and_no_guid_finds_nothing(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        assert find_linked_episode(session, "TACME", set()) is None
