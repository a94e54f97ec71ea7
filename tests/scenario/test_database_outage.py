"""A database outage under the real HTTP app: Slack still gets 200, people get a friendly
"try again", nothing is half-written, and the app answers normally once the database is
back, without a restart.

The app reaches PostgreSQL through `TcpProxy`, which plays the outage: every open
connection dies and new ones are refused (what a server restart looks like from the
app), or a transaction is cut exactly at one statement. Rows are checked through a
direct connection. PostgreSQL only: SQLite is a local file and has no outage to survive.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.engine import make_url

from bot.bootstrap import build_deps
from bot.config import Settings
from bot.shared.replies import DATABASE_TROUBLE
from standin.local_server import LocalServer
from standin.slack_api import SlackStandIn
from standin.slack_requests import slash_command_body
from storage.db import create_db_engine
from storage.insights_store import InsightWriter
from storage.models import Feedback, SavedInsight
from tests.scenario.conftest import SIGNING_SECRET, TOKEN, Workspace, command_answer, sample_insights
from tests.scenario.saving import TrackingExecutor, insight_ids, insight_message, react, track_listeners
from tests.tcp_proxy import TcpProxy

#: Slack gives up on an ack after 3 s; the answer through response_url must not hang either.
ACK_DEADLINE_S = 3.0
ANSWER_DEADLINE_S = 5.0
USER = "U0BOB"


@dataclass
class Rig:
    """The app behind a database proxy, plus a direct engine for checking what was stored."""

    workspace: Workspace
    proxy: TcpProxy
    direct: Engine
    listeners: TrackingExecutor

    def command(self, text: str, name: str) -> tuple[int, float, dict[str, Any]]:
        """`/insights <text>`: (HTTP status, seconds until the answer reached Slack, the answer)."""
        body, content_type = slash_command_body(text, response_url=self.workspace.slack.response_url(name))
        started = time.monotonic()
        reply = self.workspace.server.post(body, content_type)
        acked = time.monotonic() - started
        assert acked < ACK_DEADLINE_S, f"ack took {acked:.1f} s"
        answer = command_answer(reply.body, self.workspace.slack, name, timeout=ANSWER_DEADLINE_S + 5)
        return reply.status, time.monotonic() - started, answer

    def saved(self) -> set[int]:
        with self.direct.connect() as connection:
            return set(connection.scalars(select(SavedInsight.insight_id).where(SavedInsight.user_id == USER)))

    def feedback(self) -> set[int]:
        with self.direct.connect() as connection:
            return set(connection.scalars(select(Feedback.insight_id).where(Feedback.user_id == USER)))

    def told_not_saved(self) -> int:
        """How many "was not saved, react again" notes the person saw."""
        return sum(1 for c in self.workspace.slack.calls("chat.postEphemeral")
                   if c.params.get("user") == USER and "was not saved" in c.params["text"])

    def confirmed(self) -> list[str]:
        """The "Saved" notes the person saw, in order."""
        return [c.params["text"] for c in self.workspace.slack.calls("chat.postEphemeral")
                if c.params.get("user") == USER and c.params["text"].startswith(":bookmark: Saved")]


@pytest.fixture
def rig(database_url: str, slack: SlackStandIn, tmp_path: Path) -> Iterator[Rig]:
    if not database_url.startswith("postgresql"):
        pytest.skip("a database outage needs a database server (PostgreSQL)")
    url = make_url(database_url)
    direct = create_db_engine(database_url)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as proxy:
        proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = Settings(database_url=proxied, data_dir=tmp_path, slack_bot_token=TOKEN,
                            slack_signing_secret=SIGNING_SECRET, slack_api_url=slack.api_url)
        deps = build_deps(settings)
        with deps.sessions.begin() as session:
            InsightWriter(session).add(sample_insights())
        with LocalServer(settings, deps) as server:
            workspace = Workspace(server, slack, deps)
            yield Rig(workspace, proxy, direct, track_listeners(workspace))
        deps.engine.dispose()
    direct.dispose()


def _is_search_answer(answer: dict[str, Any]) -> bool:
    return DATABASE_TROUBLE not in answer["text"] and any(b["type"] == "actions" for b in answer["blocks"])


def test_during_an_outage_commands_get_a_friendly_try_again_and_slack_always_gets_200(rig: Rig) -> None:
    status, _, answer = rig.command("export controls", "before")
    assert status == 200 and _is_search_answer(answer)

    rig.proxy.cut()
    for n in range(3):
        status, seconds, answer = rig.command("export controls", f"down-{n}")
        assert status == 200
        assert answer["text"] == DATABASE_TROUBLE and answer["response_type"] == "ephemeral"
        assert seconds < ANSWER_DEADLINE_S, f"the apology took {seconds:.1f} s"
    assert rig.workspace.server.get("/healthz").status == 503


def test_after_the_outage_the_same_process_answers_normally_again(rig: Rig) -> None:
    rig.command("export controls", "before")
    rig.proxy.cut()
    assert rig.command("export controls", "down")[2]["text"] == DATABASE_TROUBLE
    connections_before = rig.proxy.accepted

    rig.proxy.restore()
    status, seconds, answer = rig.command("expor contrls", "after")
    assert status == 200 and _is_search_answer(answer)
    assert seconds < ANSWER_DEADLINE_S
    assert rig.proxy.accepted > connections_before  # it reconnected instead of reusing dead connections
    assert rig.workspace.server.get("/healthz").status == 200


def test_a_restart_while_nobody_asks_goes_unnoticed(rig: Rig) -> None:
    rig.command("export controls", "before")  # the pool now holds open connections
    rig.proxy.cut()
    rig.proxy.restore()  # they died meanwhile; nobody used them
    status, _, answer = rig.command("export controls", "after")
    assert status == 200 and _is_search_answer(answer)


def test_a_search_cut_off_mid_query_gets_the_friendly_answer_not_silence(rig: Rig) -> None:
    rig.command("export controls", "warm")
    rig.proxy.cut_on(b"search_vector @@")
    status, seconds, answer = rig.command("export controls", "cut")
    assert rig.proxy.wait_tripped(0)
    assert status == 200 and answer["text"] == DATABASE_TROUBLE and seconds < ANSWER_DEADLINE_S

    rig.proxy.restore()
    assert _is_search_answer(rig.command("export controls", "again")[2])


def test_a_save_cut_off_mid_transaction_leaves_nothing_half_written(rig: Rig) -> None:
    before, cut_off = insight_ids(rig.workspace, 2)
    assert react(rig.workspace, USER, "bookmark", insight_message(rig.workspace, before)) == 200
    rig.listeners.wait_idle()
    assert rig.saved() == rig.feedback() == {before}

    rig.proxy.cut_on(b"INSERT INTO saved_insights")  # after the feedback row, before the save
    assert react(rig.workspace, USER, "bookmark", insight_message(rig.workspace, cut_off)) == 200
    assert rig.proxy.wait_tripped(60)  # normally at once: the reaction is being written
    rig.listeners.wait_idle()
    assert rig.saved() == rig.feedback() == {before}  # neither the save nor its feedback row
    assert len(rig.confirmed()) == 1  # and nobody was told it was saved
    assert rig.told_not_saved() == 1  # but told it was not, and what to do


def test_saved_rows_are_exactly_the_confirmed_saves_and_a_retry_after_restore_saves_once(rig: Rig) -> None:
    first, during = insight_ids(rig.workspace, 2)
    react(rig.workspace, USER, "bookmark", insight_message(rig.workspace, first))
    rig.listeners.wait_idle()
    during_ts = insight_message(rig.workspace, during)

    rig.proxy.cut()
    assert react(rig.workspace, USER, "bookmark", during_ts, event_id="EvDOWN") == 200
    rig.listeners.wait_idle()
    assert rig.saved() == {first}
    assert rig.told_not_saved() == 1

    rig.proxy.restore()
    for retry in (1, 2):  # Slack's retries of the same event, and a second one on top
        assert react(rig.workspace, USER, "bookmark", during_ts, event_id="EvDOWN", retry=retry) == 200
        rig.listeners.wait_idle()
    assert rig.saved() == rig.feedback() == {first, during}
    confirmed = rig.confirmed()
    assert len(confirmed) == 2, confirmed  # one note per saved row, none for the failed attempt
