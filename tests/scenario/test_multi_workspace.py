"""Multi-workspace mode: teams install Podbrief through OAuth, and no team ever sees another's data.

The real app over HTTP in multi-workspace mode (SLACK_CLIENT_ID, tokens encrypted at rest),
against the Slack stand-in answering for every team by the token used, on SQLite and
PostgreSQL. Both teams have a channel C1 and a user U1: Slack ids are only unique per team.
"""

from __future__ import annotations

import json
import time as tm
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from bot.config import DEFAULT_BOT_SCOPES
from bot.workspaces.lifecycle import purge_expired
from insights.model import NewInsight
from storage.channels_store import update_target
from storage.clock import as_utc
from storage.insights_store import InsightWriter
from storage.models import Delivery, Feedback, InsightRow, PostedMessage, SavedInsight
from storage.models import Workspace as WorkspaceRow
from storage.token_cipher import PREFIX, TokenCipher, TokenKeyError, generate_key
from tests.scenario.multi_workspace import (
    CHANNEL,
    CHIPS,
    CLIENT_ID,
    CLIENT_SECRET,
    DAY,
    KEY,
    NAME_A,
    NAME_B,
    NOW,
    OTHER_USER,
    RATES,
    STATE_COOKIE,
    TEAM_A,
    TEAM_B,
    TEAM_TABLES,
    TOKEN_A,
    TOKEN_B,
    USER,
    Clock,
    MultiPodbrief,
    multi_fixture,  # noqa: F401 - used by name
    multi_settings,
    podbrief_cli,
    running_podbrief,
    standin_fixture,  # noqa: F401 - used by name
)
from tests.slack_checks import assert_valid_message, shown_text


def workspace_row(podbrief: MultiPodbrief, team_id: str) -> WorkspaceRow | None:
    with podbrief.deps.sessions() as session:
        row = session.get(WorkspaceRow, team_id)
        if row is not None:
            session.expunge(row)
        return row


def install_both(podbrief: MultiPodbrief) -> None:
    podbrief.install(TEAM_A, NAME_A, TOKEN_A)
    podbrief.install(TEAM_B, NAME_B, TOKEN_B)


# ----------------------------------------------------------------------------- 1. installing over HTTP
def test_installing_through_the_oauth_flow_stores_the_token_encrypted_and_activates_the_workspace(
    multi: MultiPodbrief,
) -> None:
    attempt = multi.open_install_page()
    assert attempt.authorize_url.startswith("https://slack.com/oauth/v2/authorize?")
    query = parse_qs(urlsplit(attempt.authorize_url).query)
    assert query["client_id"] == [CLIENT_ID] and query["state"] == [attempt.state]
    assert query["scope"][0].split(",") == list(DEFAULT_BOT_SCOPES)
    assert attempt.cookie == f"{STATE_COOKIE}={attempt.state}"
    multi.slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-acme", TEAM_A, NAME_A,
                             TOKEN_A, "commands,chat:write", bot_refresh_token="xoxe-1-acme", expires_in=43_200,
                             installer_user_id=USER)
    page = multi.come_back_from_slack(attempt, "code-acme")
    assert page.status == 200
    assert f"Podbrief is installed to {NAME_A}" in page.body
    assert "team=T0ACME" in page.body
    assert page.cookie(STATE_COOKIE) == "deleted", page.headers  # the used state cookie is cleared
    assert "Expires=Thu, 01 Jan 1970" in page.header_values("Set-Cookie")[0]
    (oauth,) = multi.slack.calls("oauth.v2.access")
    assert oauth.ok and oauth.params.get("code") == "code-acme"

    for name in ("slack_installations", "slack_bots"):
        (row,) = multi.raw_rows(name, TEAM_A)
        assert row["team_name"] == NAME_A
        for column, plain in (("bot_token", TOKEN_A), ("bot_refresh_token", "xoxe-1-acme")):
            stored = row[column]
            assert stored.startswith(PREFIX), f"{name}.{column} is not encrypted"
            assert plain not in stored and plain.removeprefix("xoxb-") not in stored
            assert multi.cipher.decrypt(stored) == plain
            assert TokenCipher([generate_key()]).encrypt(plain) != stored
    bot = multi.deps.installations.find_bot(enterprise_id=None, team_id=TEAM_A)  # type: ignore[union-attr]
    assert bot is not None and bot.bot_token == TOKEN_A and bot.bot_refresh_token == "xoxe-1-acme"

    workspace = workspace_row(multi, TEAM_A)
    assert workspace is not None and workspace.active and workspace.team_name == NAME_A
    assert workspace.installed_at is not None and workspace.uninstalled_at is None


