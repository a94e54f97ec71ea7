"""Multi-workspace mode end to end: the real app over HTTP, installed by several teams through OAuth.

`MultiPodbrief` is the app built with SLACK_CLIENT_ID (no bot token), the Slack stand-in
answering for every team by the token used, a pinned clock, and a browser's side of the
install flow (the install link's `state` and the state cookie).
"""

from __future__ import annotations

import http.client
import itertools
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from click.testing import CliRunner, Result
from slack_bolt.lazy_listener.thread_runner import ThreadLazyListenerRunner
from sqlalchemy import Engine, column, func, select, table

from bot.bootstrap import build_deps
from bot.cli.main import main
from bot.config import Settings
from bot.deps import Deps
from bot.digest.delivery import DeliveryOutcome
from insights.model import NewInsight
from standin.local_server import LocalServer
from standin.slack_api import RecordedCall, SlackStandIn
from standin.slack_requests import event_body, slash_command_body
from storage.insights_store import InsightWriter
from storage.token_cipher import TokenCipher, generate_key
from tests.scenario.conftest import SIGNING_SECRET, command_answer
from tests.scenario.saving import TrackingExecutor

CLIENT_ID = "1234567890.9876543210"
CLIENT_SECRET = "c11e57c11e57c11e57c11e57c11e57c1"
KEY = generate_key()
SCOPES = "commands,chat:write,reactions:read,users:read,channels:read,groups:read,im:write,files:write"
STATE_COOKIE = "slack-app-oauth-state"

TEAM_A, TEAM_B = "T0ACME", "T0BETA"
NAME_A, NAME_B = "Acme Corp", "Beta Ltd"
TOKEN_A, TOKEN_B = "xoxb-acme-1", "xoxb-beta-1"
#: Slack ids are unique only within a team here: both teams have a #C1 and a U1.
CHANNEL, USER, OTHER_USER = "C1", "U1", "U2"

#: Tuesday 24 November 2026, 10:00 UTC.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
DAY = timedelta(days=1)

#: Every table that holds a workspace's rows (slack_sdk's two installation tables included).
TEAM_TABLES = ("channels", "deliveries", "delivered_insights", "posted_messages", "saved_insights", "feedback",
               "settings_changes", "workspaces", "slack_installations", "slack_bots")

#: Acme's channel follows semiconductors, Beta's interest rates: each digest shows whose it is.
CHIPS = [
    ("TSMC's Arizona fab will reach volume production of 4nm wafers in 2027.", "Silicon Weekly"),
    ("Memory prices doubled this quarter because AI servers absorb most of the HBM supply.", "Fab Talk"),
    ("Chiplets let smaller firms combine dies from different foundries into one package.", "Chip Lines"),
]
RATES = [
    ("Interest rates will rise next year as wage growth stays above four percent.", "Macro Hour"),
    ("Mortgage rates above six percent keep existing homeowners from selling.", "Money Talks"),
    ("Central banks in Europe will cut rates twice before the summer.", "Rate Watch"),
]
_ids = itertools.count(1)


