"""The Slack stand-in, driven by a real slack_sdk WebClient as the app will drive it."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slack_bolt.oauth.oauth_flow import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.oauth.installation_store import Bot, FileInstallationStore
from slack_sdk.oauth.state_store import FileOAuthStateStore
from slack_sdk.oauth.token_rotation import TokenRotator
from slack_sdk.webhook import WebhookClient

from standin.slack_api import RecordedCall, SlackStandIn

SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "*Insight* from a podcast"}}


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with SlackStandIn(user_timezones={"U1": "America/New_York"}) as standin:
        yield standin


@pytest.fixture
def client(slack: SlackStandIn) -> WebClient:
    return WebClient(token=slack.bot_token, base_url=slack.api_url)


def test_api_url_is_a_loopback_base_url_ending_with_api(slack: SlackStandIn) -> None:
    assert slack.api_url.startswith("http://127.0.0.1:")
    assert slack.api_url.endswith("/api/")


def test_auth_test_names_the_team_and_the_bot(client: WebClient) -> None:
    answer = client.auth_test()
    assert (answer["team_id"], answer["user_id"], answer["bot_id"]) == ("T0STANDIN", "U0BOT", "B0BOT")
    assert answer["url"].startswith("https://")


def test_posted_blocks_are_recorded_and_each_ts_is_later_than_the_last(
    slack: SlackStandIn, client: WebClient
) -> None:
    first = client.chat_postMessage(channel="C1", text="fallback one", blocks=[SECTION])
    second = client.chat_postMessage(channel="C2", text="fallback two", blocks=[SECTION], unfurl_links=False)

    posted = slack.posted_messages()
    assert [m["text"] for m in posted] == ["fallback one", "fallback two"]
    assert posted[0]["blocks"] == [SECTION]
    assert posted[1]["unfurl_links"] is False
    assert [m["ts"] for m in posted] == [first["ts"], second["ts"]]
    assert float(second["ts"]) > float(first["ts"])
    assert first["channel"] == "C1"
    assert first["message"]["blocks"] == [SECTION]


def test_blocks_sent_as_a_form_field_are_recorded_as_a_list(slack: SlackStandIn, client: WebClient) -> None:
    client.api_call("chat.postMessage", params={"channel": "C1", "text": "t", "blocks": json.dumps([SECTION])})

    assert slack.posted_messages()[0]["blocks"] == [SECTION]


def test_a_message_without_text_or_blocks_is_refused(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.api_call("chat.postMessage", json={"channel": "C1"})
    assert refused.value.response["error"] == "no_text"


def test_a_wrong_token_is_refused_with_invalid_auth(slack: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as refused:
        WebClient(token="xoxb-wrong", base_url=slack.api_url).chat_postMessage(channel="C1", text="hi")

    assert refused.value.response["error"] == "invalid_auth"
    assert slack.posted_messages() == []


def test_a_missing_token_is_refused_as_not_authed_like_slack_does(slack: SlackStandIn) -> None:
    with pytest.raises(SlackApiError) as refused:
        WebClient(base_url=slack.api_url).auth_test()
    assert refused.value.response["error"] == "not_authed"


def test_the_token_may_also_come_as_a_form_field(slack: SlackStandIn) -> None:
    answer = WebClient(base_url=slack.api_url).api_call("auth.test", params={"token": slack.bot_token})
    assert answer["ok"] is True


def test_a_rate_limited_call_succeeds_once_the_retry_handler_waited(slack: SlackStandIn) -> None:
    retrying = WebClient(
        token=slack.bot_token, base_url=slack.api_url, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)]
    )
    slack.rate_limit("chat.postMessage", retry_after=0)

    answer = retrying.chat_postMessage(channel="C1", text="digest")

    assert answer["ok"] is True
    attempts = slack.calls("chat.postMessage")
    assert [(c.status, c.fault) for c in attempts] == [(429, "rate_limit"), (200, None)]
    assert [m["text"] for m in slack.posted_messages()] == ["digest"]


def test_a_rate_limit_without_retries_surfaces_as_429_with_retry_after(slack: SlackStandIn, client: WebClient) -> None:
    slack.rate_limit("users.info", retry_after=7)

    with pytest.raises(SlackApiError) as limited:
        client.users_info(user="U1")

    assert limited.value.response.status_code == 429
    assert limited.value.response.headers["Retry-After"] == "7"
    assert client.users_info(user="U1")["ok"] is True


def test_an_injected_failure_gives_that_error_code_the_given_number_of_times(
    slack: SlackStandIn, client: WebClient
) -> None:
    slack.fail("chat.postMessage", error="channel_not_found", times=2)

    for _ in range(2):
        with pytest.raises(SlackApiError) as failed:
            client.chat_postMessage(channel="C404", text="hi")
        assert failed.value.response["error"] == "channel_not_found"
    assert client.chat_postMessage(channel="C404", text="hi")["ok"] is True
    assert [c.error for c in slack.calls("chat.postMessage")] == ["channel_not_found", "channel_not_found", None]


def test_the_default_failure_is_not_in_channel(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail("chat.postMessage")
    with pytest.raises(SlackApiError) as failed:
        client.chat_postMessage(channel="C1", text="hi")
    assert failed.value.response["error"] == "not_in_channel"


def test_a_server_error_is_answered_with_its_status(slack: SlackStandIn, client: WebClient) -> None:
    slack.server_error("views.publish", status=503)

    with pytest.raises(SlackApiError) as failed:
        client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION]})

    assert failed.value.response.status_code == 503
    assert slack.calls("views.publish")[0].fault == "server_error"


def test_faults_queue_up_in_the_order_they_were_injected(slack: SlackStandIn, client: WebClient) -> None:
    slack.server_error("auth.test")
    slack.fail("auth.test", error="account_inactive")

    statuses = []
    for _ in range(3):
        try:
            client.auth_test()
            statuses.append("ok")
        except SlackApiError as error:
            statuses.append(f"{error.response.status_code} {error.response['error']}")

    assert statuses == ["500 internal_error", "200 account_inactive", "ok"]


def test_a_fault_without_a_count_lasts_until_reset(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail("chat.postEphemeral", error="user_not_in_channel", times=None)
    for _ in range(3):
        with pytest.raises(SlackApiError):
            client.chat_postEphemeral(channel="C1", user="U1", text="hi")

    slack.reset()

    assert client.chat_postEphemeral(channel="C1", user="U1", text="hi")["ok"] is True
    assert len(slack.calls()) == 1


def test_clear_faults_removes_only_the_named_methods_faults(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail("auth.test", times=None)
    slack.fail("users.info", times=None)

    slack.clear_faults("auth.test")

    assert client.auth_test()["ok"] is True
    with pytest.raises(SlackApiError):
        client.users_info(user="U1")


def test_a_delay_makes_a_client_with_a_short_timeout_give_up(slack: SlackStandIn) -> None:
    slack.delay("auth.test", seconds=2)
    impatient = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=0.2)  # type: ignore[arg-type]

    with pytest.raises(TimeoutError):
        impatient.auth_test()

    assert slack.calls("auth.test")[0].delayed == 2


def test_times_must_be_positive(slack: SlackStandIn) -> None:
    with pytest.raises(ValueError):
        slack.fail("auth.test", times=0)


def test_files_upload_v2_records_the_file_name_and_content(slack: SlackStandIn, client: WebClient) -> None:
    answer = client.files_upload_v2(
        channel="D1", filename="saved-insights.csv", content="title,link\nA,https://x\n", title="Saved insights"
    )

    (uploaded,) = slack.uploaded_files()
    assert (uploaded.filename, uploaded.title, uploaded.channel_id) == ("saved-insights.csv", "Saved insights", "D1")
    assert uploaded.text == "title,link\nA,https://x\n"
    assert answer["file"]["id"] == uploaded.file_id


def test_response_url_posts_are_recorded_under_their_name(slack: SlackStandIn) -> None:
    answer = WebhookClient(slack.response_url("search")).send(text="3 insights", response_type="ephemeral")

    assert (answer.status_code, answer.body) == (200, "ok")
    assert slack.responses("search") == [{"text": "3 insights", "response_type": "ephemeral"}]
    assert slack.responses() == []


def test_users_info_gives_the_configured_time_zone_and_utc_otherwise(client: WebClient) -> None:
    configured = client.users_info(user="U1")["user"]
    other = client.users_info(user="U2")["user"]

    assert configured["tz"] == "America/New_York"
    assert configured["tz_label"] in {"EST", "EDT"}
    assert configured["tz_offset"] in {-5 * 3600, -4 * 3600}
    assert (other["tz"], other["tz_offset"], other["is_admin"]) == ("UTC", 0, False)


def test_set_user_and_set_channel_change_what_slack_reports(slack: SlackStandIn, client: WebClient) -> None:
    slack.set_user("U3", is_admin=True, tz="Asia/Tokyo")
    slack.set_channel("C7", is_member=False, is_archived=True)

    assert client.users_info(user="U3")["user"]["is_admin"] is True
    channel = client.conversations_info(channel="C7")["channel"]
    assert (channel["is_member"], channel["is_archived"]) == (False, True)
    assert client.conversations_info(channel="C8")["channel"]["is_member"] is True


def test_conversations_open_gives_a_direct_message_channel(client: WebClient) -> None:
    channel_id = client.conversations_open(users="U1")["channel"]["id"]
    assert channel_id.startswith("D")
    assert client.conversations_open(users=["U1"])["channel"]["id"] == channel_id


@pytest.mark.parametrize(
    ("method", "params", "expected_keys"),
    [
        ("chat.postEphemeral", {"channel": "C1", "user": "U1", "text": "t"}, {"message_ts"}),
        ("chat.update", {"channel": "C1", "ts": "1700000000.000100", "text": "t"}, {"channel", "ts"}),
        ("chat.delete", {"channel": "C1", "ts": "1700000000.000100"}, {"channel", "ts"}),
        ("views.publish", {"user_id": "U1", "view": {"type": "home", "blocks": []}}, {"view"}),
        ("reactions.add", {"channel": "C1", "timestamp": "1700000000.000100", "name": "bookmark"}, set()),
    ],
)
def test_other_methods_answer_ok_with_slacks_usual_fields(
    client: WebClient, method: str, params: dict[str, object], expected_keys: set[str]
) -> None:
    answer = client.api_call(method, json=params)
    assert answer["ok"] is True
    assert expected_keys <= set(answer.data)


def test_an_unknown_method_is_answered_with_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.api_call("podcasts.list")
    assert refused.value.response["error"] == "unknown_method"


def test_wait_for_returns_a_call_that_arrives_later(slack: SlackStandIn, client: WebClient) -> None:
    poster = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later"))
    poster.start()

    call = slack.wait_for("chat.postMessage", timeout=30)  # returns as soon as it arrives
    poster.join()

    assert isinstance(call, RecordedCall)
    assert call.params["text"] == "later"


def test_wait_for_with_a_predicate_sees_faulted_calls_too(slack: SlackStandIn, client: WebClient) -> None:
    slack.fail("auth.test", error="token_revoked")
    with pytest.raises(SlackApiError):
        client.auth_test()

    call = slack.wait_for(lambda c: c.error == "token_revoked", timeout=0.5)

    assert call.method == "auth.test"


def test_wait_for_names_what_arrived_instead_when_it_times_out(slack: SlackStandIn, client: WebClient) -> None:
    client.auth_test()

    with pytest.raises(AssertionError, match=r"views\.publish.*auth\.test"):
        slack.wait_for("views.publish", timeout=0.05)


def test_reset_forgets_calls_but_ts_keep_increasing(slack: SlackStandIn, client: WebClient) -> None:
    before = client.chat_postMessage(channel="C1", text="one")["ts"]
    slack.reset()
    after = client.chat_postMessage(channel="C1", text="two")["ts"]

    assert [m["text"] for m in slack.posted_messages()] == ["two"]
    assert float(after) > float(before)


def test_the_stand_in_can_be_started_and_stopped_without_a_with_block() -> None:
    standin = SlackStandIn().start()
    try:
        assert WebClient(token=standin.bot_token, base_url=standin.api_url).auth_test()["ok"] is True
    finally:
        standin.stop()
        standin.stop()
    with pytest.raises(RuntimeError):
        _ = standin.api_url


# ----------------------------------------------------------------- several workspaces
B_TEAM, B_TOKEN = "T0BETA", "xoxb-beta"


def test_each_token_is_answered_as_the_workspace_it_belongs_to(slack: SlackStandIn, client: WebClient) -> None:
    slack.add_workspace(B_TEAM, B_TOKEN, "Beta Corp")

    first = client.auth_test()
    second = WebClient(token=B_TOKEN, base_url=slack.api_url).auth_test()

    assert (first["team_id"], first["team"]) == ("T0STANDIN", "Stand-in Team")
    assert (second["team_id"], second["team"], second["url"]) == (B_TEAM, "Beta Corp", "https://beta-corp.slack.com/")


def test_every_call_records_the_team_of_the_token_that_made_it(slack: SlackStandIn, client: WebClient) -> None:
    slack.add_workspace(B_TEAM, B_TOKEN)
    beta = WebClient(token=B_TOKEN, base_url=slack.api_url)

    client.chat_postMessage(channel="C1", text="for alpha")
    answer = beta.chat_postMessage(channel="C1", text="for beta")

    assert [m["text"] for m in slack.posted_messages(team_id=B_TEAM)] == ["for beta"]
    assert [c.team_id for c in slack.calls("chat.postMessage")] == ["T0STANDIN", B_TEAM]
    assert answer["message"]["team"] == B_TEAM
    assert beta.users_info(user="U1")["user"]["team_id"] == B_TEAM


def test_a_call_with_an_unknown_token_or_a_response_url_post_has_no_team(slack: SlackStandIn) -> None:
    with pytest.raises(SlackApiError):
        WebClient(token="xoxb-wrong", base_url=slack.api_url).auth_test()
    WebhookClient(slack.response_url()).send(text="hi")

    assert [c.team_id for c in slack.calls()] == [None, None]


def test_a_token_belongs_to_one_workspace_only(slack: SlackStandIn) -> None:
    with pytest.raises(ValueError):
        slack.add_workspace(B_TEAM, slack.bot_token)


@pytest.mark.parametrize("error", ["token_revoked", "invalid_auth"])
def test_a_revoked_token_is_refused_and_the_other_workspaces_keep_working(
    slack: SlackStandIn, client: WebClient, error: str
) -> None:
    slack.add_workspace(B_TEAM, B_TOKEN)
    slack.revoke_token(B_TOKEN, error=error)

    with pytest.raises(SlackApiError) as refused:
        WebClient(token=B_TOKEN, base_url=slack.api_url).chat_postMessage(channel="C1", text="hi")

    assert refused.value.response["error"] == error
    assert slack.calls("chat.postMessage")[0].team_id == B_TEAM
    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True


# ----------------------------------------------------------------- OAuth
CLIENT_ID, CLIENT_SECRET, REDIRECT = "1111.2222", "s3cr3t", "https://podbrief.example.com/slack/oauth_redirect"


@dataclass
class FakeClock:
    now: float = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def rotating(clock: FakeClock) -> Iterator[SlackStandIn]:
    """A stand-in whose token expiry follows `clock`, with one installation using token rotation."""
    with SlackStandIn(clock=clock) as standin:
        standin.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-rot", B_TEAM, "Beta Corp", "xoxe.xoxb-first",
                             ["chat:write", "commands"], bot_refresh_token="xoxe-1-first", expires_in=43_200)
        yield standin


def _exchange(slack: SlackStandIn, code: str, secret: str = CLIENT_SECRET, **fields: str) -> dict[str, Any]:
    answer = WebClient(base_url=slack.api_url).oauth_v2_access(client_id=CLIENT_ID, client_secret=secret, code=code,
                                                                **fields)
    return answer.data  # type: ignore[return-value]


def test_oauth_v2_access_exchanges_the_code_for_a_bot_token_of_that_workspace(slack: SlackStandIn) -> None:
    slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", B_TEAM, "Beta Corp", B_TOKEN, ["chat:write", "commands"],
                       installer_user_id="U0ADMIN", redirect_uri=REDIRECT)
    beta = WebClient(token=B_TOKEN, base_url=slack.api_url)
    with pytest.raises(SlackApiError):
        beta.auth_test()  # not valid before the exchange

    answer = _exchange(slack, "code-1", redirect_uri=REDIRECT)

    assert answer == {"ok": True, "app_id": "A0STANDIN", "authed_user": {"id": "U0ADMIN"},
                      "scope": "chat:write,commands", "token_type": "bot", "access_token": B_TOKEN,
                      "bot_user_id": "U0BOT", "team": {"id": B_TEAM, "name": "Beta Corp"}, "enterprise": None,
                      "is_enterprise_install": False}
    assert beta.auth_test()["team_id"] == B_TEAM
    assert slack.calls("oauth.v2.access")[0].headers["authorization"].startswith("Basic ")  # slack_sdk's way


def test_client_credentials_may_also_come_as_form_fields(slack: SlackStandIn) -> None:
    slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", B_TEAM, "Beta Corp", B_TOKEN, "chat:write")

    answer = WebClient(base_url=slack.api_url).api_call(
        "oauth.v2.access", data={"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "code": "code-1"})

    assert answer["access_token"] == B_TOKEN


@pytest.mark.parametrize(
    ("client_id", "secret", "code", "error"),
    [
        ("9999.0000", CLIENT_SECRET, "code-1", "invalid_client_id"),
        (CLIENT_ID, "wrong", "code-1", "bad_client_secret"),
        (CLIENT_ID, CLIENT_SECRET, "code-unknown", "invalid_code"),
    ],
)
def test_oauth_v2_access_refuses_wrong_credentials_and_unknown_codes(
    slack: SlackStandIn, client_id: str, secret: str, code: str, error: str
) -> None:
    slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", B_TEAM, "Beta Corp", B_TOKEN, "chat:write")

    with pytest.raises(SlackApiError) as refused:
        WebClient(base_url=slack.api_url).oauth_v2_access(client_id=client_id, client_secret=secret, code=code)

    assert refused.value.response["error"] == error
    assert slack.team_of(B_TOKEN) is None


def test_a_code_works_once(slack: SlackStandIn) -> None:
    slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", B_TEAM, "Beta Corp", B_TOKEN, "chat:write")
    _exchange(slack, "code-1")

    with pytest.raises(SlackApiError) as refused:
        _exchange(slack, "code-1")

    assert refused.value.response["error"] == "invalid_code"


def test_a_redirect_uri_other_than_the_authorized_one_is_refused(slack: SlackStandIn) -> None:
    slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", B_TEAM, "Beta Corp", B_TOKEN, "chat:write",
                       redirect_uri=REDIRECT)

    with pytest.raises(SlackApiError) as refused:
        _exchange(slack, "code-1", redirect_uri="https://elsewhere.example.com/")

    assert refused.value.response["error"] == "bad_redirect_uri"
    assert _exchange(slack, "code-1", redirect_uri=REDIRECT)["ok"] is True


def test_bolts_oauth_flow_stores_what_slack_answered(slack: SlackStandIn, tmp_path: Path) -> None:
    slack.expect_oauth(CLIENT_ID, CLIENT_SECRET, "code-1", B_TEAM, "Beta Corp", B_TOKEN, ["chat:write", "commands"],
                       bot_refresh_token="xoxe-1-beta", installer_user_id="U0ADMIN", redirect_uri=REDIRECT)
    flow = OAuthFlow(client=WebClient(base_url=slack.api_url), settings=OAuthSettings(
        client_id=CLIENT_ID, client_secret=CLIENT_SECRET, scopes=["chat:write", "commands"], redirect_uri=REDIRECT,
        installation_store=FileInstallationStore(base_dir=str(tmp_path)),
        state_store=FileOAuthStateStore(expiration_seconds=600, base_dir=str(tmp_path))))

    installation = flow.run_installation("code-1")

    assert installation is not None
    assert (installation.team_id, installation.team_name, installation.user_id) == (B_TEAM, "Beta Corp", "U0ADMIN")
    assert (installation.bot_token, installation.bot_user_id, installation.bot_id) == (B_TOKEN, "U0BOT", "B0BOT")
    assert installation.bot_scopes == ["chat:write", "commands"]
    assert installation.bot_refresh_token == "xoxe-1-beta"
    assert installation.bot_token_expires_at is not None and installation.bot_token_expires_at > time.time() + 40_000


def test_token_rotation_issues_a_new_token_and_the_old_one_lasts_until_it_expires(
    rotating: SlackStandIn, clock: FakeClock
) -> None:
    first = _exchange(rotating, "code-rot")
    assert (first["refresh_token"], first["expires_in"]) == ("xoxe-1-first", 43_200)
    clock.now += 43_000  # near the end of the first token's 12 hours
    rotator = TokenRotator(client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                           client=WebClient(base_url=rotating.api_url))
    bot = Bot(bot_token="xoxe.xoxb-first", bot_refresh_token="xoxe-1-first",
              bot_token_expires_at=int(time.time()) + 200, bot_id="B0BOT", bot_user_id="U0BOT",
              installed_at=time.time(), team_id=B_TEAM)

    rotated = rotator.perform_bot_token_rotation(bot=bot)

    assert rotated is not None and rotated.bot_token != "xoxe.xoxb-first"
    assert rotated.bot_refresh_token not in (None, "xoxe-1-first")
    assert rotating.team_of(rotated.bot_token) == B_TEAM
    old, new = (WebClient(token=t, base_url=rotating.api_url) for t in ("xoxe.xoxb-first", rotated.bot_token))
    assert old.auth_test()["team_id"] == new.auth_test()["team_id"] == B_TEAM
    clock.now += 300  # the first token has expired; the new one has hours left
    with pytest.raises(SlackApiError) as expired:
        old.auth_test()
    assert expired.value.response["error"] == "token_expired"
    assert new.chat_postMessage(channel="C1", text="still here")["ok"] is True


def test_a_used_refresh_token_is_refused_once_it_was_rotated(rotating: SlackStandIn) -> None:
    _exchange(rotating, "code-rot")
    oauth = WebClient(base_url=rotating.api_url)
    refreshed = oauth.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token",
                                      refresh_token="xoxe-1-first")
    assert (refreshed["token_type"], refreshed["team"]["id"], refreshed["expires_in"]) == ("bot", B_TEAM, 43_200)

    with pytest.raises(SlackApiError) as refused:
        oauth.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token",
                              refresh_token="xoxe-1-first")

    assert refused.value.response["error"] == "invalid_refresh_token"
    again = oauth.oauth_v2_access(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, grant_type="refresh_token",
                                  refresh_token=refreshed["refresh_token"])
    assert again["access_token"] not in (refreshed["access_token"], "xoxe.xoxb-first")


# ----------------------------------------------------------------- outages
class _StandInClock:
    """The stand-in's monotonic clock, moved only by the test: an outage's window ends when the test says,
    however long the calls inside it take on a loaded machine."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def test_an_outage_fails_every_call_to_its_method_until_the_window_ends(
    slack: SlackStandIn, client: WebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = _StandInClock()
    monkeypatch.setattr("standin.slack_api.time", clock)
    slack.outage("chat.postMessage", seconds=0.3, kind="503")

    for _ in range(3):
        with pytest.raises(SlackApiError) as failed:
            client.chat_postMessage(channel="C1", text="hi")
        assert failed.value.response.status_code == 503
    assert client.auth_test()["ok"] is True  # other methods are not affected
    clock.now += 0.35

    assert client.chat_postMessage(channel="C1", text="hi")["ok"] is True
    assert [c.fault for c in slack.calls("chat.postMessage")] == ["server_error"] * 3 + [None]