def test_an_install_link_works_once(multi: MultiPodbrief) -> None:
    attempt = multi.open_install_page()
    multi.slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", TEAM_A, NAME_A,
                             TOKEN_A, "commands,chat:write", installer_user_id=USER)
    assert multi.come_back_from_slack(attempt, "code-1").status == 200
    multi.slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-2", TEAM_A, NAME_A,
                             "xoxb-acme-again", "commands,chat:write", installer_user_id=USER)
    again = multi.come_back_from_slack(attempt, "code-2")
    assert again.status == 401
    assert "expired or was already used" in again.body
    assert len(multi.slack.calls("oauth.v2.access")) == 1, "a used state never reaches Slack"
    assert len(multi.raw_rows("slack_installations", TEAM_A)) == 1
    assert len(multi.raw_rows("slack_bots", TEAM_A)) == 1


def test_a_redirect_from_another_browser_is_refused(multi: MultiPodbrief) -> None:
    attempt = multi.open_install_page()
    multi.slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", TEAM_A, NAME_A,
                             TOKEN_A, "commands,chat:write", installer_user_id=USER)
    attempt.cookie = f"{STATE_COOKIE}={multi.open_install_page().state}"  # another browser's cookie
    page = multi.come_back_from_slack(attempt, "code-1")
    assert page.status == 400 and "started in another browser" in page.body
    assert not multi.slack.calls("oauth.v2.access")
    assert not multi.raw_rows("slack_installations", TEAM_A) and workspace_row(multi, TEAM_A) is None


def test_two_workspaces_install_side_by_side(multi: MultiPodbrief) -> None:
    install_both(multi)
    for team, name, token in ((TEAM_A, NAME_A, TOKEN_A), (TEAM_B, NAME_B, TOKEN_B)):
        bot = multi.deps.installations.find_bot(enterprise_id=None, team_id=team)  # type: ignore[union-attr]
        assert bot is not None and bot.bot_token == token
        row = workspace_row(multi, team)
        assert row is not None and row.active and row.team_name == name


# ----------------------------------------------------------------------------- 2. isolation
CHIP_TEXTS = {text for text, _ in CHIPS}
RATE_TEXTS = {text for text, _ in RATES}


def teams_calling(podbrief: MultiPodbrief) -> set[str | None]:
    """The teams whose bot tokens the Web API calls since the last reset were made with."""
    return {c.team_id for c in podbrief.token_calls()}


def tokens_used(podbrief: MultiPodbrief) -> set[str]:
    return {c.headers["authorization"].removeprefix("Bearer ") for c in podbrief.token_calls()}


def insight_texts(messages: list[dict[str, Any]]) -> set[str]:
    """The insight texts among posted messages (headers and notes left out)."""
    return {text for m in messages for text in CHIP_TEXTS | RATE_TEXTS if text in shown_text(m)}


def set_up(podbrief: MultiPodbrief, team: str, channel_topic: str, at: str, personal_topic: str) -> None:
    """The channel's digest and U1's personal brief, typed in Slack."""
    for command in (f"topics add {channel_topic}", f"digest at {at}", f"me topics add {personal_topic}",
                    "me digest at 7:30 UTC"):
        answer = podbrief.command(team, command)
        assert_valid_message(answer)
        assert answer["response_type"] == "ephemeral"


