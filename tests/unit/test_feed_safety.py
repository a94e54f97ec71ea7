"""What the XML check (defusedxml, run first) refuses before feedparser sees a body, and what it lets through."""

from __future__ import annotations

import re
import time

import pytest

from ingest.feeds import NotAFeed, UnsafeFeed, check_feed_body, parse_feed
from ingest.xml_safety import XmlRefused, clear_for_parsing

RSS = b'<rss version="2.0"><channel><title>T</title><item><title>E</title></item></channel></rss>'

REFUSED = [
    ("internal entity", b'<!DOCTYPE rss [<!ENTITY a "b">]>' + RSS, "declares XML entities"),
    ("billion laughs", b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY l "lol"><!ENTITY l2 "&l;&l;">]>' + RSS,
     "declares XML entities"),
    ("external entity", b'<!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + RSS, "declares XML entities"),
    ("parameter entity", b'<!DOCTYPE rss [<!ENTITY % p SYSTEM "http://x/e.dtd"> %p;]>' + RSS,
     "declares XML entities"),
    ("lower-case keywords (not XML at all)", b'<!doctype rss [<!entity a "b">]>' + RSS, "not an XML document"),
    ("after a comment and a PI", b'<?xml version="1.0"?><!-- hi --><?pi x?>\n<!DOCTYPE rss [<!ENTITY a "b">]>' + RSS,
     "declares XML entities"),
    ("inline DTD without entities", b"<!DOCTYPE rss [<!ELEMENT rss ANY>]>" + RSS, "carries a DTD"),
    ("external DTD", b'<!DOCTYPE rss SYSTEM "http://x/evil.dtd">' + RSS, "external DTD"),
    ("public DTD", b'<!DOCTYPE rss PUBLIC "-//X//Y//EN" "http://x/evil.dtd">' + RSS, "external DTD"),
    ("UTF-16 with BOM", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-16"),
     "declares XML entities"),
    ("UTF-16 without BOM", '<!DOCTYPE r [<!ENTITY a "b">]><r/>'.encode("utf-16-le"), "declares XML entities"),
    ("UTF-8 BOM", b'\xef\xbb\xbf<!DOCTYPE rss [<!ENTITY a "b">]>' + RSS, "declares XML entities"),
    ("UTF-7 trick", b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE r +AFs-+ADw-!ENTITY a +ACI-b+ACI-+AD4-+AF0-+AD4-'
     + RSS, "declares XML entities"),
    ("unterminated DOCTYPE", b"<!DOCTYPE rss", "not an XML document"),
    ("RSS 0.91 public DTD", b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" '
     b'"http://my.netscape.com/publish/formats/rss-0.91.dtd">' + RSS, "external DTD"),
    ("bare DOCTYPE", b"<!DOCTYPE rss>" + RSS, "carries a DTD"),
    ("DOCTYPE after a comment hiding the end of another", b"<!-- <!DOCTYPE x [ -->\n<!DOCTYPE rss [<!ENTITY a 'b'>]>"
     + RSS, "hides a DTD or entity declaration in a comment"),
    ("comment with an entity declaration", b"<!-- <!ENTITY a 'b'> -->" + RSS,
     "hides a DTD or entity declaration in a comment"),
    ("no markup", b"just some text", "not an XML document"),
    ("empty", b"", "not an XML document"),
]