def test_an_outage_of_every_method_answers_429_with_retry_after(slack: SlackStandIn, client: WebClient) -> None:
    slack.outage(None, seconds=60, kind="429", retry_after=3)

    calls: tuple[Callable[[], object], ...] = (client.auth_test, lambda: client.users_info(user="U1"))
    for call in calls:
        with pytest.raises(SlackApiError) as limited:
            call()
        assert (limited.value.response.status_code, limited.value.response.headers["Retry-After"]) == (429, "3")

    slack.clear_faults()
    assert client.auth_test()["ok"] is True


def test_clear_faults_for_another_method_leaves_an_outage_running(slack: SlackStandIn, client: WebClient) -> None:
    slack.outage("auth.test", seconds=60, kind="500")
    slack.clear_faults("users.info")

    with pytest.raises(SlackApiError):
        client.auth_test()


def test_a_timeout_holds_the_request_past_the_clients_timeout_and_posts_nothing(slack: SlackStandIn) -> None:
    slack.outage("chat.postMessage", seconds=60, kind="timeout", hold_seconds=2)
    impatient = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=0.2)  # type: ignore[arg-type]

    with pytest.raises(TimeoutError):
        impatient.chat_postMessage(channel="C1", text="hi")

    (call,) = slack.calls("chat.postMessage")
    assert (call.fault, call.delayed, call.ok) == ("timeout", 2, False)
    assert slack.posted_messages() == []


