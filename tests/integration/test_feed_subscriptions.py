"""Feed subscriptions on both databases: who follows what, what each workspace may see, migration 0007."""

from __future__ import annotations

from datetime import UTC, datetime

from alembic import command
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from insights.model import NewInsight
from storage import feeds_store
from storage.db import alembic_config
from storage.digest_queries import recent_insights
from storage.insights_store import InsightWriter, get_insight
from storage.models import OPERATOR_TEAM, Feed, FeedSubscription, InsightRow, Podcast
from storage.search_index import SearchIndex
from storage.tenancy import may_see, workspace_scope

NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
ACME, BETA = "T0ACME", "T0BETA"


def follow(session: Session, team: str, url: str, title: str, text_: str) -> int:
    """`team` follows a feed whose podcast holds one insight; the insight's id."""
    feed, _ = feeds_store.add_feed(session, url, now=NOW, team_id=team)
    podcast_id, _ = feeds_store.ensure_podcast(session, title, feed.url, feed.podcast_id)
    session.execute(Feed.__table__.update().where(Feed.id == feed.id).values(podcast_id=podcast_id))
    (added,) = InsightWriter(session).add([NewInsight(text=text_, podcast=title, published_at=NOW)]).added_ids
    session.execute(InsightRow.__table__.update().where(InsightRow.id == added).values(podcast_id=podcast_id))
    return added


def test_each_team_lists_finds_and_removes_only_its_own_subscriptions(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        follow(session, ACME, "https://a.example/feed.xml", "Acme Show", "Acme's show says copper demand doubles.")
        feed, created = feeds_store.add_feed(session, "https://a.example/feed.xml", now=NOW, team_id=BETA)
        assert not created, "a feed already stored is not stored twice"
        follow(session, BETA, "https://b.example/feed.xml", "Beta Show", "Beta's show says tin demand falls.")
    with sessions.begin() as session:
        assert [f.url for f in feeds_store.list_feeds(session, ACME)] == ["https://a.example/feed.xml"]
        assert len(feeds_store.list_feeds(session, BETA)) == 2
        assert feeds_store.find_feed(session, "https://b.example/feed.xml", team_id=ACME) is None
        assert feeds_store.remove_feed(session, "https://b.example/feed.xml", team_id=ACME) is None
        assert feeds_store.remove_feed(session, feed.id, team_id=BETA) is not None
        assert feeds_store.followers(session, feed.id) == [ACME], "Acme still follows the shared feed"
        assert feeds_store.drop_subscriptions(session, BETA) == 1
    with sessions() as session:
        assert sorted(session.scalars(select(Feed.url))) == ["https://a.example/feed.xml"], \
            "a feed nobody follows is deleted, so no scan fetches it"


def test_a_workspace_sees_its_own_feeds_the_operators_and_the_library_and_nothing_else(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        acme = follow(session, ACME, "https://a.example/feed.xml", "Acme Show", "Acme zinc smelters restart in spring.")
        beta = follow(session, BETA, "https://b.example/feed.xml", "Beta Show", "Beta zinc miners strike in autumn.")
        shared = follow(session, OPERATOR_TEAM, "https://o.example/feed.xml", "Operator Show",
                        "Operator zinc stockpiles reach a record.")
        (library,) = InsightWriter(session).add([NewInsight(text="Library zinc prices fell.", podcast="Imported",
                                                            published_at=NOW)]).added_ids
    index = SearchIndex(engine)
    with sessions() as session:
        found = {m.insight.id for m in index.search(session, "zinc", limit=10, team_id=ACME).matches}
        everything = {m.insight.id for m in index.search(session, "zinc", limit=10).matches}
        window = {i.id for i in recent_insights(session, NOW.replace(day=1), None, workspace_scope(session, ACME))}
        assert found == window == {acme, shared, library}
        assert everything == {acme, beta, shared, library}, "the operator's own view (no team) sees all"
        assert not may_see(session, ACME, beta) and get_insight(session, beta, team_id=ACME) is None
        assert may_see(session, BETA, beta) and get_insight(session, beta, team_id=BETA) is not None
        assert workspace_scope(session, None) is None


def test_the_scope_is_everything_only_when_no_podcast_is_hidden(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        InsightWriter(session).add([NewInsight(text="Library zinc prices fell.", podcast="Imported", published_at=NOW)])
        follow(session, ACME, "https://a.example/feed.xml", "Acme Show", "Acme zinc smelters restart in spring.")
        feeds_store.add_feed(session, "https://new.example/feed.xml", now=NOW, team_id=BETA)  # not scanned yet
    with sessions() as session:
        assert workspace_scope(session, ACME) is None, "Acme sees every podcast there is: no filter at all"
        beta = workspace_scope(session, BETA)
        assert beta is not None and len(beta) == 1, "Beta sees the library, not Acme's podcast"
    with sessions.begin() as session:
        follow(session, OPERATOR_TEAM, "https://o.example/feed.xml", "Operator Show", "Operator zinc stockpiles.")
    with sessions() as session:
        assert workspace_scope(session, ACME) is None, "the operator's feeds are everyone's"
        beta = workspace_scope(session, BETA)
        podcasts = {row.title: row.id for row in session.execute(select(Podcast.title, Podcast.id))}
        assert beta == frozenset({podcasts["Imported"], podcasts["Operator Show"]})


def test_migration_0007_makes_every_feed_followed_before_it_an_operator_subscription(engine: Engine) -> None:
    config = alembic_config(engine)
    command.downgrade(config, "0006")
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO feeds (url, original_url, consecutive_failures, insights_extracted, episode_count, "
                "added_by, created_at) VALUES ('https://old.example/feed.xml', 'https://old.example/feed.xml', "
                "0, 0, 0, 'slack:U1', :now)"), {"now": NOW})
    finally:
        command.upgrade(config, "head")
    with Session(engine) as session:
        rows = session.execute(select(FeedSubscription.team_id, FeedSubscription.added_by)).all()
        assert rows == [(OPERATOR_TEAM, "slack:U1")]
        assert session.scalar(select(Podcast.id)) is None
