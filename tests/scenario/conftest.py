"""The real Bolt app over real HTTP, against the Slack stand-in, on both databases."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from bot.bootstrap import build_deps
from bot.config import Settings
from bot.deps import Deps
from insights.model import NewInsight
from standin.local_server import HttpReply, LocalServer, inline_answer
from standin.slack_api import SlackStandIn
from standin.slack_requests import block_action_body, event_body, slash_command_body
from storage.insights_store import InsightWriter

if TYPE_CHECKING:
    from tests.scenario.saving import TrackingExecutor

_event_ids = itertools.count(1)
SAMPLE = Path(__file__).resolve().parents[2] / "standin" / "data" / "sample_insights.jsonl"
TOKEN = "xoxb-scenario"
SIGNING_SECRET = "5ca1ab1e5ca1ab1e5ca1ab1e5ca1ab1e"


def sample_insights() -> list[NewInsight]:
    """The demo's sample data (loaded without the importer, so these tests do not depend on it)."""
    from ingest.records import parse_record

    return [parse_record(json.loads(line)) for line in SAMPLE.read_text(encoding="utf-8").splitlines() if line]


def command_answer(ack_body: str, slack: SlackStandIn, name: str, timeout: float = 60.0) -> dict[str, Any]:
    """A slash command's answer: the ack's own when it carries one (a lookup ready in time, see
    bot.lookup.inline), else the message posted to the response_url `name`."""
    return inline_answer(ack_body) or slack.wait_for(f"response_url:{name}", timeout=timeout).params


def answers_given(ack_body: str, slack: SlackStandIn, name: str) -> int:
    """How many answers a slash command got: 1 for an ack carrying one, plus the posts to the response_url `name`."""
    return int(inline_answer(ack_body) is not None) + len(slack.responses(name))


@dataclass
class Workspace:
    """One running Podbrief and the Slack stand-in it talks to."""

    server: LocalServer
    slack: SlackStandIn
    deps: Deps

    def command(self, text: str, name: str = "cmd", **fields: Any) -> dict[str, Any]:
        """Type `/insights <text>`; return the answer: the ack's own when it carries one (a lookup ready
        in time), else the one posted to the response_url."""
        body, content_type = slash_command_body(text, response_url=self.slack.response_url(name), **fields)
        reply = self.server.post(body, content_type)
        assert reply.status == 200, reply
        return command_answer(reply.body, self.slack, name)

    def click(self, action_id: str, value: str, name: str = "click", **fields: Any) -> dict[str, Any]:
        """Click a button on a result; return the ephemeral answer."""
        body, content_type = block_action_body(action_id, value, response_url=self.slack.response_url(name), **fields)
        reply = self.server.post(body, content_type)
        assert reply.status == 200, reply
        return self.slack.wait_for(f"response_url:{name}", timeout=60).params  # at once, unless the machine crawls

    def event(self, event: dict[str, Any], event_id: str | None = None, **headers: str) -> HttpReply:
        """Send an event, signed like Slack; each gets its own event_id unless given (as each of Slack's does:
        two identical events signed in the same second would be refused as a replay)."""
        body, content_type = event_body(event, event_id=event_id or f"EvScenario{next(_event_ids):06d}")
        return self.server.post(body, content_type, extra_headers=headers)


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token=TOKEN) as standin:
        yield standin


@pytest.fixture
def workspace(database_url: str, slack: SlackStandIn, tmp_path: Path) -> Iterator[Workspace]:
    settings = Settings(
        database_url=database_url,
        data_dir=tmp_path,
        slack_bot_token=TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
    )
    deps = build_deps(settings)
    with deps.sessions.begin() as session:
        InsightWriter(session).add(sample_insights())
    with LocalServer(settings, deps) as server:
        yield Workspace(server, slack, deps)
    deps.background.close()  # a spaced Home rebuild must not outlive the test (and its Slack stand-in)
    deps.engine.dispose()


@pytest.fixture
def listeners(workspace: Workspace) -> TrackingExecutor:
    """The workspace's listener threads, tracked so a test can wait until the work a request started is done."""
    from tests.scenario.saving import track_listeners  # saving.py imports this module

    return track_listeners(workspace)