def fresh_insights() -> list[NewInsight]:
    """Six insights published in the day before NOW: three on semiconductors, three on interest rates."""
    rows = [(t, p, "semiconductors") for t, p in CHIPS] + [(t, p, "interest rates") for t, p in RATES]
    return [NewInsight(text=t, podcast=p, episode=f"{p} #{n}", published_at=NOW - timedelta(hours=20 + n),
                       audio_url=f"https://cdn.example.com/{n}.mp3", start_seconds=60.0 * n, topics=(topic,))
            for n, (t, p, topic) in enumerate(rows)]


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass(frozen=True)
class Page:
    """An HTTP answer as a browser sees it."""

    status: int
    headers: list[tuple[str, str]]
    body: str

    def header_values(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def cookie(self, name: str) -> str | None:
        """The value a Set-Cookie header gives `name` (None when no header sets it)."""
        for value in self.header_values("Set-Cookie"):
            key, _, rest = value.partition("=")
            if key.strip() == name:
                return rest.split(";", 1)[0]
        return None


def browser_get(base_url: str, path: str, cookie: str | None = None) -> Page:
    """GET `path` like a browser would (no redirects followed), sending `cookie` when given."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return Page(response.status, response.getheaders(), response.read().decode("utf-8"))
    finally:
        connection.close()


def install_link(page: Page) -> str:
    """The "Add to Slack" link on the install page."""
    marker = 'id="add-to-slack" href="'
    start = page.body.index(marker) + len(marker)
    return unescape(page.body[start:page.body.index('"', start)])


@dataclass
class InstallAttempt:
    """What a browser holds between the install page and Slack's redirect back."""

    state: str
    cookie: str  # the Cookie header to send back
    authorize_url: str


@dataclass
class MultiPodbrief:
    """The app in multi-workspace mode, the stand-in, the pinned clock and the listeners' executor."""

    server: LocalServer
    slack: SlackStandIn
    deps: Deps
    settings: Settings
    clock: Clock
    listeners: TrackingExecutor
    cipher: TokenCipher = field(init=False)

    def __post_init__(self) -> None:
        self.cipher = TokenCipher(self.settings.token_encryption_keys)

    # ------------------------------------------------------------------ installing
    def open_install_page(self) -> InstallAttempt:
        """Load the install page and click "Add to Slack", which sends the browser to Slack with a state."""
        page = browser_get(self.server.base_url, "/slack/install")
        assert page.status == 200, page
        click = browser_get(self.server.base_url, install_link(page))
        assert click.status == 302, click
        state = click.cookie(STATE_COOKIE)
        assert state, f"no state cookie in {click.headers}"
        url = click.header_values("Location")[0]
        return InstallAttempt(parse_qs(urlsplit(url).query)["state"][0], f"{STATE_COOKIE}={state}", url)

    def come_back_from_slack(self, attempt: InstallAttempt, code: str) -> Page:
        query = urlencode({"code": code, "state": attempt.state})
        return browser_get(self.server.base_url, f"/slack/oauth_redirect?{query}", attempt.cookie)

    def install(self, team_id: str, team_name: str, bot_token: str, *, installer: str = USER,
                refresh_token: str | None = None, expires_in: int | None = None) -> Page:
        """The whole install flow through HTTP: install page, Slack's consent (the stand-in), redirect back."""
        code = f"code-{team_id}-{next(_ids)}"
        self.slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, code, team_id, team_name, bot_token, SCOPES,
                                bot_refresh_token=refresh_token, expires_in=expires_in, installer_user_id=installer)
        page = self.come_back_from_slack(self.open_install_page(), code)
        assert page.status == 200, page.body
        return page

    # ------------------------------------------------------------------ Slack's requests
    def command(self, team_id: str, text: str, *, channel: str = CHANNEL, user: str = USER) -> dict[str, Any]:
        """`/insights <text>` typed in `team_id`; the answer (in the ack, or posted to the response_url)."""
        name = f"{team_id}-{next(_ids)}"
        body, content_type = slash_command_body(text, response_url=self.slack.response_url(name), team_id=team_id,
                                                channel_id=channel, user_id=user)
        reply = self.server.post(body, content_type)
        assert reply.status == 200, reply
        answer = command_answer(reply.body, self.slack, name)
        self.listeners.wait_idle()
        return answer

    def event(self, team_id: str, event: dict[str, Any]) -> int:
        body, content_type = event_body(event, team_id=team_id, event_id=f"Ev{next(_ids):08d}")
        reply = self.server.post(body, content_type)
        self.listeners.wait_idle()
        return reply.status

    def react(self, team_id: str, ts: str, emoji: str, *, user: str = USER, channel: str = CHANNEL,
              added: bool = True) -> int:
        return self.event(team_id, {
            "type": "reaction_added" if added else "reaction_removed", "user": user, "reaction": emoji,
            "item": {"type": "message", "channel": channel, "ts": ts}, "item_user": "U0BOT",
            "event_ts": f"{time.time():.6f}"})

    # ------------------------------------------------------------------ scheduled work
    def run_digests(self, at: datetime) -> list[DeliveryOutcome]:
        """One pass of the scheduler's digest job at `at`, with the deliverer build_deps built."""
        self.clock.now = at
        return self.deps.digests.run_due(at)

    # ------------------------------------------------------------------ what Slack and the database saw
    def token_calls(self) -> list[RecordedCall]:
        """Every Web API call made with a bot token (not OAuth exchanges, response URLs or uploads)."""
        return [c for c in self.slack.calls() if c.headers.get("authorization", "").startswith("Bearer ")]

    def raw_rows(self, name: str, team_id: str) -> list[dict[str, Any]]:
        """The rows of one of slack_sdk's installation tables, as stored (no decryption)."""
        cols = ("team_id", "team_name", "bot_token", "bot_refresh_token", "bot_token_expires_at")
        raw = table(name, *(column(c) for c in cols))
        with self.deps.engine.connect() as connection:
            return [dict(r) for r in connection.execute(select(raw).where(raw.c.team_id == team_id)).mappings()]

    def row_counts(self, team_id: str) -> dict[str, int]:
        return row_counts(self.deps.engine, team_id)


