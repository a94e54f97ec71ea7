"""Fetching and parsing feeds from a loopback server: real fixture feeds and hostile variants."""

from __future__ import annotations

import re
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest

from ingest.feeds import NotAFeed, ParsedFeed, UnsafeFeed, parse_feed
from ingest.fetch import USER_AGENT, Fetcher
from tests.integration.feed_server import (
    EXTERNAL_DTD,
    EXTERNAL_ENTITY,
    HTML_PAGE,
    FeedServer,
    billion_laughs,
    endless,
    gzip_bomb,
    invalid_encoding,
    quadratic_blowup,
    redirect,
    static,
    status,
    trickle,
    wrong_encoding_declared,
)

T = TypeVar("T")
SECONDS = 5.0
PEAK_BYTES = 100_000_000


@pytest.fixture
def server() -> Iterator[FeedServer]:
    with FeedServer() as running:
        yield running


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(allow_private_addresses=True, deadline_seconds=3.0, max_bytes=10_000_000) as client:
        yield client


def feed_bytes(fixtures_dir: Path, name: str) -> bytes:
    return (fixtures_dir / "feeds" / name).read_bytes()


def bounded(work: Callable[[], T]) -> tuple[T, float, int]:
    """Run `work`; (its result, elapsed seconds, peak traced bytes)."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        result = work()
    finally:
        elapsed = time.monotonic() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, elapsed, peak


def fetch_and_parse(fetcher: Fetcher, url: str) -> ParsedFeed:
    result = fetcher(url)
    assert result.ok, result.error
    return parse_feed(result.body, base_url=result.final_url)


# Real feeds -------------------------------------------------------------------------------------


def test_the_legacy_namespace_feed_has_56_episodes_and_47_srt_transcripts(server, fetcher, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/pc20.xml", static(feed_bytes(fixtures_dir, "pc20rss.xml")))
    feed = fetch_and_parse(fetcher, url)
    assert feed.title == "Podcasting 2.0"
    assert len(feed.episodes) == 56
    with_transcripts = [e for e in feed.episodes if e.transcripts]
    assert len(with_transcripts) == 47
    assert {t.mime_type for e in with_transcripts for t in e.transcripts} == {"application/srt"}
    first = feed.episodes[0]
    assert first.guid == "PC2057"
    assert first.audio_url == "https://mp3s.nashownotes.com/PC20-57-2021-10-08-Final.mp3"
    assert first.published_at is not None and first.published_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
    assert first.transcripts[0].url == "https://mp3s.nashownotes.com/PC20-57-Captions.srt"


def test_items_with_an_srt_and_a_vtt_keep_both_with_their_upper_case_language(server, fetcher, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/mn.xml", static(feed_bytes(fixtures_dir, "themnshow.xml")))
    feed = fetch_and_parse(fetcher, url)
    assert feed.title == "The Mike Neumann Show"
    both = [e for e in feed.episodes if len(e.transcripts) == 2]
    assert len(both) == 2
    for episode in both:
        assert [t.mime_type for t in episode.transcripts] == ["application/x-subrip", "text/vtt"]
        assert {t.language for t in episode.transcripts} == {"EN"}
        assert {t.rel for t in episode.transcripts} == {"captions"}
    assert any(e.soundbites for e in feed.episodes)


def test_the_namespace_example_item_with_two_transcripts_has_both(server, fetcher, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/example.xml", static(feed_bytes(fixtures_dir, "podcastindex-namespace-example.xml")))
    feed = fetch_and_parse(fetcher, url)
    assert len(feed.episodes) == 3
    (two,) = [e for e in feed.episodes if len(e.transcripts) == 2]
    assert {(t.mime_type, t.language) for t in two.transcripts} == {("text/plain", None), ("text/vtt", "es")}
    assert two.soundbites[0].start_seconds == pytest.approx(33.833)
    assert two.soundbites[0].duration_seconds == pytest.approx(60.0)


def test_a_feed_without_transcripts_offers_its_show_notes(server, fetcher, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/launched.xml", static(feed_bytes(fixtures_dir, "launched-fireside.xml")))
    feed = fetch_and_parse(fetcher, url)
    assert len(feed.episodes) == 36
    assert not any(e.transcripts for e in feed.episodes)
    assert sum(len(e.show_notes_html) > 300 for e in feed.episodes) == 35  # one item has none at all
    assert all("<script" not in e.show_notes_html for e in feed.episodes)


def test_a_gzip_encoded_feed_is_decompressed(server, fetcher, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/gz.xml", static(feed_bytes(fixtures_dir, "pc20rss.xml"), compress=True))
    assert len(fetch_and_parse(fetcher, url).episodes) == 56


# HTTP behaviour ---------------------------------------------------------------------------------


def test_a_feed_comes_with_its_validators_and_our_user_agent(server, fetcher) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/v.xml", static(b"<rss/>", etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT"))
    result = fetcher(url)
    assert (result.status, result.etag, result.last_modified) == (200, '"v1"', "Wed, 01 Jan 2025 00:00:00 GMT")
    assert server.requests_to("/v.xml")[0].headers["user-agent"] == USER_AGENT


def test_an_unchanged_feed_answers_304_to_its_etag_or_its_date(server, fetcher) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/v.xml", static(b"<rss/>", etag='"v1"', last_modified="Wed, 01 Jan 2025 00:00:00 GMT"))
    by_etag = fetcher(url, etag='"v1"')
    by_date = fetcher(url, last_modified="Wed, 01 Jan 2025 00:00:00 GMT")
    assert by_etag.not_modified and by_date.not_modified
    assert by_etag.body == b"" and by_etag.error is None
    assert server.requests_to("/v.xml")[0].headers["if-none-match"] == '"v1"'
    assert not fetcher(url, etag='"v0"').not_modified


@pytest.mark.parametrize("code", [301, 308])
def test_a_permanent_redirect_is_reported_so_the_new_address_is_kept(server, fetcher, code: int) -> None:  # type: ignore[no-untyped-def]
    target = server.route("/new.xml", static(b"<rss/>"))
    result = fetcher(server.route("/old.xml", redirect(code, "/new.xml")))
    assert result.ok and result.final_url == target and result.permanent_redirect == target


@pytest.mark.parametrize("code", [302, 303, 307])
def test_a_temporary_redirect_is_followed_but_not_kept(server, fetcher, code: int) -> None:  # type: ignore[no-untyped-def]
    server.route("/new.xml", static(b"<rss/>"))
    result = fetcher(server.route("/old.xml", redirect(code, "/new.xml")))
    assert result.ok and result.permanent_redirect is None


def test_a_permanent_then_temporary_redirect_is_not_kept(server, fetcher) -> None:  # type: ignore[no-untyped-def]
    server.route("/c.xml", static(b"<rss/>"))
    server.route("/b.xml", redirect(302, "/c.xml"))
    result = fetcher(server.route("/a.xml", redirect(301, "/b.xml")))
    assert result.ok and result.permanent_redirect is None


def test_a_redirect_loop_ends_with_a_plain_error(server, fetcher) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/loop.xml", redirect(301, "/loop.xml"))
    assert fetcher(url).error == "the address redirects more than 5 times"


def test_a_missing_feed_says_404_in_plain_words(server, fetcher) -> None:  # type: ignore[no-untyped-def]
    result = fetcher(server.route("/gone.xml", status(404)))
    assert (result.status, result.error) == (404, "the server answered 404 Not Found")


def test_only_http_and_https_addresses_are_fetched(fetcher) -> None:  # type: ignore[no-untyped-def]
    for url in ("file:///etc/passwd", "ftp://example.com/feed.xml", "gopher://x/"):
        assert fetcher(url).error == "only http:// and https:// addresses can be fetched"


def test_private_addresses_are_refused_unless_allowed(server) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/v.xml", static(b"<rss/>"))
    with Fetcher() as strict:
        assert "private or local address" in (strict(url).error or "")
    assert not server.seen


def test_a_closed_port_is_a_plain_connection_error(fetcher) -> None:  # type: ignore[no-untyped-def]
    assert (fetcher("http://127.0.0.1:9/feed.xml").error or "").startswith("could not connect to the server")


# Hostile servers --------------------------------------------------------------------------------


def test_a_trickling_server_is_cut_off_at_the_deadline(server, fetcher) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/slow.xml", trickle(every_seconds=0.1))
    result, elapsed, _ = bounded(lambda: fetcher(url))
    assert result.error == "the server took longer than 3 seconds to send it"
    assert elapsed <= SECONDS


def test_an_endless_body_stops_at_the_size_cap_while_streaming(server) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/big.xml", endless())
    with Fetcher(allow_private_addresses=True, max_bytes=2_000_000) as capped:
        result, elapsed, peak = bounded(lambda: capped(url))
    assert result.error == "it is larger than the 2 MB limit"
    assert elapsed <= SECONDS and peak <= PEAK_BYTES


def test_a_declared_oversized_body_is_refused_before_reading(server) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/big.xml", endless(content_length=50_000_000))
    with Fetcher(allow_private_addresses=True, max_bytes=2_000_000) as capped:
        result, elapsed, _ = bounded(lambda: capped(url))
    assert result.error == "it is larger than the 2 MB limit"
    assert elapsed <= 1.0


def test_a_gzip_bomb_stops_at_the_decompressed_cap(server, fetcher) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/bomb.xml", gzip_bomb())
    result, elapsed, peak = bounded(lambda: fetcher(url))
    assert result.error == "it is larger than the 10 MB limit"
    assert elapsed <= SECONDS and peak <= PEAK_BYTES


# Hostile bodies ---------------------------------------------------------------------------------

HOSTILE = {
    "billion laughs": (billion_laughs(), UnsafeFeed, "declares XML entities"),
    "quadratic blowup": (quadratic_blowup(), UnsafeFeed, "declares XML entities"),
    "external entity": (EXTERNAL_ENTITY, UnsafeFeed, "declares XML entities"),
    "external DTD": (EXTERNAL_DTD, UnsafeFeed, "external DTD"),
    "HTML page": (HTML_PAGE, NotAFeed, "web page (HTML)"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_bodies_are_refused_quickly_with_a_reason(server, fetcher, name: str) -> None:  # type: ignore[no-untyped-def]
    body, error, words = HOSTILE[name]
    url = server.route("/hostile.xml", static(body))
    with pytest.raises(error, match=re.escape(words)):
        _, elapsed, peak = bounded(lambda: fetch_and_parse(fetcher, url))
    started = time.monotonic()
    with pytest.raises(error):
        bounded(lambda: parse_feed(body))
    assert time.monotonic() - started <= SECONDS


def test_bodies_in_broken_encodings_end_in_bounded_time_and_memory(server, fetcher, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    real = feed_bytes(fixtures_dir, "pc20rss.xml")
    bodies = (invalid_encoding(real), wrong_encoding_declared(real), b"\xff\xfe\x00\x00garbage", b"\x00" * 100_000)
    for traced, body in enumerate(bodies):
        url = server.route("/enc.xml", static(body))

        def attempt() -> ParsedFeed | Exception:
            try:
                return fetch_and_parse(fetcher, url)
            except ValueError as error:  # FeedError: refused with a reason
                return error

        started = time.monotonic()
        outcome = attempt()
        assert time.monotonic() - started <= SECONDS
        assert isinstance(outcome, ValueError | ParsedFeed)
        if traced == 0:  # tracemalloc slows parsing tenfold: measure memory on the largest case only
            assert bounded(attempt)[2] <= PEAK_BYTES