def test_a_held_request_ends_promptly_when_the_stand_in_stops() -> None:
    standin = SlackStandIn().start()
    standin.outage(None, seconds=600, kind="timeout", hold_seconds=600)
    patient = WebClient(token=standin.bot_token, base_url=standin.api_url, timeout=300)
    outcome: list[str] = []

    def call() -> None:
        try:
            patient.auth_test()
        except (SlackApiError, OSError) as error:
            outcome.append(type(error).__name__)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    standin.wait_for(lambda c: c.fault == "timeout", timeout=30)
    started = time.monotonic()
    standin.stop()
    caller.join(timeout=60)

    assert not caller.is_alive() and time.monotonic() - started < 60  # promptly: not the 600 s hold
    assert outcome == ["SlackApiError"]  # answered 504 once released


def test_a_mixed_outage_gives_each_call_one_of_its_kinds(slack: SlackStandIn) -> None:
    slack.outage("chat.postMessage", seconds=300, kind=("429", "500", "503", "timeout"), hold_seconds=0.3)
    impatient = WebClient(token=slack.bot_token, base_url=slack.api_url, timeout=0.1)  # type: ignore[arg-type]

    for _ in range(16):
        with pytest.raises((SlackApiError, TimeoutError)):
            impatient.chat_postMessage(channel="C1", text="hi")

    seen = {(c.fault, c.status) for c in slack.calls("chat.postMessage")}
    assert seen == {("rate_limit", 429), ("server_error", 500), ("server_error", 503), ("timeout", 504)}
    assert slack.posted_messages() == []


