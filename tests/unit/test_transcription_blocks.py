"""What Slack shows of transcription: "transcribing…" in the feeds list, "auto-transcribed" in attributions."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from bot.feeds import blocks as fb
from bot.shared.blocks import attribution, insight_blocks
from insights.model import Insight
from tests.unit.test_feeds_blocks import FEED, NOW, text_of


def test_a_feed_with_episodes_being_transcribed_says_transcribing_in_the_feeds_list() -> None:
    other = replace(FEED, id=4, title="Hard Facts", insights_extracted=0)
    listed = text_of(fb.feeds_listed([FEED, other], NOW, transcribing={4}, show_notes_only={other.podcast_id} if other.podcast_id is not None else set()))
    odd, hard = listed.split("Hard Facts")
    assert "transcribing…" not in odd
    assert "transcribing…" in hard and "show notes only" not in hard


def test_an_insight_from_a_machine_transcript_says_auto_transcribed_and_a_published_one_does_not() -> None:
    heard = Insight(id=1, text="Most startups fail because they run out of cash.", podcast="Spoken <&> Co",
                    episode="Episode 1", audio_url="https://example.com/a.mp3", start_seconds=65.0,
                    published_at=datetime(2026, 11, 30, tzinfo=UTC), machine_transcribed=True)
    line = attribution(heard)
    assert line.endswith("· _auto-transcribed_") and "Spoken &lt;&amp;&gt; Co" in line
    assert "auto-transcribed" not in attribution(replace(heard, machine_transcribed=False))
    assert "auto-transcribed" in str([b.to_dict() for b in insight_blocks(heard, with_buttons=False)])