def test_two_workspaces_with_the_same_channel_and_user_ids_never_see_each_others_data(multi: MultiPodbrief) -> None:
    install_both(multi)
    multi.slack.reset()

    # Settings: Acme's #C1 wants semiconductors, its U1 interest rates; Beta's the other way round.
    set_up(multi, TEAM_A, "semiconductors", "8:00 Europe/Berlin", "interest rates")
    assert teams_calling(multi) == {TEAM_A} and tokens_used(multi) == {TOKEN_A}
    multi.slack.reset()
    set_up(multi, TEAM_B, "interest rates", "9:30 UTC", "semiconductors")
    assert teams_calling(multi) == {TEAM_B} and tokens_used(multi) == {TOKEN_B}
    multi.slack.reset()

    topics_a, topics_b = (shown_text(multi.command(t, "topics")) for t in (TEAM_A, TEAM_B))
    assert "semiconductors" in topics_a and "interest rates" not in topics_a
    assert "interest rates" in topics_b and "semiconductors" not in topics_b
    digest_a, digest_b = (shown_text(multi.command(t, "digest")) for t in (TEAM_A, TEAM_B))
    assert "08:00" in digest_a and "Europe/Berlin" in digest_a and "09:30" not in digest_a
    assert "09:30" in digest_b and "Europe/Berlin" not in digest_b
    me_a, me_b = (shown_text(multi.command(t, "me topics")) for t in (TEAM_A, TEAM_B))
    assert "interest rates" in me_a and "semiconductors" not in me_a
    assert "semiconductors" in me_b and "interest rates" not in me_b
    multi.slack.reset()

    # The scheduler's run posts each team's digests with that team's token, to that team's C1 and DM.
    outcomes = multi.run_digests(NOW)
    assert sorted((o.team_id, o.channel_id, o.status) for o in outcomes) == [
        (TEAM_A, CHANNEL, "delivered"), (TEAM_A, USER, "delivered"),
        (TEAM_B, CHANNEL, "delivered"), (TEAM_B, USER, "delivered")]
    for call in multi.token_calls():
        assert call.headers["authorization"] == f"Bearer {TOKEN_A if call.team_id == TEAM_A else TOKEN_B}"
    posted_a, posted_b = (multi.slack.posted_messages(team_id=t) for t in (TEAM_A, TEAM_B))
    in_c1 = {t: [m for m in multi.slack.posted_messages(team_id=t) if m["channel"] == CHANNEL] for t in (TEAM_A, TEAM_B)}
    in_dm = {t: [m for m in multi.slack.posted_messages(team_id=t) if m["channel"] == "D1"] for t in (TEAM_A, TEAM_B)}
    assert len(posted_a) == len(posted_b) == 2 * (1 + 3)
    assert insight_texts(in_c1[TEAM_A]) == CHIP_TEXTS and insight_texts(in_dm[TEAM_A]) == RATE_TEXTS
    assert insight_texts(in_c1[TEAM_B]) == RATE_TEXTS and insight_texts(in_dm[TEAM_B]) == CHIP_TEXTS

    # Reactions: each team's U1 saves an item of its own #C1; Acme's U2 likes one.
    item_a = next(m for m in in_c1[TEAM_A] if insight_texts([m]))
    other_a = next(m for m in in_c1[TEAM_A] if insight_texts([m]) and m is not item_a)
    item_b = next(m for m in in_c1[TEAM_B] if insight_texts([m]))
    multi.slack.reset()
    assert multi.react(TEAM_A, item_a["ts"], "bookmark") == 200
    assert multi.react(TEAM_A, other_a["ts"], "+1", user=OTHER_USER) == 200
    assert teams_calling(multi) == {TEAM_A} and tokens_used(multi) == {TOKEN_A}
    multi.slack.reset()
    assert multi.react(TEAM_B, item_b["ts"], "bookmark") == 200
    # The same channel and person in Beta, reacting on the ts of Acme's message: not Beta's message.
    assert multi.react(TEAM_B, item_a["ts"], "bookmark") == 200
    assert multi.react(TEAM_B, other_a["ts"], "+1") == 200
    assert teams_calling(multi) == {TEAM_B} and tokens_used(multi) == {TOKEN_B}
    confirmations = multi.slack.calls("chat.postEphemeral")
    assert len(confirmations) == 1 and confirmations[0].team_id == TEAM_B
    multi.slack.reset()
    multi.react(TEAM_A, item_b["ts"], "bookmark")  # and the other way round
    (saved_a_text,) = insight_texts([item_a])
    (saved_b_text,) = insight_texts([item_b])
    with multi.deps.sessions() as session:
        saved = sorted(session.execute(select(SavedInsight.team_id, SavedInsight.user_id, InsightRow.text)
                                       .join(InsightRow, InsightRow.id == SavedInsight.insight_id)).all())
        feedback = sorted(session.execute(select(Feedback.team_id, Feedback.channel_id, Feedback.user_id, Feedback.kind)).all())
    assert saved == [(TEAM_A, USER, saved_a_text), (TEAM_B, USER, saved_b_text)]
    assert feedback == [(TEAM_A, CHANNEL, USER, "save"), (TEAM_A, CHANNEL, OTHER_USER, "up"),
                        (TEAM_B, CHANNEL, USER, "save")]

    # `/insights saved` shows each U1 only what they saved in their own workspace.
    multi.slack.reset()
    saved_a, saved_b = (shown_text(multi.command(t, "saved")) for t in (TEAM_A, TEAM_B))
    assert saved_a_text in saved_a and saved_b_text not in saved_a
    assert saved_b_text in saved_b and saved_a_text not in saved_b
    # So does each U1's Home tab.
    multi.slack.reset()
    for team in (TEAM_A, TEAM_B):
        multi.event(team, {"type": "app_home_opened", "user": USER, "channel": "D1", "tab": "home",
                           "event_ts": f"{tm.time():.6f}"})
    homes = {c.team_id: json.dumps(c.params["view"]) for c in multi.slack.calls("views.publish")}
    assert set(homes) == {TEAM_A, TEAM_B}
    assert saved_a_text in homes[TEAM_A] and saved_b_text not in homes[TEAM_A]
    assert saved_b_text in homes[TEAM_B] and saved_a_text not in homes[TEAM_B]

    # The rows: everything under the team it came from.
    with multi.deps.sessions() as session:
        deliveries = sorted(session.execute(select(Delivery.team_id, Delivery.channel_id, Delivery.post_channel)).all())
        posted = {team: set(session.scalars(select(PostedMessage.ts).where(PostedMessage.team_id == team)))
                  for team in (TEAM_A, TEAM_B)}
    assert deliveries == [(TEAM_A, CHANNEL, None), (TEAM_A, USER, "D1"), (TEAM_B, CHANNEL, None), (TEAM_B, USER, "D1")]
    assert posted[TEAM_A] == {m["ts"] for m in posted_a} and posted[TEAM_B] == {m["ts"] for m in posted_b}