@pytest.mark.parametrize("kind", ["404", "slow", ""])
def test_an_outage_kind_slack_does_not_produce_is_refused(slack: SlackStandIn, kind: str) -> None:
    with pytest.raises(ValueError):
        slack.outage("auth.test", seconds=1, kind=kind)


def test_blocks_over_slacks_limits_are_refused_with_invalid_blocks_as_slack_does(
    slack: SlackStandIn, client: WebClient
) -> None:
    context = {"type": "context", "elements": [{"type": "mrkdwn", "text": "x" * 3001}]}
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="hi", blocks=[SECTION, context])
    assert refused.value.response["error"] == "invalid_blocks"
    assert refused.value.response["errors"] == [
        "[json-pointer:/blocks/1/elements/0/text] must be less than 3001 characters"]
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_postEphemeral(channel="C1", user="U1", text="hi", blocks=[SECTION] * 51)
    button = {"type": "button", "text": {"type": "plain_text", "text": "go"}, "action_id": "a", "value": "v" * 2001}
    with pytest.raises(SlackApiError, match="invalid_blocks"):
        client.chat_update(channel="C1", ts="1.2", text="hi", blocks=[{"type": "actions", "elements": [button]}])
    with pytest.raises(SlackApiError, match="invalid_arguments"):
        client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION] * 101})
    with pytest.raises(SlackApiError, match="msg_too_long"):
        client.chat_postMessage(channel="C1", text="t" * 40_001)
    assert slack.posted_messages() == []
    client.chat_postMessage(channel="C1", text="hi", blocks=[SECTION] * 50)
    client.views_publish(user_id="U1", view={"type": "home", "blocks": [SECTION] * 100})
    assert len(slack.posted_messages()) == 1


def test_a_response_url_refuses_blocks_over_the_limits_too(slack: SlackStandIn) -> None:
    webhook = WebhookClient(slack.response_url("big"))
    refused = webhook.send(text="hi", blocks=[{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}])
    assert json.loads(refused.body)["error"] == "invalid_blocks"
    assert slack.responses("big") == []
    assert webhook.send(text="hi", blocks=[SECTION]).body == "ok"
    assert len(slack.responses("big")) == 1
