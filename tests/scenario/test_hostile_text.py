"""Hostile text from feeds and import files never becomes a mention, a disguised link or fake formatting.

A feed publisher and an import file put `<!channel>`, `<@U0123>`, `<!subteam^S1>`, `<#C1>`
and `<https://evil.example|https://trusted.example>` (also entity-encoded) into show notes,
titles and topics. Then every way Podbrief shows insights is used (search, share, save,
saved list, Home, digests, a personal brief, feed list, reaction confirmations), and every
request that reached the Slack stand-in is read: no live token in any `text` or mrkdwn field.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import build_deps
from bot.config import Settings
from bot.runtime.scheduler import feed_scan_tick
from bot.shared.blocks import SAVE_ACTION, SHARE_ACTION
from ingest.importer import import_file
from standin.local_server import LocalServer
from standin.slack_api import RecordedCall, SlackStandIn
from storage.models import InsightRow
from tests.integration.feed_server import FeedServer, static
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace
from tests.scenario.saving import react, track_listeners
from tests.slack_checks import assert_valid_message

ADMIN = "U0ADMIN"
HOSTILE = "<!channel> <!here> <!everyone> <@U0123> <!subteam^S1> <#C1> <https://evil.example|https://trusted.example>"
#: A live token Slack would turn into a notification, a mention or a link labelled with another address.
LIVE = re.compile(r"<(?:!(?:channel|here|everyone|subteam)|@U0123|#C1\b|[^<>|]*\|[^<>]*trusted\.example)", re.I)
SPOOF = "Real* · *The Economist"
_names = itertools.count()


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


TOKENS = HOSTILE.split(" ")
CLAIMS = (
    "Zymurgists say slow fermentation at low temperatures keeps the hop aroma {} in the finished beer.",
    "Small breweries that share one canning line cut their packaging costs {} by almost half.",
    "Brewers who dry hop twice report a stronger aroma {} in the finished pale ale than before.",
    "Yeast that is pitched warm produces more fruity esters {} than yeast that is pitched cold.",
    "Barley prices rose by a third this year {} because of the drought in southern Europe.",
    "Craft brewers now sell more alcohol free beer {} than stout in most British supermarkets.",
    "Aluminium cans keep light away from the beer {} far better than green glass bottles do.",
)


def hostile_feed(now: datetime) -> bytes:
    """Show notes carrying the tokens as text (entity-encoded twice or once), and hostile titles."""
    items = "".join(
        f"<item><title>{_xml(f'Episode {n} {token}')}</title><guid>ep-{n}</guid>"
        f"<link>https://evil.example/ep{n}</link>"
        f"<description>{_xml(_xml(claim.format(token)) if n % 2 else _xml(claim.format(_xml(token))))}</description>"
        f"<pubDate>{format_datetime(now - timedelta(hours=n + 1))}</pubDate>"
        f'<enclosure url="https://evil.example/{n}.mp3" type="audio/mpeg" length="1"/></item>'
        for n, (claim, token) in enumerate(zip(CLAIMS, TOKENS, strict=False))
    )
    title = _xml(f"{SPOOF} {HOSTILE}")
    return f'<rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'.encode()


def hostile_import(path: Path, now: datetime) -> Path:
    rows = [
        {"text": f"Central banks {HOSTILE} will cut interest rates twice before the summer, say bond traders.",
         "podcast": f"{SPOOF} {HOSTILE}", "episode": "https://trusted.example/episode-1",
         "url": "https://evil.example/episode-1", "audio_url": "https://evil.example/a.mp3", "start_seconds": 61,
         "published_at": (now - timedelta(hours=2)).isoformat(), "topics": ["interest rates", "<!here> rates"]},
        {"text": "Mortgage rates above six percent keep existing homeowners from selling &lt;!channel&gt; their homes.",
         "podcast": "<@U0123>", "episode": "Rates · trusted.example", "url": "https://evil.example/episode-2",
         "published_at": (now - timedelta(hours=3)).isoformat(), "topics": ["interest rates"]},
    ]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


@pytest.fixture
def podbrief(database_url: str, slack: SlackStandIn, tmp_path: Path) -> Iterator[Workspace]:
    settings = Settings(database_url=database_url, data_dir=tmp_path, slack_bot_token=TOKEN,
                        slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url,
                        feeds_allow_private_addresses=True)
    deps = build_deps(settings)
    slack.set_user(ADMIN, is_admin=True)
    with LocalServer(settings, deps) as server:
        yield Workspace(server, slack, deps)
    deps.engine.dispose()


def mrkdwn_fields(value: Any, key: str = "") -> Iterator[str]:
    """Every string Slack parses as mrkdwn in a request: `text` and `initial_comment`, mrkdwn text objects."""
    if isinstance(value, dict):
        if value.get("type") == "plain_text":
            return
        for k, v in value.items():
            yield from mrkdwn_fields(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from mrkdwn_fields(v, key)
    elif isinstance(value, str) and key in ("text", "initial_comment"):
        yield value


def live_tokens(calls: list[RecordedCall]) -> list[tuple[str, str]]:
    return [(call.method, found) for call in calls for text in mrkdwn_fields(call.params)
            for found in LIVE.findall(text)]


def ask(workspace: Workspace, text: str, **fields: Any) -> dict[str, Any]:
    answer = workspace.command(text, name=f"hostile-{next(_names)}", **fields)
    assert_valid_message(answer)
    return answer


def test_hostile_feeds_and_imports_never_reach_slack_as_mentions_or_disguised_links(
    podbrief: Workspace, tmp_path: Path
) -> None:
    listeners = track_listeners(podbrief)
    now = datetime.now(UTC)
    with FeedServer() as feeds:
        url = feeds.route("/hostile.xml", static(hostile_feed(now)))
        ask(podbrief, f"feeds add {url}", user_id=ADMIN)
        scanned = datetime.now(UTC)  # the feed was added (due at once) on the app's real clock
        summary = feed_scan_tick(podbrief.deps, timedelta(minutes=30), lambda: scanned)
    # The extractor may refuse a claim broken by a token (the link, <!here>, <!subteam^…>); titles and the
    # import below still carry every token, and at least four stored claims carry one each.
    assert summary.insights_added >= 4, summary
    report = import_file(hostile_import(tmp_path / "hostile.jsonl", now), podbrief.deps.sessions)
    assert report.added == 2, report
    with podbrief.deps.sessions() as session:
        stored = [row.text for row in session.scalars(select(InsightRow))]
    for token in ("<!here>", "<@U0123>", "<#C1>", "<!channel>", "&lt;!everyone&gt;"):  # stored as the attacker wrote
        assert any(token in text for text in stored), (token, stored)

    for query in ("fermentation hop aroma", "canning packaging", "fruity esters", "barley drought", "alcohol free stout",
                  "dry hop aroma", "interest rates homeowners"):
        answer = ask(podbrief, query)
        for value in {e["value"] for b in answer["blocks"] if b["type"] == "actions" for e in b["elements"]}:
            podbrief.click(SHARE_ACTION, value, name=f"share-{next(_names)}")
            podbrief.click(SAVE_ACTION, value, name=f"save-{next(_names)}")
    ask(podbrief, "saved")
    ask(podbrief, "saved aroma")
    ask(podbrief, "saved nothing-like-this")
    ask(podbrief, "feeds list", user_id=ADMIN)
    ask(podbrief, "topics add interest rates")
    ask(podbrief, "topics add rates")  # a near miss: suggestions come from imported topics
    ask(podbrief, "digest at 9:00")
    ask(podbrief, "digest preview")
    ask(podbrief, "digest now")
    ask(podbrief, "me digest at 7:30", channel_id="D0ALICE")
    ask(podbrief, "me digest now", channel_id="D0ALICE")
    item = next(m for m in podbrief.slack.posted_messages() if "interest rates" in m["text"] or "Central" in m["text"])
    react(podbrief, "U0BOB", "bookmark", item["ts"], channel=item["channel"])
    podbrief.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home", "channel": "D0ALICE"})
    listeners.wait_idle()

    calls = podbrief.slack.calls()
    methods = {c.method for c in calls}
    assert {"chat.postMessage", "chat.postEphemeral", "views.publish"} <= methods, methods
    assert sum(c.method == "chat.postMessage" for c in calls) >= 8  # shares, digest items, the personal brief
    assert live_tokens(calls) == []
    shown = "\n".join(text for c in calls for text in mrkdwn_fields(c.params))
    assert "&lt;!channel&gt;" in shown and "&lt;@U0123&gt;" in shown  # shown as text, not dropped
    assert "*Real* · *The Economist" not in shown and "Real∗ · ∗The Economist" in shown
