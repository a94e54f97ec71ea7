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
        bounded(lambda: fetch_and_parse(fetcher, url))
    started = time.monotonic()
    with pytest.raises(error):
        bounded(lambda: parse_feed(body))
    assert time.monotonic() - started <= SECONDS


def test_bodies_in_broken_encodings_end_in_bounded_time_and_memory(server, fetcher, fixtures_dir) -> None:  # type: ignore[no-untyped-def]
    real = feed_bytes(fixtures_dir, "pc20rss.xml")
    bodies = (invalid_encoding(real), wrong_encoding_declared(real), b"\xff\xfe\x00\x00garbage", b"\x00" * 100_000)
    for traced, body in enumerate(bodies):
        url = server.route("/enc.xml", static(body))

        def attempt(url: str = url) -> ParsedFeed | Exception:  # bound now, not when called
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


# One total deadline, headers included (issue #10 item 5) -----------------------------------------


def trickled_headers(every_seconds: float = 0.05) -> Callable[[object], None]:
    """A status line, then headers one byte at a time for a minute: each read gets data in time."""

    def serve(handler) -> None:  # type: ignore[no-untyped-def]
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        ends = time.monotonic() + 60
        while time.monotonic() < ends:
            handler.wfile.write(b"X")
            handler.wfile.flush()
            time.sleep(every_seconds)

    return serve


def test_a_server_trickling_its_headers_is_cut_off_at_the_total_deadline(server) -> None:  # type: ignore[no-untyped-def]
    url = server.route("/slow-headers.xml", trickled_headers())
    with Fetcher(allow_private_addresses=True, deadline_seconds=1.0, read_timeout=5.0) as quick:
        started = time.monotonic()
        result = quick(url)
    assert result.error is not None and "took too long" in result.error, result.error
    assert time.monotonic() - started < 30  # generous: only "not the minute the server would take"


def test_a_transcript_whose_server_trickles_headers_fails_and_the_show_notes_are_used(server) -> None:  # type: ignore[no-untyped-def]
    from ingest.extractors import BuiltinExtractor
    from ingest.feeds import ParsedEpisode, TranscriptRef
    from ingest.scan_episodes import EpisodeOptions, episode_work
    from storage.episodes_store import EpisodeState

    url = server.route("/slow.vtt", trickled_headers())
    notes = "<p>" + " ".join(["Central banks raised interest rates again this quarter."] * 5) + "</p>"
    episode = ParsedEpisode(guid="g", title="E", transcripts=[TranscriptRef(url, "text/vtt")], show_notes_html=notes)
    state = EpisodeState(id=1, guid="g", title="E", transcript_kind=None, transcript_url=None, transcript_attempts=0)
    with Fetcher(allow_private_addresses=True, deadline_seconds=1.0) as quick:
        work = episode_work(episode, state, podcast="P", fetch=quick, extractor=BuiltinExtractor(),
                            options=EpisodeOptions())
    assert work.kind == "show_notes"
    assert "took too long" in (work.transcript_error or ""), work.transcript_error


# Connections go to the checked address (issue #10 item 4) ----------------------------------------


class ScriptedResolver:
    """A resolver answering from a script, one answer per lookup (the last one repeats)."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return self.answers[min(len(self.asked), len(self.answers)) - 1]


def test_a_name_answering_public_then_loopback_never_reaches_loopback(server) -> None:  # type: ignore[no-untyped-def]
    port = server.url("").rsplit(":", 1)[1]
    server.route("/feed.xml", static(b"<rss/>"))
    rebinding = ScriptedResolver(["93.184.216.34"], ["127.0.0.1"])
    with Fetcher(resolver=rebinding, connect_timeout=0.5, deadline_seconds=1.0) as strict:
        result = strict(f"http://rebind.example:{port}/feed.xml")
    assert not result.ok
    assert not server.seen  # the one lookup said public, so only that address was tried
    assert rebinding.asked == ["rebind.example"]


def test_a_name_with_any_private_address_is_refused_without_connecting(server) -> None:  # type: ignore[no-untyped-def]
    port = server.url("").rsplit(":", 1)[1]
    mixed = ScriptedResolver(["93.184.216.34", "127.0.0.1"])
    with Fetcher(resolver=mixed) as strict:
        result = strict(f"http://mixed.example:{port}/feed.xml")
    assert result.error == "mixed.example is a private or local address, which Podbrief does not fetch"
    assert not server.seen


@pytest.mark.parametrize("answer", ["::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "::127.0.0.1",
                                    "fec0::1", "64:ff9b:1::808:808", "169.254.169.254", "10.0.0.1", "::1"])
def test_a_name_resolving_to_a_disguised_private_address_is_refused(server, answer: str) -> None:  # type: ignore[no-untyped-def]
    with Fetcher(resolver=ScriptedResolver([answer])) as strict:
        result = strict("http://disguised.example/feed.xml")
    assert result.error == "disguised.example is a private or local address, which Podbrief does not fetch"


def test_the_name_checked_is_the_idna_2008_name_httpx_connects_to(server) -> None:  # type: ignore[no-untyped-def]
    port = server.url("").rsplit(":", 1)[1]
    server.route("/f.xml", static(b"<rss/>"))
    loopback = ScriptedResolver(["127.0.0.1"])
    with Fetcher(allow_private_addresses=True, resolver=loopback) as fetcher:
        assert fetcher(f"http://straße.example:{port}/f.xml").ok
    assert loopback.asked == ["xn--strae-oqa.example"]  # IDNA 2008; IDNA 2003 would say strasse.example
    assert server.requests_to("/f.xml")[0].headers["host"] == f"xn--strae-oqa.example:{port}"
    with Fetcher(resolver=ScriptedResolver(["127.0.0.1"])) as strict:
        refused = strict(f"http://straße.example:{port}/f.xml")
    assert refused.error == "xn--strae-oqa.example is a private or local address, which Podbrief does not fetch"


@pytest.mark.parametrize("url", ["http://☃.example/feed.xml", "http://a\u200db.example/feed.xml"])
def test_a_host_name_idna_cannot_encode_is_refused_without_a_lookup(url: str) -> None:
    never = ScriptedResolver(["93.184.216.34"])
    with Fetcher(resolver=never) as strict:
        result = strict(url)
    assert (result.error or "").startswith("the address's host name cannot be used"), result.error
    assert never.asked == []


def test_every_redirect_hop_is_looked_up_and_checked_where_it_connects(server) -> None:  # type: ignore[no-untyped-def]
    port = server.url("").rsplit(":", 1)[1]
    server.route("/secret.xml", static(b"<rss/>"))
    server.route("/hop.xml", redirect(302, f"http://internal.example:{port}/secret.xml"))
    recording = ScriptedResolver(["127.0.0.1"])
    with Fetcher(resolver=recording, allow_private_addresses=True) as open_fetcher:
        assert open_fetcher(server.url("/hop.xml")).ok  # loopback allowed explicitly: followed
    assert recording.asked == ["internal.example"]  # the second hop's name, resolved by the guarded connection
    with Fetcher(resolver=ScriptedResolver(["127.0.0.1"])) as strict:
        result = strict(f"http://internal.example:{port}/secret.xml")
    assert result.error == "internal.example is a private or local address, which Podbrief does not fetch"
    assert not server.requests_to("/secret.xml")[1:]