# ----------------------------------------------------------------------------- 3. uninstalling
NEW_CHIP = "Glass substrates will replace organic ones in the largest AI packages by 2028."


def set_up_both(podbrief: MultiPodbrief) -> None:
    """Both teams installed, with a channel digest each (Acme's at 8:00, Beta's at 9:30, UTC)."""
    install_both(podbrief)
    for team, topic, at in ((TEAM_A, "semiconductors", "8:00 UTC"), (TEAM_B, "interest rates", "9:30 UTC")):
        podbrief.command(team, f"topics add {topic}")
        podbrief.command(team, f"digest at {at}")
    podbrief.slack.reset()


def delivered(podbrief: MultiPodbrief, at: datetime) -> list[tuple[str, str, str]]:
    return sorted((o.team_id, o.channel_id, o.status) for o in podbrief.run_digests(at))


def uninstall_event(podbrief: MultiPodbrief, team: str) -> None:
    podbrief.slack.revoke_token(TOKEN_A if team == TEAM_A else TOKEN_B)  # Slack revokes the tokens, too
    assert podbrief.event(team, {"type": "app_uninstalled", "event_ts": "1700000000.000100"}) == 200


def assert_left(podbrief: MultiPodbrief, team: str, reason: str) -> None:
    """No usable bot for the team any more, and the workspace inactive since the event."""
    store = podbrief.deps.installations
    assert store is not None
    assert store.find_bot(enterprise_id=None, team_id=team) is None
    row = workspace_row(podbrief, team)
    assert row is not None and not row.active and reason in (row.inactive_reason or "")
    assert as_utc(row.uninstalled_at) == podbrief.clock.now


def assert_no_token_kept(podbrief: MultiPodbrief, team: str) -> None:
    """Neither slack_sdk table still holds one of the team's tokens (encrypted or not)."""
    store = podbrief.deps.installations
    assert store is not None
    for name in ("slack_installations", "slack_bots"):
        kept = [row for row in podbrief.raw_rows(name, team) if row["bot_token"] or row["bot_refresh_token"]]
        assert not kept, f"{name} still holds {team}'s bot token after it left: {kept}"
    installation = store.find_installation(enterprise_id=None, team_id=team)
    assert installation is None or installation.bot_token is None


