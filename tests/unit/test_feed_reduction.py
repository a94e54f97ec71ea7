"""What feedparser gets of a feed: its channel and newest items, every part capped, whatever the body held."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest.feed_reduction import (
    CHANNEL_LIMIT,
    ITEM_ELEMENTS_BUDGET,
    ITEMS_BUDGET,
    MARKUP_BUDGET,
    MAX_DEPTH,
    MAX_ITEMS,
    SKIPPED_LIMIT,
    TEXT_LIMIT,
    reduce_feed,
)
from ingest.feeds import NotAFeed, UnsafeFeed, check_feed_body, parse_feed
from ingest.xml_safety import clear_for_parsing

PODCAST_NS = 'xmlns:podcast="https://podcastindex.org/namespace/1.0"'
FIRST = datetime(2020, 1, 6, 9, 0, tzinfo=UTC)


def item(number: int, extra: str = "") -> str:
    when = (FIRST + timedelta(days=7 * number)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (f"<item><title>Episode {number}</title><guid>ep-{number}</guid><pubDate>{when}</pubDate>"
            f'<enclosure url="https://cdn.example/{number}.mp3" type="audio/mpeg" length="1"/>{extra}</item>')


def rss(items: str, channel: str = "") -> bytes:
    return (f'<?xml version="1.0"?>\n<rss version="2.0" {PODCAST_NS}><channel><title>Show</title>'
            f"<link>https://show.example/</link>{channel}{items}</channel></rss>").encode()


def guids(body: bytes) -> list[str]:
    return [e.guid for e in parse_feed(body).episodes]


# Many items: the newest are kept, in the order the feed lists them ---------------------------


def test_a_feed_listing_newest_first_keeps_its_first_items() -> None:
    count = MAX_ITEMS + 150
    body = rss("".join(item(n) for n in reversed(range(count))))
    assert guids(body) == [f"ep-{n}" for n in reversed(range(count - MAX_ITEMS, count))]


def test_a_feed_listing_oldest_first_keeps_its_newest_items_by_date_in_the_feed_order() -> None:
    count = MAX_ITEMS + 150
    body = rss("".join(item(n) for n in range(count)))
    assert guids(body) == [f"ep-{n}" for n in range(count - MAX_ITEMS, count)]


def test_dates_in_other_zones_and_iso_form_rank_by_the_moment_they_name() -> None:
    older = '<item><title>Old</title><guid>old</guid><pubDate>Mon, 06 Jan 2020 09:00:00 -0500</pubDate></item>'
    newer = '<item><title>New</title><guid>new</guid><dc:date>2020-01-06T13:30:00Z</dc:date></item>'
    filler = "".join(item(n - 1000) for n in range(MAX_ITEMS - 1))  # all before 2020
    body = rss(older + filler + newer).replace(b"<rss ", b'<rss xmlns:dc="http://purl.org/dc/elements/1.1/" ')
    kept = guids(body)
    assert "new" in kept and "old" in kept and "ep--1000" not in kept and len(kept) == MAX_ITEMS


def test_notes_past_the_markup_budget_are_cut_and_the_newest_keep_theirs() -> None:
    notes = "<description>" + "&lt;p&gt;x&lt;/p&gt;" * 1_000 + "</description>"  # 2,000 tags an item
    count = MARKUP_BUDGET // 2_000 + 5
    episodes = parse_feed(rss("".join(item(n, notes) for n in reversed(range(count))))).episodes
    tags = [e.show_notes_html.count("<") for e in episodes]
    assert len(episodes) == count and tags[0] == 2_000 and sum(tags) <= MARKUP_BUDGET and tags[-1] == 0
    assert episodes[-1].title == "Episode 0"


def test_items_stuffed_with_elements_use_up_the_element_budget_oldest_left_out() -> None:
    stuffing = "<x/>" * 1_000
    episodes = parse_feed(rss("".join(item(n, stuffing) for n in reversed(range(20))))).episodes
    assert 0 < len(episodes) <= ITEM_ELEMENTS_BUDGET // 1_000 + 1
    assert [e.guid for e in episodes] == [f"ep-{n}" for n in reversed(range(20 - len(episodes), 20))]
    assert all(e.audio_url for e in episodes)


def test_items_beyond_the_byte_budget_are_left_out_newest_kept() -> None:
    notes = "<description>" + "word " * 20_000 + "</description>"  # about 100 KB an item
    count = ITEMS_BUDGET // 100_000 + 10
    kept = guids(rss("".join(item(n, notes) for n in reversed(range(count)))))
    assert 0 < len(kept) < count and kept == [f"ep-{n}" for n in reversed(range(count - len(kept), count))]


def test_every_transcript_of_a_kept_item_survives_the_reduction() -> None:
    transcripts = ('<podcast:transcript url="https://t.example/1.vtt" type="text/vtt"/>'
                   '<podcast:transcript url="https://t.example/1.srt" type="application/srt"/>')
    body = rss("".join(item(n, transcripts if n == MAX_ITEMS + 9 else "") for n in reversed(range(MAX_ITEMS + 10))))
    newest = parse_feed(body).episodes[0]
    assert newest.guid == f"ep-{MAX_ITEMS + 9}"
    assert [t.url for t in newest.transcripts] == ["https://t.example/1.vtt", "https://t.example/1.srt"]


# Huge, deep, undefined: cut or refused with a reason --------------------------------------------


def test_a_huge_field_is_cut_to_the_text_limit() -> None:
    body = rss(item(1, "<description>" + "x" * 3_000_000 + "</description>"))
    notes = parse_feed(body).episodes[0].show_notes_html
    assert TEXT_LIMIT // 2 < len(notes) <= TEXT_LIMIT


def test_a_channel_stuffed_with_elements_still_gives_its_title_and_items() -> None:
    assert len("<category>c</category>" * 20_000) > 1.5 * CHANNEL_LIMIT
    body = rss(item(1), channel="<category>c</category>" * 20_000)  # twice the channel's limit
    feed = parse_feed(body)
    assert feed.title == "Show" and [e.guid for e in feed.episodes] == ["ep-1"]


def test_nesting_deeper_than_the_limit_is_refused_with_a_reason() -> None:
    body = rss(item(1, "<x>" * MAX_DEPTH + "</x>" * MAX_DEPTH))
    with pytest.raises(UnsafeFeed, match=f"nests XML elements more than {MAX_DEPTH} deep"):
        parse_feed(body)


def test_ordinary_nesting_is_read() -> None:
    body = rss(item(1, "<x>" * 10 + "</x>" * 10))
    assert guids(body) == ["ep-1"]


def test_a_monstrous_start_tag_is_refused_with_a_reason() -> None:
    attributes = " ".join(f'a{n}="v"' for n in range(30_000))
    with pytest.raises(NotAFeed, match="start tag longer than 64 KB"):
        parse_feed(rss(f"<item {attributes}><title>t</title></item>"))


def test_html_entities_nobody_declared_become_their_characters() -> None:
    body = rss(item(1).replace("Episode 1", "Caf&eacute; &amp; friends&nbsp;&hellip;"))
    assert parse_feed(body).episodes[0].title == "Café & friends …"


def test_millions_of_undeclared_references_are_neither_expanded_nor_fatal() -> None:
    body = rss(item(1, "<description>" + "&a;" * 1_000_000 + "</description>"), channel="<copyright>&a;</copyright>")
    feed = parse_feed(body)
    notes = feed.episodes[0].show_notes_html
    assert feed.title == "Show" and notes.startswith("&amp;a&amp;a") and len(notes) <= 8 * SKIPPED_LIMIT


def test_a_reference_in_cdata_stays_as_written() -> None:
    body = rss(item(1, "<description><![CDATA[<p>Tom & Jerry&nbsp;!</p>]]></description>"))
    assert parse_feed(body).episodes[0].show_notes_html == "<p>Tom & Jerry&nbsp;!</p>"


def test_a_stray_ampersand_and_a_control_character_are_mended() -> None:
    body = rss(item(1).replace("Episode 1", "Q&A \x0c part") + item(2))
    assert [e.title for e in parse_feed(body).episodes] == ["Q&A part", "Episode 2"]


def test_references_to_characters_xml_forbids_are_mended_not_the_end_of_the_feed() -> None:
    body = rss(item(1).replace("Episode 1", "Colour &#27;[31mred&#27;[0m &#x1B;]8;;x&#7; &#xFFFE;") + item(2))
    titles = [e.title for e in parse_feed(body).episodes]
    assert len(titles) == 2 and "red" in titles[0]
    assert not any(ord(c) < 32 for c in titles[0])
    assert parse_feed(rss(item(1)).replace(b"<title>Show", b"<title>Show &#27;")).title.startswith("Show")


def test_a_feed_broken_before_its_first_item_is_refused_with_the_line() -> None:
    body = rss("<item><title>broken</tittle></item>" + item(1))
    with pytest.raises(NotAFeed, match="broken at line 2"):
        parse_feed(body)


def test_a_body_broken_beyond_repair_keeps_the_items_before_the_fault() -> None:
    body = rss(item(3) + item(2) + "<item><title>broken</tittle></item>" + item(1))
    cleared = clear_for_parsing(body)
    view = reduce_feed(cleared)
    assert view.broken_at == 2 and view.items_kept == 2
    assert guids(body) == ["ep-3", "ep-2"]


def test_what_parsers_get_has_no_comments_pis_or_cdata() -> None:
    body = rss(item(1, "<!-- note --><?pi x?><description><![CDATA[<b>x</b>]]></description>"))
    view = check_feed_body(body).body
    assert b"<!--" not in view and b"<?pi" not in view and b"CDATA" not in view
    assert b"<description>&lt;b&gt;x&lt;/b&gt;</description>" in view


# A real-shaped long feed --------------------------------------------------------------------------


def repeated_real_feed(fixtures_dir: Path, count: int, oldest_first: bool) -> bytes:
    """pc20rss's first item repeated with distinct guids and dates, listed in the order asked."""
    body = (fixtures_dir / "feeds" / "pc20rss.xml").read_bytes()
    head, rest = body.split(b"<item>", 1)
    first = b"<item>" + rest.split(b"</item>", 1)[0] + b"</item>"
    guid = first.split(b"<guid", 1)[1].split(b"</guid>", 1)[0].split(b">", 1)[1]
    published = first.split(b"<pubDate>", 1)[1].split(b"</pubDate>", 1)[0]
    numbers = range(count) if oldest_first else reversed(range(count))
    items = [first.replace(b">" + guid + b"</guid>", b">real-%d</guid>" % n).replace(
        published, (FIRST + timedelta(days=n)).strftime("%a, %d %b %Y %H:%M:%S +0000").encode()) for n in numbers]
    return head + b"".join(items) + b"</channel></rss>"


@pytest.mark.parametrize("oldest_first", [False, True], ids=["newest first", "oldest first"])
def test_a_long_real_feed_gives_its_newest_episodes_with_their_transcripts(fixtures_dir: Path, oldest_first: bool) -> None:
    count = MAX_ITEMS + 100
    episodes = parse_feed(repeated_real_feed(fixtures_dir, count, oldest_first)).episodes
    order = range(count - len(episodes), count)
    assert [e.guid for e in episodes] == [f"real-{n}" for n in (order if oldest_first else reversed(order))]
    assert len(episodes) >= 50 and all(e.transcripts and e.audio_url for e in episodes)