ALLOWED = [
    ("plain RSS", RSS, "rss"),
    ("declaration and whitespace", b'<?xml version="1.0" encoding="utf-8"?>\n\n  ' + RSS, "rss"),
    ("UTF-8 BOM", b"\xef\xbb\xbf" + RSS, "rss"),
    ("ENTITY text inside the document", b"<rss><channel><title>&lt;!ENTITY&gt;</title></channel></rss>", "rss"),
    ("Atom", b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>', "feed"),
    ("UTF-16 feed", RSS.decode().encode("utf-16"), "rss"),
]


@pytest.mark.parametrize(("case", "body", "words"), REFUSED, ids=[c[0] for c in REFUSED])
def test_bodies_declaring_entities_or_dtds_are_refused(case: str, body: bytes, words: str) -> None:
    with pytest.raises(XmlRefused, match=re.escape(words)):
        clear_for_parsing(body)
    with pytest.raises((UnsafeFeed, NotAFeed)):
        check_feed_body(body)


@pytest.mark.parametrize(("case", "body", "root"), ALLOWED, ids=[c[0] for c in ALLOWED])
def test_ordinary_feeds_pass_the_check(case: str, body: bytes, root: str) -> None:
    cleared = clear_for_parsing(body)
    assert cleared.root == root, case
    assert cleared.body.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<' + root.encode())


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
    with pytest.raises(XmlRefused, match="its XML prolog is implausibly long"):
        clear_for_parsing(body)
    assert time.monotonic() - started < 1.0


def test_a_safe_minimal_feed_parses() -> None:
    feed = parse_feed(RSS)
    assert feed.title == "T" and [e.title for e in feed.episodes] == ["E"]


# Declarations hidden where a regular expression would find them (issue #10) --------------------

HIDDEN_ENTITY = '\n<!DOCTYPE x [\n<!ENTITY a "' + "A" * 1000 + '">\n]>\n'
USES_IT = b'<rss version="2.0"><channel><title>t</title><item><title>e</title><description>' + b"&a;" * 50 + (
    b"</description></item></channel></rss>")

HIDDEN = [
    ("in a comment before the root", b'<?xml version="1.0"?>\n<!--' + HIDDEN_ENTITY.encode() + b"-->\n" + USES_IT),
    ("in a processing instruction", b'<?xml version="1.0"?>\n<?note' + HIDDEN_ENTITY.encode() + b"?>\n" + USES_IT),
    ("in a comment, in UTF-16", ('<?xml version="1.0" encoding="utf-16"?><!--' + HIDDEN_ENTITY + "-->"
                                 + USES_IT.decode()).encode("utf-16")),
]


@pytest.mark.parametrize(("case", "body"), HIDDEN, ids=[c[0] for c in HIDDEN])
def test_an_entity_declaration_hidden_before_the_root_is_refused_with_a_reason(case: str, body: bytes) -> None:
    with pytest.raises(UnsafeFeed, match=r"hides a DTD or entity declaration in a (comment|processing instruction)"):
        parse_feed(body)


def test_what_parsers_get_starts_at_the_root_element() -> None:
    body = b'<?xml version="1.0" encoding="iso-8859-1"?>\n<!-- generator: x -->\n<?xml-stylesheet href="s.xsl"?>\n' + RSS
    cleared = clear_for_parsing(body)
    assert cleared.body == b'<?xml version="1.0" encoding="utf-8"?>\n' + RSS


def test_a_malformed_prolog_hiding_a_declaration_is_refused_with_a_reason() -> None:
    body = b'<?xml version="1.0"?>\n<!-- a -- b -->\n<!--' + HIDDEN_ENTITY.encode() + b"-->\n" + USES_IT
    with pytest.raises(NotAFeed, match=r"broken before the feed begins \(line 2"):
        parse_feed(body)


def test_a_root_name_a_regular_expression_would_skip_is_refused() -> None:
    body = ('<é><!--' + HIDDEN_ENTITY + '--><rss version="2.0"><channel><title>t&a;</title></channel></rss></é>').encode()
    with pytest.raises(NotAFeed, match="root element"):
        parse_feed(body)


def test_a_feed_broken_after_its_root_still_parses_without_expanding_declarations_inside_it() -> None:
    broken = USES_IT.replace(b"<title>e</title>", b"<title>e &nbsp; & more</title>")  # not well-formed XML
    inside = broken.replace(b"<channel>", b"<channel><!--" + HIDDEN_ENTITY.encode() + b"-->", 1)
    feed = parse_feed(b'<?xml version="1.0"?>\n<!-- an ordinary comment -->\n' + inside)
    assert [e.title for e in feed.episodes] == ["e & more"]
    assert "AAAA" not in feed.episodes[0].show_notes_html


def test_a_root_start_tag_with_a_duplicate_attribute_still_parses() -> None:
    body = b'<rss version="2.0" xmlns:a="x" xmlns:a="x"><channel><title>T</title><item><title>E</title></item></channel></rss>'
    assert [e.title for e in parse_feed(body).episodes] == ["E"]


def test_a_blank_line_before_the_xml_declaration_still_parses() -> None:
    assert parse_feed(b'\n\n<?xml version="1.0" encoding="utf-8"?>\n' + RSS).title == "T"


def test_a_feed_in_a_multibyte_legacy_encoding_still_parses() -> None:
    body = '<?xml version="1.0" encoding="shift_jis"?><rss version="2.0"><channel><title>日本</title></channel></rss>'
    assert parse_feed(body.encode("shift_jis")).title == "日本"