def test_an_uninstalled_workspace_loses_its_tokens_and_digests_while_the_other_continues(multi: MultiPodbrief) -> None:
    set_up_both(multi)
    uninstall_event(multi, TEAM_A)
    assert_left(multi, TEAM_A, "uninstalled")
    assert_no_token_kept(multi, TEAM_A)
    assert not multi.raw_rows("slack_installations", TEAM_A) and not multi.raw_rows("slack_bots", TEAM_A)
    assert workspace_row(multi, TEAM_B).active  # type: ignore[union-attr]
    multi.slack.reset()
    assert delivered(multi, NOW) == [(TEAM_B, CHANNEL, "delivered")]
    assert teams_calling(multi) == {TEAM_B}, "nothing is even tried with Acme's old token"


def test_revoked_bot_tokens_stop_the_workspace_the_same_way(multi: MultiPodbrief) -> None:
    set_up_both(multi)
    multi.slack.revoke_token(TOKEN_A)
    event = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["U0BOT"]}, "event_ts": "1700000000.000200"}
    assert multi.event(TEAM_A, event) == 200
    assert_left(multi, TEAM_A, "revoked")
    multi.slack.reset()
    assert delivered(multi, NOW) == [(TEAM_B, CHANNEL, "delivered")]
    assert teams_calling(multi) == {TEAM_B}
    assert_no_token_kept(multi, TEAM_A)


def test_reinstalling_within_the_grace_period_resumes_with_the_settings_kept(multi: MultiPodbrief) -> None:
    set_up_both(multi)
    assert delivered(multi, NOW) == [(TEAM_A, CHANNEL, "delivered"), (TEAM_B, CHANNEL, "delivered")]
    uninstall_event(multi, TEAM_A)
    multi.clock.now = NOW + 3 * DAY
    multi.install(TEAM_A, NAME_A, "xoxb-acme-2")
    row = workspace_row(multi, TEAM_A)
    assert row is not None and row.active and row.uninstalled_at is None and row.inactive_reason is None
    assert "semiconductors" in shown_text(multi.command(TEAM_A, "topics"))
    assert "08:00" in shown_text(multi.command(TEAM_A, "digest"))
    with multi.deps.sessions.begin() as session:  # news for Acme on day 4; nothing new for Beta
        InsightWriter(session).add([NewInsight(text=NEW_CHIP, podcast="Fab Talk", episode="Fab Talk #9",
                                               published_at=NOW + 3 * DAY - timedelta(hours=2),
                                               topics=("semiconductors",))])
    multi.slack.reset()
    assert delivered(multi, NOW + 3 * DAY) == [(TEAM_A, CHANNEL, "delivered"), (TEAM_B, CHANNEL, "quiet")]
    posted_a = multi.slack.calls("chat.postMessage", team_id=TEAM_A)
    assert {c.headers["authorization"] for c in posted_a} == {"Bearer xoxb-acme-2"}
    assert any(NEW_CHIP in shown_text(c.params) for c in posted_a)
    assert not insight_texts([c.params for c in posted_a]), "nothing Acme received before its uninstall is repeated"


def both_teams_with_data(podbrief: MultiPodbrief) -> None:
    """Rows for both teams in every table: settings, deliveries, posted messages, saves, feedback."""
    set_up_both(podbrief)
    assert delivered(podbrief, NOW) == [(TEAM_A, CHANNEL, "delivered"), (TEAM_B, CHANNEL, "delivered")]
    for team in (TEAM_A, TEAM_B):
        items = [m for m in podbrief.slack.posted_messages(team_id=team) if insight_texts([m])]
        podbrief.react(team, items[0]["ts"], "bookmark")
        podbrief.react(team, items[1]["ts"], "+1", user=OTHER_USER)
    for team in (TEAM_A, TEAM_B):
        counts = podbrief.row_counts(team)
        assert all(counts.values()), f"{team} has no rows in {[t for t, n in counts.items() if not n]}"


