"""The Slack stand-in, driven by a real slack_sdk WebClient as the app will drive it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.webhook import WebhookClient

from bot.slack_standin import RecordedCall, SlackStandIn

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
    assert expected_keys <= set(answer.data)  # type: ignore[arg-type]


def test_an_unknown_method_is_answered_with_unknown_method(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as refused:
        client.api_call("podcasts.list")
    assert refused.value.response["error"] == "unknown_method"


def test_wait_for_returns_a_call_that_arrives_later(slack: SlackStandIn, client: WebClient) -> None:
    poster = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C1", text="later"))
    poster.start()

    call = slack.wait_for("chat.postMessage", timeout=2)
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
