"""OPML subscription lists to feed URLs."""

from __future__ import annotations

import pytest

from ingest.opml import OpmlError, feed_urls_from_opml

NESTED = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>My podcasts</title></head>
  <body>
    <outline text="Tech">
      <outline type="rss" text="Podcasting 2.0" xmlUrl="https://feeds.podcastindex.org/pc20.xml"/>
      <outline text="Deeper">
        <outline type="rss" text="Launched" xmlUrl=" https://launchedfm.com/rss "/>
      </outline>
    </outline>
    <outline type="rss" text="Again" xmlUrl="https://feeds.podcastindex.org/pc20.xml"/>
    <outline type="link" text="A web page" url="https://example.com/"/>
    <outline type="rss" text="Not the web" xmlUrl="file:///etc/passwd"/>
  </body>
</opml>"""


def test_feed_urls_come_from_nested_outlines_in_order_without_repeats() -> None:
    assert feed_urls_from_opml(NESTED) == ["https://feeds.podcastindex.org/pc20.xml", "https://launchedfm.com/rss"]


def test_an_opml_without_feeds_gives_no_urls() -> None:
    assert feed_urls_from_opml(b"<opml version='1.0'><body/></opml>") == []


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"<rss><channel/></rss>", "not OPML"),
        (b"<opml><body>", "not well-formed"),
        (b'<!DOCTYPE opml [<!ENTITY a "b">]><opml><body/></opml>', "refuses for safety"),
        (b'<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/x.dtd"><opml><body/></opml>', "refuses for safety"),
    ],
)
def test_files_that_are_not_safe_opml_are_refused_with_a_reason(data: bytes, words: str) -> None:
    with pytest.raises(OpmlError, match=words):
        feed_urls_from_opml(data)