def test_a_workspace_uninstalled_longer_than_the_grace_period_is_purged_and_the_other_kept(
    multi: MultiPodbrief,
) -> None:
    both_teams_with_data(multi)
    multi.slack.revoke_token(TOKEN_A)
    multi.event(TEAM_A, {"type": "tokens_revoked", "tokens": {"bot": ["U0BOT"]}, "event_ts": "1700000000.000300"})
    left_at = multi.clock.now
    b_before = multi.row_counts(TEAM_B)
    a_before = multi.row_counts(TEAM_A)
    grace = multi.settings.uninstall_grace_days

    multi.clock.now = left_at + timedelta(days=grace) - timedelta(minutes=1)
    assert purge_expired(multi.deps, grace) == []
    assert multi.row_counts(TEAM_A) == a_before

    multi.clock.now = left_at + timedelta(days=grace, minutes=1)
    assert purge_expired(multi.deps, grace) == [TEAM_A]
    assert multi.row_counts(TEAM_A) == dict.fromkeys(TEAM_TABLES, 0)
    assert multi.row_counts(TEAM_B) == b_before
    assert "interest rates" in shown_text(multi.command(TEAM_B, "topics")), "Beta keeps working"


def test_purging_a_workspace_from_the_command_line_deletes_all_its_rows_at_once(
    multi: MultiPodbrief, database_url: str,
) -> None:
    both_teams_with_data(multi)
    b_before = multi.row_counts(TEAM_B)
    result = podbrief_cli(database_url, "workspaces", "purge", TEAM_A, "--yes")
    assert result.exit_code == 0, result.output
    assert f"rows for {TEAM_A}" in result.output
    assert multi.row_counts(TEAM_A) == dict.fromkeys(TEAM_TABLES, 0)
    assert multi.row_counts(TEAM_B) == b_before
    unknown = podbrief_cli(database_url, "workspaces", "purge", TEAM_A, "--yes")
    assert unknown.exit_code == 1 and "No workspace T0ACME is known" in unknown.output


# ----------------------------------------------------------------------------- 4. token rotation
def digest_without_slack_request(podbrief: MultiPodbrief, team: str, *channels: str) -> None:
    """Digests set up straight in the database, so no Slack request (and no Bolt token check) happens."""
    with podbrief.deps.sessions.begin() as session:
        for channel in channels:
            update_target(session, team, channel, by_user=USER, change="set up", topics=["semiconductors"],
                          digest_time="08:00", timezone="UTC")


def test_a_scheduled_digest_refreshes_an_expiring_token_stores_it_encrypted_and_posts_with_it(
    multi: MultiPodbrief,
) -> None:
    multi.install(TEAM_A, NAME_A, TOKEN_A, refresh_token="xoxe-1-acme", expires_in=60)
    multi.install(TEAM_B, NAME_B, TOKEN_B)
    digest_without_slack_request(multi, TEAM_A, CHANNEL)
    digest_without_slack_request(multi, TEAM_B, CHANNEL)
    multi.slack.reset()

    assert delivered(multi, NOW) == [(TEAM_A, CHANNEL, "delivered"), (TEAM_B, CHANNEL, "delivered")]
    (refresh,) = multi.slack.calls("oauth.v2.access")
    assert refresh.ok and refresh.params["grant_type"] == "refresh_token"
    assert refresh.params["refresh_token"] == "xoxe-1-acme"
    new_token, new_refresh = refresh.response["access_token"], refresh.response["refresh_token"]
    assert new_token != TOKEN_A and new_refresh != "xoxe-1-acme"
    posted_a = multi.slack.calls("chat.postMessage", team_id=TEAM_A)
    assert posted_a and all(c.ok for c in posted_a)
    assert {c.headers["authorization"] for c in posted_a} == {f"Bearer {new_token}"}
    assert {c.headers["authorization"] for c in multi.slack.calls("chat.postMessage", team_id=TEAM_B)} == {
        f"Bearer {TOKEN_B}"}

    (row,) = multi.raw_rows("slack_bots", TEAM_A)
    assert row["bot_token"].startswith(PREFIX) and new_token not in row["bot_token"]
    assert multi.cipher.decrypt(row["bot_token"]) == new_token
    assert multi.cipher.decrypt(row["bot_refresh_token"]) == new_refresh
    bot = multi.deps.installations.find_bot(enterprise_id=None, team_id=TEAM_A)  # type: ignore[union-attr]
    assert bot is not None and bot.bot_token == new_token
    assert bot.bot_token_expires_at is not None and bot.bot_token_expires_at > tm.time()


