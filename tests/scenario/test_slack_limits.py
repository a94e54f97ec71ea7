"""Messages over Slack's limits are shortened before they are sent, so Slack never refuses a digest for its size.

The stand-in refuses over-limit blocks with `invalid_blocks`, as Slack does; the app gets
through anyway, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from insights.model import NewInsight
from standin.limits import block_errors
from storage.insights_store import InsightWriter
from tests.scenario.conftest import Workspace
from tests.slack_checks import assert_valid_message, shown_text

TEXT = "Export licences for lithography tools now take nine months, which stalls every new fab in the region."


def long_url(length: int, host: str) -> str:
    base = f"https://{host}/episodes/"
    return base + "x" * (length - len(base))


def test_a_digest_with_very_long_episode_and_audio_urls_is_delivered(workspace: Workspace) -> None:
    insight = NewInsight(text=TEXT, podcast="P" * 150, episode="E" * 200, url=long_url(1999, "site.example"),
                         audio_url=long_url(1999, "audio.example"), start_seconds=125.0,
                         published_at=datetime.now(UTC) - timedelta(hours=1), topics=("export controls",))
    with workspace.deps.sessions.begin() as session:
        InsightWriter(session).add([insight])
    workspace.command("topics add export controls", name="topics")
    workspace.command("digest at 9:00", name="at")
    answer = workspace.command("digest now", name="now")
    assert "Posted today's digest in <#C0GENERAL>" in shown_text(answer)

    posts = workspace.slack.calls("chat.postMessage")
    assert posts and all(call.ok for call in posts), [call.error for call in posts]
    [item] = [call.params for call in posts if TEXT in call.params["text"]]
    assert_valid_message(item)
    assert block_errors(item["blocks"]) == []
    attribution = next(b for b in item["blocks"] if b["type"] == "context")["elements"][0]["text"]
    assert len(attribution) <= 3000 and "▶ listen at 2:05" in attribution
