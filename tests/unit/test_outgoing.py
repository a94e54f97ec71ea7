"""The one outgoing check: no live mention or disguised link leaves, and Slack's limits are met by shortening."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ConfirmObject,
    ContextBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from bot.digest.blocks import digest_item
from bot.shared import outgoing
from bot.shared.blocks import Message, insight_blocks, search_results, shared_insight
from bot.shared.mrkdwn import clip, honest_label, link, name
from insights.model import Insight, Match
from standin.limits import block_errors
from tests.slack_checks import assert_valid_blocks

LIVE = re.compile(r"<(?:!(?:channel|here|everyone|subteam)|@U0123|#C1\b)")


def long_url(length: int, host: str = "cdn.example.com") -> str:
    base = f"https://{host}/"
    return base + "a" * (length - len(base))


def hostile_insight(**fields: Any) -> Insight:
    values: dict[str, Any] = {
        "id": 7, "text": "Rates will fall <!channel> <@U0123> <#C1> <!subteam^S1> &lt;!here&gt;",
        "podcast": "Real* · *The Economist", "episode": "https://trusted.example/ep", "url": "https://evil.example/ep",
        "audio_url": "https://evil.example/a.mp3", "start_seconds": 95.0,
        "published_at": datetime(2026, 11, 24, tzinfo=UTC),
    }
    values.update(fields)
    return Insight(**values)


def texts(payload: dict[str, Any]) -> list[str]:
    found = [payload["text"]]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if value.get("type") == "mrkdwn":
                found.append(value["text"])
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payload["blocks"])
    return found


def test_broadcast_mentions_written_into_a_message_go_out_as_text_and_dates_stay_live() -> None:
    date = "<!date^1700000000^{date_short}|Nov 14, 2023>"
    payload = outgoing.message([SectionBlock(text=MarkdownTextObject(text=f"<!channel> hi <!here|here> {date}"))],
                               "<!everyone> and <!subteam^S1|@team>")
    assert payload["text"] == "&lt;!everyone&gt; and &lt;!subteam^S1|@team&gt;"
    assert payload["blocks"][0]["text"]["text"] == f"&lt;!channel&gt; hi &lt;!here|here&gt; {date}"


def test_a_link_labelled_with_another_address_shows_where_it_really_goes() -> None:
    payload = outgoing.message([], "see <https://evil.example/x|https://trusted.example> or <https://a.example|A show>")
    assert payload["text"] == ("see https://trusted.example (<https://evil.example/x|evil.example>) "
                               "or <https://a.example|A show>")


@pytest.mark.parametrize(("url", "label", "honest"), [
    ("https://evil.example/x", "Brew Science", True),
    ("https://evil.example/x", "https://trusted.example", False),
    ("https://evil.example/x", "trusted.example", False),
    ("https://evil.example/x", "Rates · trusted.example weekly", False),
    ("https://evil.example/x", "trusted．example", False),
    ("https://evil.example/x", "www.evil.example", False),
    ("https://feeds.example.com/x", "example.com weekly", True),
    ("https://evil.example/x", "Episode 3.5: rates", True),
])
def test_a_label_is_honest_only_when_it_names_no_other_address(url: str, label: str, honest: bool) -> None:
    assert honest_label(url, label) is honest


def test_every_insight_message_escapes_hostile_text_in_blocks_and_fallback() -> None:
    insight = hostile_insight()
    messages: list[Message] = [
        digest_item(insight, ["rates"], ["<!here> Show"]), shared_insight(insight, "U0ALICE"),
        search_results("rates <!channel>", [Match(insight, 90.0)]),
    ]
    for message in messages:
        payload = message.as_kwargs()
        assert_valid_blocks(payload["blocks"])
        for text in texts(payload):
            assert not LIVE.search(text), text
            assert "trusted.example>" not in text and "|https://trusted" not in text
    context = insight_blocks(insight, with_buttons=False)[1]
    assert isinstance(context, ContextBlock) and isinstance(context.elements[0], MarkdownTextObject)
    attribution = context.elements[0].text
    assert attribution.startswith("*Real∗ · ∗The Economist*")
    assert "https://trusted.example/ep (<https://evil.example/ep|evil.example>)" in attribution


def test_a_link_labelled_with_its_own_address_shows_that_address() -> None:
    assert link("https://a.example/feed.xml", "https://a.example/feed.xml") == "<https://a.example/feed.xml>"
    assert link("https://a.example/feed.xml", "a.example/feed.xml") == "<https://a.example/feed.xml>"


def test_names_cannot_close_the_bold_or_break_the_line() -> None:
    assert name("Real* · *The\nEconomist _x_ `y` ~z~ <!here>") == "Real∗ · ∗The Economist ˍxˍ ˋyˋ ∼z∼ &lt;!here&gt;"
    assert link("https://a.example/e", "A *bold* show") == "<https://a.example/e|A ∗bold∗ show>"


def test_a_digest_item_with_a_5000_character_audio_url_fits_every_limit() -> None:
    insight = hostile_insight(podcast="P" * 150, episode="E" * 200, url=long_url(2500),
                              audio_url=long_url(5000, "audio.example.com"))
    message = digest_item(insight, ["rates"], [])
    assert block_errors([b.to_dict() for b in message.blocks])  # what Slack refused before the check
    payload = message.as_kwargs()
    assert block_errors(payload["blocks"]) == []
    assert_valid_blocks(payload["blocks"])
    attribution = payload["blocks"][1]["elements"][0]["text"]
    assert len(attribution) <= 3000 and "▶ listen at 1:35" in attribution  # the moment link lost its URL, not its label
    assert attribution.count("<https://") <= 1


def test_over_limit_blocks_are_shortened_never_refused() -> None:
    many = [SectionBlock(text=MarkdownTextObject(text=f"item {n}")) for n in range(60)]
    button = ButtonElement(text="ok", action_id="a", value="1")
    raw = [
        HeaderBlock(text="H" * 140),
        {"type": "header", "text": {"type": "plain_text", "text": "H" * 200}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 2990 + " <https://a.example/" + "b" * 80 + "|a>"},
         "fields": [{"type": "mrkdwn", "text": "f" * 2500}] * 12, "block_id": "b" * 300},
        {"type": "section", "text": {"type": "mrkdwn", "text": "y" * 2990 + " <https://a.example/" + "b" * 80 + "|label>" + "z" * 10},
         "fields": [{"type": "mrkdwn", "text": "f" * 2500}] * 12, "block_id": "b" * 300},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "c &amp; " * 500}] * 12},
        ActionsBlock(elements=[button]),
        {"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "t" * 100},
                                          "action_id": "i" * 300, "value": "v" * 3000, "url": long_url(4000)}] * 30},
        ContextBlock(elements=[MarkdownTextObject(text="fine")]),
    ]
    payload = outgoing.message([*raw, *many], "t" * 50_000)
    blocks = payload["blocks"]
    assert len(blocks) == 50 and len(payload["text"]) == 4000
    assert_valid_blocks(blocks)
    assert block_errors(blocks) == []
    header, section, clipped, context, actions = blocks[1], blocks[2], blocks[3], blocks[4], blocks[6]
    assert len(header["text"]["text"]) == 150
    assert section["text"]["text"].endswith("x a")  # the link lost its URL, so the text fits whole
    assert clipped["text"]["text"].endswith(" label" + "z" * 3 + "…") and len(clipped["text"]["text"]) == 3000
    assert len(section["fields"]) == 10 and len(section["block_id"]) == 255
    assert len(context["elements"]) == 10 and not context["elements"][0]["text"].endswith(("&", "&am", "&amp…"))
    assert len(actions["elements"]) == 25
    element = actions["elements"][0]
    assert len(element["text"]["text"]) == 75 and len(element["value"]) == 2000 and "url" not in element
    assert len(element["action_id"]) == 255


def test_a_home_view_keeps_at_most_100_blocks() -> None:
    view = outgoing.home_view([SectionBlock(text=MarkdownTextObject(text=f"<!here> {n}")) for n in range(120)])
    assert view["type"] == "home" and len(view["blocks"]) == 100
    assert_valid_blocks(view["blocks"], limit=100)
    assert view["blocks"][0]["text"]["text"] == "&lt;!here&gt; 0"


def test_clipping_never_ends_inside_an_entity() -> None:
    assert clip("a &amp; b", 5) == "a…"
    assert clip("abc", 3) == "abc"


def test_block_models_that_slack_sdk_would_refuse_are_shortened_too() -> None:
    confirm = ConfirmObject(title="Sure?", text="Delete it?")
    blocks = [
        SectionBlock(text=MarkdownTextObject(text="x" * 5000),
                     accessory=ButtonElement(text="t" * 100, action_id="a", value="1")),
        ActionsBlock(elements=[ButtonElement(text="ok", action_id="b", value="v" * 2500, confirm=confirm)]),
    ]
    payload = Message(blocks, "hi").as_kwargs()
    assert_valid_blocks(payload["blocks"])
    section, actions = payload["blocks"]
    assert len(section["text"]["text"]) == 3000 and len(section["accessory"]["text"]["text"]) == 75
    assert len(actions["elements"][0]["value"]) == 2000 and actions["elements"][0]["confirm"] == confirm.to_dict()