def test_several_digests_of_one_workspace_due_together_share_one_token_refresh(multi: MultiPodbrief) -> None:
    """Slack's refresh tokens are single-use: two deliveries refreshing at once must not both try."""
    multi.install(TEAM_A, NAME_A, TOKEN_A, refresh_token="xoxe-1-acme", expires_in=60)
    digest_without_slack_request(multi, TEAM_A, "C1", "C2", "C3", "C4")
    multi.slack.reset()
    multi.slack.delay("oauth.v2.access", 0.3)  # as slow as Slack can be: the four deliveries overlap
    outcomes = delivered(multi, NOW)
    refreshes = multi.slack.calls("oauth.v2.access")
    assert [c.error for c in refreshes if not c.ok] == [], "a spent refresh token was used again"
    assert outcomes == [(TEAM_A, channel, "delivered") for channel in ("C1", "C2", "C3", "C4")]


# ----------------------------------------------------------------------------- 5. encryption key rotation
def stored_secrets(podbrief: MultiPodbrief) -> list[str]:
    return [row[c] for name in ("slack_installations", "slack_bots") for team in (TEAM_A, TEAM_B)
            for row in podbrief.raw_rows(name, team) for c in ("bot_token", "bot_refresh_token") if row[c]]


def test_rotating_the_encryption_key_re_encrypts_every_token_and_the_app_then_needs_only_the_new_key(
    multi: MultiPodbrief, database_url: str, tmp_path: Path,
) -> None:
    multi.install(TEAM_A, NAME_A, TOKEN_A, refresh_token="xoxe-1-acme", expires_in=43_200)
    multi.install(TEAM_B, NAME_B, TOKEN_B)
    multi.command(TEAM_A, "topics add semiconductors")
    multi.command(TEAM_A, "digest at 8:00 UTC")
    before = stored_secrets(multi)
    assert len(before) == 6  # Acme: token and refresh token in both tables; Beta: its token in both
    new_key = generate_key()

    result = podbrief_cli(database_url, "tokens", "rotate-key", TOKEN_ENCRYPTION_KEYS=f"{new_key},{KEY}")
    assert result.exit_code == 0, result.output
    assert "Re-encrypted the tokens of 4 stored installation row(s)" in result.output
    after = stored_secrets(multi)
    assert len(after) == 6 and not set(after) & set(before)
    only_new, only_old = TokenCipher([new_key]), TokenCipher([KEY])
    assert sorted(only_new.decrypt(v) or "" for v in after) == sorted(multi.cipher.decrypt(v) or "" for v in before)
    with pytest.raises(TokenKeyError):
        only_old.decrypt(after[0])
    again = podbrief_cli(database_url, "tokens", "rotate-key", TOKEN_ENCRYPTION_KEYS=f"{new_key},{KEY}")
    assert again.exit_code == 0, again.output  # running it twice is harmless
    assert sorted(only_new.decrypt(v) or "" for v in stored_secrets(multi)) == sorted(
        multi.cipher.decrypt(v) or "" for v in before)

    # The app restarted with only the new key: requests and scheduled digests work in both teams.
    settings = multi_settings(database_url, tmp_path, multi.slack.api_url, keys=(new_key,))
    with running_podbrief(settings, multi.slack, Clock(NOW), with_insights=False) as restarted:
        multi.slack.reset()
        assert "semiconductors" in shown_text(restarted.command(TEAM_A, "topics"))
        restarted.command(TEAM_B, "topics add interest rates")
        restarted.command(TEAM_B, "digest at 9:00 UTC")
        assert delivered(restarted, NOW) == [(TEAM_A, CHANNEL, "delivered"), (TEAM_B, CHANNEL, "delivered")]
        assert {c.headers["authorization"] for c in restarted.token_calls() if c.team_id == TEAM_A} == {
            f"Bearer {TOKEN_A}"}
        assert {c.headers["authorization"] for c in restarted.token_calls() if c.team_id == TEAM_B} == {
            f"Bearer {TOKEN_B}"}
        assert all(c.ok for c in restarted.token_calls())


def test_a_key_rotation_without_the_old_key_changes_nothing(multi: MultiPodbrief, database_url: str) -> None:
    install_both(multi)
    wrong = podbrief_cli(database_url, "tokens", "rotate-key", TOKEN_ENCRYPTION_KEYS=generate_key())
    assert wrong.exit_code == 1 and "Nothing was changed" in wrong.output
    assert all(multi.cipher.decrypt(v) in (TOKEN_A, TOKEN_B) for v in stored_secrets(multi))
