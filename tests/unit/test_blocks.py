"""Block Kit renderers: valid blocks, escaped text, full attribution."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.shared import blocks, mrkdwn
from insights.model import Insight, Match
from tests.slack_checks import assert_valid_message

INSIGHT = Insight(
    id=7,
    text="Chip <b>export</b> controls & tariffs > rhetoric.",
    podcast="Chip Lines",
    episode="Episode 12: Fabs",
    url="https://podcasts.example.org/chip-lines/12",
    audio_url="https://cdn.example.com/chip-lines-12.mp3",
    start_seconds=754.4,
    published_at=datetime(2026, 11, 2, 8, 0, tzinfo=UTC),
)


def _text(message: blocks.Message) -> str:
    return str(message.as_kwargs())


def test_search_results_are_valid_blocks_with_share_and_save_buttons() -> None:
    message = blocks.search_results("export controls", [Match(INSIGHT, 97.0)] * 5)
    kwargs = message.as_kwargs()
    assert_valid_message(kwargs)
    actions = [b for b in kwargs["blocks"] if b["type"] == "actions"]
    assert len(actions) == 5
    assert [e["action_id"] for e in actions[0]["elements"]] == [blocks.SHARE_ACTION, blocks.SAVE_ACTION]
    assert actions[0]["elements"][0]["value"] == "7"


def test_insight_text_is_escaped_for_mrkdwn() -> None:
    section = blocks.insight_blocks(INSIGHT, with_buttons=False)[0].to_dict()
    assert section["text"]["text"] == "Chip &lt;b&gt;export&lt;/b&gt; controls &amp; tariffs &gt; rhetoric."


def test_attribution_names_podcast_episode_date_and_links_the_moment() -> None:
    line = blocks.attribution(INSIGHT)
    assert "*Chip Lines*" in line
    assert "<https://podcasts.example.org/chip-lines/12|Episode 12: Fabs>" in line
    assert "Nov 02, 2026" in line
    assert "<https://cdn.example.com/chip-lines-12.mp3#t=754|▶ listen at 12:34>" in line


def test_attribution_leaves_out_what_is_unknown() -> None:
    assert blocks.attribution(Insight(id=1, text="x")) == "_source unknown_"
    assert "listen" not in blocks.attribution(Insight(id=1, text="x", podcast="P", start_seconds=3.0))


def test_unsafe_urls_are_not_turned_into_links() -> None:
    assert mrkdwn.link("javascript:alert(1)", "x") == "x"
    assert mrkdwn.link("https://a.example/|<evil>", "x") == "x"


def test_very_long_text_is_clipped_to_the_section_limit() -> None:
    long = Insight(id=2, text="word " * 2000)
    kwargs = blocks.search_results("word", [Match(long, 50.0)]).as_kwargs()
    assert_valid_message(kwargs)
    assert all(len(b["text"]["text"]) <= 3000 for b in kwargs["blocks"] if b["type"] == "section")


def test_every_help_and_error_message_is_valid() -> None:
    for message in (
        blocks.usage(),
        blocks.did_you_mean("hlep", "help"),
        blocks.no_results("zzz", ["No insight mentions *zzz*."]),
        blocks.nothing_to_search("🙂🙂"),
        blocks.shared_insight(INSIGHT, "U1"),
        blocks.notice("Saved."),
    ):
        assert_valid_message(message.as_kwargs())


def test_timestamps_read_like_a_player() -> None:
    assert [blocks.timestamp(s) for s in (0, 59.9, 754, 3723)] == ["0:00", "0:59", "12:34", "1:02:03"]
