"""OAuth installations on both databases: slack_sdk's tables under our migrations, tokens encrypted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from bot.workspaces.clients import WorkspaceClients, WorkspaceNotInstalled
from bot.workspaces.installations import EncryptedInstallationStore, oauth_state_store
from storage.models import Channel, SavedInsight, Workspace
from storage.token_cipher import TokenCipher, generate_key, reencrypt_all
from storage.workspaces_store import (
    purge_workspace,
    record_installed,
    record_uninstalled,
    workspaces_to_purge,
)

CLIENT_ID = "111.222"
BOT_TOKEN = "xoxb-1-2-secretbottoken"
REFRESH = "xoxe-1-secretrefresh"
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)


def _installation(team_id: str = "T1", token: str = BOT_TOKEN) -> Installation:
    return Installation(app_id="A1", team_id=team_id, team_name=f"Team {team_id}", bot_token=token, bot_id="B1",
                        bot_user_id="UBOT", bot_scopes="commands,chat:write", bot_refresh_token=REFRESH,
                        bot_token_expires_in=43_200, user_id="U1")


def test_the_migrated_tables_have_every_column_slack_sdk_reads_and_writes(engine: Engine) -> None:
    expected = MetaData()
    tables = [SQLAlchemyInstallationStore.build_installations_table(expected, "slack_installations"),
              SQLAlchemyInstallationStore.build_bots_table(expected, "slack_bots"),
              SQLAlchemyOAuthStateStore.build_oauth_states_table(expected, "slack_oauth_states")]
    inspector = inspect(engine)
    for table in tables:
        assert {c["name"] for c in inspector.get_columns(table.name)} == {c.name for c in table.columns}, table.name


def test_tokens_are_stored_encrypted_and_found_decrypted(engine: Engine) -> None:
    store = EncryptedInstallationStore(CLIENT_ID, engine, TokenCipher([generate_key()]))
    store.save(_installation())
    with engine.connect() as connection:
        raw = connection.execute(text("SELECT bot_token, bot_refresh_token FROM slack_bots")).one()
        raw_installation = connection.execute(text("SELECT bot_token FROM slack_installations")).one()
    assert BOT_TOKEN not in raw.bot_token and REFRESH not in raw.bot_refresh_token
    assert BOT_TOKEN not in raw_installation.bot_token
    bot = store.find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and (bot.bot_token, bot.bot_refresh_token) == (BOT_TOKEN, REFRESH)
    installation = store.find_installation(enterprise_id=None, team_id="T1")
    assert installation is not None and installation.bot_token == BOT_TOKEN


def test_each_workspace_gets_its_own_token_and_deleting_one_leaves_the_other(engine: Engine) -> None:
    store = EncryptedInstallationStore(CLIENT_ID, engine, TokenCipher([generate_key()]))
    store.save(_installation("T1", "xoxb-team-one"))
    store.save(_installation("T2", "xoxb-team-two"))
    store.delete_all(enterprise_id=None, team_id="T1")
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    assert store.find_installation(enterprise_id=None, team_id="T1") is None
    bot = store.find_bot(enterprise_id=None, team_id="T2")
    assert bot is not None and bot.bot_token == "xoxb-team-two"


def test_key_rotation_rewrites_every_token_for_the_new_key(engine: Engine, sessions: sessionmaker[Session]) -> None:
    old, new = generate_key(), generate_key()
    EncryptedInstallationStore(CLIENT_ID, engine, TokenCipher([old])).save(_installation())
    with sessions.begin() as session:
        assert reencrypt_all(session, TokenCipher([new, old])) == 2  # the installation row and the bot row
    with sessions.begin() as session:
        assert reencrypt_all(session, TokenCipher([new, old])) == 0  # nothing left under the old key
    bot = EncryptedInstallationStore(CLIENT_ID, engine, TokenCipher([new])).find_bot(enterprise_id=None, team_id="T1")
    assert bot is not None and bot.bot_token == BOT_TOKEN


def test_an_install_state_is_good_once_and_only_on_this_database(engine: Engine) -> None:
    states = oauth_state_store(engine)
    state = states.issue()
    assert states.consume(state) is True
    assert states.consume(state) is False
    assert states.consume("forged") is False


def test_uninstalling_stops_the_workspace_and_the_grace_period_counts_from_the_first_uninstall(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        record_installed(session, "T1", NOW, team_name="Acme")
        record_uninstalled(session, "T1", "Podbrief was uninstalled", NOW)
        record_uninstalled(session, "T1", "the bot token was revoked", NOW + timedelta(days=5))
    with sessions() as session:
        row = session.get(Workspace, "T1")
        assert row is not None and row.active is False
        assert workspaces_to_purge(session, NOW + timedelta(days=29), timedelta(days=30)) == []
        assert workspaces_to_purge(session, NOW + timedelta(days=30, seconds=1), timedelta(days=30)) == ["T1"]


def test_reinstalling_within_the_grace_period_calls_off_the_purge(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        record_uninstalled(session, "T1", "Podbrief was uninstalled", NOW)
        record_installed(session, "T1", NOW + timedelta(days=3))
    with sessions() as session:
        assert workspaces_to_purge(session, NOW + timedelta(days=90), timedelta(days=30)) == []
        row = session.get(Workspace, "T1")
        assert row is not None and row.active and row.uninstalled_at is None


def test_purging_deletes_one_workspaces_rows_and_tokens_only(engine: Engine, sessions: sessionmaker[Session]) -> None:
    store = EncryptedInstallationStore(CLIENT_ID, engine, TokenCipher([generate_key()]))
    for team in ("T1", "T2"):
        store.save(_installation(team))
        with sessions.begin() as session:
            record_installed(session, team, NOW)
            session.add(Channel(team_id=team, channel_id="C1", topics=["ai"], digest_time="09:00"))
    with sessions.begin() as session:
        deleted = purge_workspace(session, "T1")
    assert deleted["channels"] == 1 and deleted["workspaces"] == 1
    assert deleted["slack_bots"] == 1 and deleted["slack_installations"] == 1
    with sessions() as session:
        assert session.scalars(select(Channel.team_id)).all() == ["T2"]
        assert session.scalars(select(Workspace.team_id)).all() == ["T2"]
        assert session.scalars(select(SavedInsight.team_id)).all() == []
    assert store.find_bot(enterprise_id=None, team_id="T1") is None
    assert store.find_bot(enterprise_id=None, team_id="T2") is not None


def test_a_scheduled_job_gets_each_workspaces_own_token(engine: Engine, sessions: sessionmaker[Session]) -> None:
    store = EncryptedInstallationStore(CLIENT_ID, engine, TokenCipher([generate_key()]))
    store.save(_installation("T1", "xoxb-team-one"))
    store.save(_installation("T2", "xoxb-team-two"))
    clients = WorkspaceClients(WebClient(base_url="http://127.0.0.1:9/api/"), store, sessions)
    assert (clients("T1").token, clients("T2").token) == ("xoxb-team-one", "xoxb-team-two")
    assert clients("T1").base_url == "http://127.0.0.1:9/api/"


def test_a_workspace_without_an_installation_stops_getting_deliveries(
    engine: Engine, sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        record_installed(session, "T9", NOW)
    clients = WorkspaceClients(WebClient(), EncryptedInstallationStore(CLIENT_ID, engine, TokenCipher([generate_key()])),
                               sessions)
    with pytest.raises(WorkspaceNotInstalled):
        clients("T9")
    with sessions() as session:
        row = session.get(Workspace, "T9")
        assert row is not None and row.active is False and "install" in (row.inactive_reason or "")
