"""What the prolog check refuses before any XML parser sees a body, and what it lets through."""

from __future__ import annotations

import time

import pytest

from ingest.feeds import NotAFeed, UnsafeFeed, check_feed_body, parse_feed
from ingest.xml_safety import inspect_prolog

RSS = b'<rss version="2.0"><channel><title>T</title><item><title>E</title></item></channel></rss>'

REFUSED = [
    ("internal entity", b'<!DOCTYPE rss [<!ENTITY a "b">]>' + RSS, "declares XML entities"),
    ("billion laughs", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;">]>' + RSS,
     "declares XML entities"),
    ("external entity", b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + RSS, "declares XML entities"),
    ("parameter entity", b'<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://x/e.dtd"> %p;]>' + RSS,
     "declares XML entities"),
    ("lower-case keywords", b'<!doctype rss [<!entity a "b">]>' + RSS, "declares XML entities"),
    ("after a comment and a PI", b'<?xml version="1.0"?><!-- hi --><?pi x?>\n<!DOCTYPE rss [<!ENTITY a "b">]>' + RSS,
     "declares XML entities"),
    ("inline DTD without entities", b"<!DOCTYPE rss [<!ELEMENT rss ANY>]>" + RSS, "inline DTD"),
    ("external DTD", b'<!DOCTYPE rss SYSTEM "http://x/evil.dtd">' + RSS, "external DTD"),
    ("public DTD", b'<!DOCTYPE rss PUBLIC "-//X//Y//EN" "http://x/evil.dtd">' + RSS, "external DTD"),
    ("UTF-16 with BOM", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-16"),
     "declares XML entities"),
    ("UTF-16 without BOM", '<!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-16-le"), "declares XML entities"),
    ("UTF-8 BOM", b'\xef\xbb\xbf<!DOCTYPE rss [<!ENTITY a "b">]>' + RSS, "declares XML entities"),
    ("UTF-7 trick", b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY a +ACI-b+ACI-+AD4-+AF0-+AD4-'
     + RSS, "not an XML document"),
    ("unterminated DOCTYPE", b"<!DOCTYPE rss", "never ends"),
    ("no markup", b"just some text", "not an XML document"),
    ("empty", b"", "not an XML document"),
]

ALLOWED = [
    ("plain RSS", RSS, "rss"),
    ("declaration and whitespace", b'<?xml version="1.0" encoding="utf-8"?>\n\n  ' + RSS, "rss"),
    ("UTF-8 BOM", b"\xef\xbb\xbf" + RSS, "rss"),
    ("comment mentioning ENTITY", b"<!-- <!ENTITY a 'b'> -->" + RSS, "rss"),
    ("ENTITY text inside the document", b"<rss><channel><title>&lt;!ENTITY&gt;</title></channel></rss>", "rss"),
    ("RSS 0.91 public DTD", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
     b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">' + RSS, "rss"),
    ("bare DOCTYPE", b"<!DOCTYPE rss>" + RSS, "rss"),
    ("Atom", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>', "feed"),
    ("UTF-16 feed", RSS.decode().encode("utf-16"), "rss"),
]


@pytest.mark.parametrize(("case", "body", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_bodies_declaring_entities_or_dtds_are_refused(case: str, body: bytes, words: str) -> None:
    problem = inspect_prolog(body).problem
    assert problem is not None and words in problem, case
    with pytest.raises((UnsafeFeed, NotAFeed)):
        check_feed_body(body)


@pytest.mark.parametrize(("case", "body", "root"), ALLOWED, ids=[c[0] for c in ALLOWED])
def test_ordinary_feeds_pass_the_check(case: str, body: bytes, root: str) -> None:
    prolog = inspect_prolog(body)
    assert (prolog.problem, prolog.root) == (None, root), case


def test_an_html_page_is_not_a_feed() -> None:
    for page in (b"<!DOCTYPE html><html><body>Hi</body></html>", b"<html><head></head></html>"):
        with pytest.raises(NotAFeed, match="web page"):
            parse_feed(page)


def test_an_opml_file_is_not_a_feed_and_says_how_to_import_it() -> None:
    with pytest.raises(NotAFeed, match="feeds import"):
        parse_feed(b"<opml version='2.0'><body/></opml>")


def test_an_enormous_prolog_is_refused_without_reading_on() -> None:
    body = b"<!--" + b"x" * 10_000_000 + b"-->" + RSS
    started = time.monotonic()
    assert inspect_prolog(body).problem == "its XML prolog is implausibly long"
    assert time.monotonic() - started < 1.0


def test_a_safe_minimal_feed_parses() -> None:
    feed = parse_feed(RSS)
    assert feed.title == "T" and [e.title for e in feed.episodes] == ["E"]
