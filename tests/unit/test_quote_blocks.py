"""A written insight shows the transcript words it rests on, as a context line under it."""

from __future__ import annotations

from dataclasses import replace

from bot.digest.blocks import digest_item
from bot.shared import blocks
from insights.model import Insight, Match
from tests.slack_checks import assert_valid_message

WRITTEN = Insight(
    id=9,
    text="Utilities that publish outage maps in real time earn more trust from customers.",
    podcast="Grid Talk",
    episode="Outages",
    quote="So <!channel> utilities that publish their outage maps in real time & fast, they earn <https://evil.example|trust>.",
)


def _context(insight: Insight) -> str:
    (context,) = [b.to_dict() for b in blocks.insight_blocks(insight, with_buttons=False) if b.type == "context"]
    return str(context["elements"][0]["text"])


def test_the_quote_is_shown_escaped_on_its_own_line_above_the_attribution() -> None:
    line, attribution = _context(WRITTEN).split("\n")
    assert line == (
        "“So &lt;!channel&gt; utilities that publish their outage maps in real time &amp; fast, "
        "they earn &lt;https://evil.example|trust&gt;.”"
    )
    assert attribution == blocks.attribution(WRITTEN)


def test_an_insight_in_the_transcripts_own_words_shows_no_quote_line() -> None:
    assert _context(replace(WRITTEN, quote=None)) == blocks.attribution(WRITTEN)


def test_a_long_quote_is_clipped_and_adds_no_block() -> None:
    long = replace(WRITTEN, quote="word " * 400)
    assert len(_context(long).split("\n")[0]) <= blocks.QUOTE_CHARS + 2
    assert len(blocks.insight_blocks(long, with_buttons=True)) == len(blocks.insight_blocks(replace(long, quote=None), with_buttons=True))


def test_search_results_full_of_quoted_insights_stay_valid_messages() -> None:
    long = replace(WRITTEN, quote=WRITTEN.quote + " “Quoted” words & more" * 200)  # type: ignore[operator]
    message = blocks.search_results("outage maps", [Match(replace(long, id=n), 90.0) for n in range(12)])
    kwargs = message.as_kwargs()
    assert_valid_message(kwargs)
    assert "<!channel>" not in str(kwargs) and str(kwargs).count("“So &lt;!channel&gt;") == 12


def test_a_digest_item_shows_the_quote_too() -> None:
    kwargs = digest_item(WRITTEN, ["matches grid"], []).as_kwargs()
    assert_valid_message(kwargs)
    assert "“So &lt;!channel&gt; utilities" in str(kwargs) and "<!channel>" not in str(kwargs)