def row_counts(engine: Engine, team_id: str) -> dict[str, int]:
    """Rows per table for one team."""
    counts = {}
    with engine.connect() as connection:
        for name in TEAM_TABLES:
            rows = table(name, column("team_id"))
            counts[name] = connection.execute(select(func.count()).select_from(rows)
                                              .where(rows.c.team_id == team_id)).scalar_one()
    return counts


def multi_settings(database_url: str, data_dir: Path, api_url: str, keys: tuple[str, ...] = (KEY,)) -> Settings:
    return Settings(database_url=database_url, data_dir=data_dir, slack_signing_secret=SIGNING_SECRET,
                    slack_api_url=api_url, slack_client_id=CLIENT_ID, slack_client_secret=CLIENT_SECRET,
                    token_encryption_keys=keys)


def track(server: LocalServer, deps: Deps) -> TrackingExecutor:
    """Run the app's listeners on an executor the test can wait for."""
    executor = TrackingExecutor()
    executor.background = deps.background
    server.app.listener_runner.listener_executor = executor
    lazy_runner = server.app.listener_runner.lazy_listener_runner
    assert isinstance(lazy_runner, ThreadLazyListenerRunner)
    lazy_runner.executor = executor
    return executor


@pytest.fixture(name="standin")
def standin_fixture() -> Iterator[SlackStandIn]:
    with SlackStandIn(bot_token="xoxb-never-used", team_id="T0NOBODY") as slack:
        yield slack


@contextmanager
def running_podbrief(settings: Settings, slack: SlackStandIn, clock: Clock, *,
                     with_insights: bool) -> Iterator[MultiPodbrief]:
    """Podbrief started with `settings` (and, if asked, the six fresh insights), stopped afterwards."""
    deps = replace(build_deps(settings), clock=clock)
    try:
        if with_insights:
            with deps.sessions.begin() as session:
                InsightWriter(session).add(fresh_insights())
        with LocalServer(settings, deps) as server:
            yield MultiPodbrief(server, slack, deps, settings, clock, track(server, deps))
    finally:
        deps.engine.dispose()


def podbrief_cli(database_url: str, *args: str, **env: str) -> Result:
    """`podbrief ARGS` as an operator runs it, with only DATABASE_URL (and `env`) set."""
    environ: dict[str, str | None] = dict.fromkeys(("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "TOKEN_ENCRYPTION_KEYS"))
    environ.update({"DATABASE_URL": database_url, "LOG_LEVEL": "WARNING", **env})
    return CliRunner().invoke(main, list(args), env=environ, catch_exceptions=False)


@pytest.fixture(name="multi")
def multi_fixture(database_url: str, standin: SlackStandIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
          ) -> Iterator[MultiPodbrief]:
    """Podbrief in multi-workspace mode, over HTTP, on both databases; nobody has installed it yet."""
    monkeypatch.chdir(tmp_path)  # the command line reads .env from the working directory: none here
    settings = multi_settings(database_url, tmp_path, standin.api_url)
    with running_podbrief(settings, standin, Clock(NOW), with_insights=True) as podbrief:
        yield podbrief
