"""A scan over feeds too deep, too long or full of undeclared entities: refused with a reason, or read in part."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from ingest.feed_reduction import MAX_DEPTH, MAX_ITEMS
from storage import feeds_store
from storage.models import Episode
from tests.integration.feed_server import static
from tests.integration.test_scan import (  # noqa: F401 - the fixtures are used by name
    OPTIONS,
    START,
    clock_fixture,
    fetch_fixture,
    scan_now,
    server_fixture,
)

FIRST = datetime(2019, 1, 7, 9, 0, tzinfo=UTC)


def item(number: int, extra: str = "") -> str:
    when = (FIRST + timedelta(days=number)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (f"<item><title>Episode {number}</title><guid>ep-{number}</guid><pubDate>{when}</pubDate>"
            f'<enclosure url="https://cdn.example/{number}.mp3" type="audio/mpeg" length="1"/>{extra}</item>')


def rss(items: str) -> bytes:
    return f'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Show</title>{items}</channel></rss>'.encode()


def test_a_scan_refuses_a_too_deep_feed_with_a_reason_and_reads_the_newest_items_of_a_long_one(  # type: ignore[no-untyped-def]
    sessions, server, fetch, clock
) -> None:
    count = MAX_ITEMS + 100
    deep = server.route("/deep.xml", static(rss(item(1, "<x>" * MAX_DEPTH + "</x>" * MAX_DEPTH))))
    long = server.route("/long.xml", static(rss("".join(item(n) for n in range(count)))))  # oldest first
    entities = server.route("/entities.xml", static(rss(item(1, "<description>" + "&a;" * 200_000 + "</description>")
                                                        .replace("Episode 1", "Caf&eacute;&nbsp;live"))))
    with sessions.begin() as session:
        for url in (deep, long, entities):
            feeds_store.add_feed(session, url, now=clock())
    summary = scan_now(sessions, fetch, clock, replace(OPTIONS, max_episodes_per_feed=1))
    assert summary.feeds_checked == 3 and [p.url for p in summary.feed_errors] == [deep]
    with sessions() as session:
        feeds = {f.url: f for f in feeds_store.list_feeds(session)}
        titles = set(session.scalars(select(Episode.title)))
        guids = set(session.scalars(select(Episode.guid)))
    assert f"nests XML elements more than {MAX_DEPTH} deep" in (feeds[deep].last_error or "")
    assert feeds[deep].next_check_at == START + OPTIONS.retry_delay(1)
    assert (feeds[long].last_error, feeds[long].episode_count) == (None, MAX_ITEMS)
    assert f"ep-{count - 1}" in guids and f"ep-{count - MAX_ITEMS}" in guids and f"ep-{count - MAX_ITEMS - 1}" not in guids
    assert feeds[entities].last_error is None and "Café live" in titles
