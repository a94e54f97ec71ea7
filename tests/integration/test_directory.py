"""The podcast directory client over real HTTP against the loopback stand-in (iTunes and Podcast Index shapes)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from ingest.directory import Directory, DirectoryError, DirectorySettings, apple_podcast_id, open_directory
from ingest.fetch import Fetcher
from tests.directory_standin import DirectoryStandIn, Listing

HARD_FORK = Listing(1528594034, "Hard Fork", "The New York Times", feed_url="https://feeds.example.com/hardfork.xml",
                    episodes=212)
NO_FEED = Listing(42, "Hard Fork Fan Club", "Someone", feed_url=None, artwork_url="http://insecure.example.com/a.jpg")


@pytest.fixture
def standin() -> Iterator[DirectoryStandIn]:
    with DirectoryStandIn(slow_seconds=2.0) as server:
        server.add(NO_FEED, HARD_FORK)
        yield server


@pytest.fixture(params=["itunes", "podcastindex"])
def settings(request: pytest.FixtureRequest, standin: DirectoryStandIn) -> DirectorySettings:
    return standin.settings(podcastindex=request.param == "podcastindex", deadline_seconds=0.5)


def test_a_search_finds_the_podcast_with_its_feed_author_artwork_and_episode_count(settings: DirectorySettings) -> None:
    with open_directory(settings) as directory:
        found = directory.search("hard fork")
    assert [p.name for p in found] == ["Hard Fork", "Hard Fork Fan Club"]  # a podcast with a feed first
    first = found[0]
    assert (first.feed_url, first.author, first.episode_count) == (HARD_FORK.feed_url, "The New York Times", 212)
    assert first.artwork_url == HARD_FORK.artwork_url
    assert found[1].feed_url is None and found[1].artwork_url is None  # http artwork is not shown


def test_an_apple_podcasts_page_resolves_to_its_feed(settings: DirectorySettings) -> None:
    with open_directory(settings) as directory:
        assert directory.feed_of_page("https://podcasts.apple.com/us/podcast/hard-fork/id1528594034") == HARD_FORK.feed_url
        with pytest.raises(DirectoryError, match="knows no podcast with id 999"):
            directory.feed_of_page("https://podcasts.apple.com/us/podcast/gone/id999")
        with pytest.raises(DirectoryError, match="lists no public feed for Hard Fork Fan Club"):
            directory.feed_of_page("https://podcasts.apple.com/gb/podcast/id42?l=en")


def test_nothing_found_is_an_empty_list(settings: DirectorySettings) -> None:
    with open_directory(settings) as directory:
        assert directory.search("no such podcast anywhere") == []


@pytest.mark.parametrize(("mode", "words"), [
    ("error", "the podcast directory is having trouble (the server answered 503 Service Unavailable)"),
    ("malformed", "the podcast directory answered something that is not JSON"),
    ("slow", "the podcast directory didn't answer in time (more than 0.5 seconds)"),
])
def test_a_failing_directory_is_said_plainly(settings: DirectorySettings, standin: DirectoryStandIn, mode: str,
                                             words: str) -> None:
    standin.mode = mode
    with open_directory(settings) as directory, pytest.raises(DirectoryError) as raised:
        directory.search("hard fork")
    assert words in str(raised.value)


def test_the_podcast_index_is_asked_with_its_documented_signature(standin: DirectoryStandIn) -> None:
    wrong = replace(standin.settings(podcastindex=True), podcastindex_secret="not-the-secret")
    with open_directory(wrong) as directory, pytest.raises(DirectoryError, match="401 Unauthorized"):
        directory.search("hard fork")
    with open_directory(standin.settings(podcastindex=True)) as directory:
        assert directory.search("hard fork")[0].name == "Hard Fork"
    assert any(path.startswith("/api/1.0/search/byterm?q=hard+fork") for path in standin.asked)


def test_hostile_fields_are_dropped_or_kept_as_plain_text(standin: DirectoryStandIn) -> None:
    standin.add(Listing(7, "Evil <!channel> *Show*\nline", "A&B", feed_url="javascript:alert(1)",
                        artwork_url="https://cdn.example.com/a b.jpg"),
                Listing(8, "Evil Long", feed_url="https://example.com/" + "x" * 2100,
                        artwork_url="https://cdn.example.com/" + "y" * 3100))
    with open_directory(standin.settings()) as directory:
        found = {p.directory_id: p for p in directory.search("evil")}
    assert found["7"].name == "Evil <!channel> *Show* line"  # one line; escaping is the renderer's
    assert found["7"].feed_url is None and found["7"].artwork_url is None
    assert found["8"].feed_url is None and found["8"].artwork_url is None


def test_a_directory_address_the_operator_did_not_configure_never_reaches_private_addresses() -> None:
    """Only a directory address the operator configured may be loopback (the stand-in in tests)."""
    with Fetcher(deadline_seconds=1) as fetcher:
        directory = Directory(DirectorySettings(itunes_url="http://127.0.0.1:9/"), fetcher)
        with pytest.raises(DirectoryError, match="private or local address"):
            directory.search("hard fork")
    assert not DirectorySettings().operator_configured


def test_apple_podcast_ids_are_read_only_from_apple_pages() -> None:
    assert apple_podcast_id("https://podcasts.apple.com/us/podcast/hard-fork/id1528594034") == "1528594034"
    assert apple_podcast_id("https://podcasts.apple.com/us/podcast/id1528594034?i=1000650") == "1528594034"
    assert apple_podcast_id("https://evil.example.com/us/podcast/id1528594034") is None
    assert apple_podcast_id("https://podcasts.apple.com/us/podcast/hard-fork") is None
