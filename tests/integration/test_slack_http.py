"""The pooled Slack client: the same answers, errors and retries as slack_sdk's, over kept connections."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.error import URLError

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler

from bot.shared import slack_http
from bot.shared.slack_http import PooledWebClient, close_shared_pool, pooled_copy, post_to_response_url
from standin import slack_api
from standin.slack_api import SlackStandIn
from tests.tcp_proxy import TcpProxy


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackStandIn]:
    """A stand-in speaking HTTP/1.1, as Slack does (a client may keep its connection), and a fresh pool."""
    monkeypatch.setattr(slack_api._Handler, "protocol_version", "HTTP/1.1")
    monkeypatch.setattr(slack_api._Handler, "disable_nagle_algorithm", True)
    close_shared_pool()
    with SlackStandIn() as standin:
        yield standin
    close_shared_pool()


def _through(proxy: TcpProxy, slack: SlackStandIn) -> str:
    return slack.api_url.replace(f":{slack.api_url.split(':')[2].split('/')[0]}/", f":{proxy.port}/")


def test_calls_through_the_pool_reuse_one_connection(slack: SlackStandIn) -> None:
    host, port = slack.api_url.split("//")[1].split("/")[0].split(":")
    with TcpProxy(host, int(port)) as proxy:
        pooled = PooledWebClient(token=slack.bot_token, base_url=_through(proxy, slack))
        for n in range(3):
            assert pooled.chat_postMessage(channel="C0GENERAL", text=f"hello {n}")["ok"]
        assert proxy.accepted == 1
        plain = WebClient(token=slack.bot_token, base_url=_through(proxy, slack))
        for n in range(2):
            plain.chat_postMessage(channel="C0GENERAL", text=f"plain {n}")
        assert proxy.accepted == 3  # urllib: a connection per call
    assert [c.params["text"] for c in slack.calls("chat.postMessage")] == [
        "hello 0", "hello 1", "hello 2", "plain 0", "plain 1"]


def test_an_api_error_is_raised_as_slack_sdk_raises_it(slack: SlackStandIn) -> None:
    slack.fail("chat.postMessage", "channel_not_found")
    with pytest.raises(SlackApiError) as raised:
        PooledWebClient(token=slack.bot_token, base_url=slack.api_url).chat_postMessage(channel="C0NOPE", text="x")
    assert raised.value.response["error"] == "channel_not_found"


def test_a_rate_limit_is_retried_after_its_retry_after(slack: SlackStandIn) -> None:
    slack.rate_limit("chat.postMessage", retry_after=0)
    client = PooledWebClient(token=slack.bot_token, base_url=slack.api_url,
                             retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    assert client.chat_postMessage(channel="C0GENERAL", text="after the limit")["ok"]
    assert len(slack.calls("chat.postMessage")) == 2


def test_a_server_error_without_a_retry_handler_raises_as_slack_sdk_does(slack: SlackStandIn) -> None:
    slack.server_error("chat.postMessage", status=500, times=None)
    client = PooledWebClient(token=slack.bot_token, base_url=slack.api_url)
    with pytest.raises(SlackApiError):
        client.chat_postMessage(channel="C0GENERAL", text="x")


def test_a_refused_connection_is_retried_then_raised_as_urllib_would() -> None:
    close_shared_pool()
    with TcpProxy("127.0.0.1", 9) as proxy:
        proxy.cut()
        retry = ConnectionErrorRetryHandler(max_retry_count=2)
        client = PooledWebClient(token="xoxb-x", base_url=f"http://127.0.0.1:{proxy.port}/api/", retry_handlers=[retry])
        with pytest.raises(URLError):
            client.auth_test()
    close_shared_pool()


def test_a_copy_keeps_base_url_timeout_and_retry_handlers_with_another_token(slack: SlackStandIn) -> None:
    template = WebClient(token="xoxb-other", base_url=slack.api_url, timeout=7,
                         retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=3)])
    copy = pooled_copy(template, slack.bot_token)
    assert (copy.base_url, copy.timeout, copy.token) == (slack.api_url, 7, slack.bot_token)
    assert [type(h) for h in copy.retry_handlers] == [RateLimitErrorRetryHandler]
    assert copy.auth_test()["ok"]


def test_a_response_url_post_arrives_as_json(slack: SlackStandIn) -> None:
    status = post_to_response_url(slack.response_url("answer"), {"response_type": "ephemeral", "text": "hi"})
    assert status == 200
    assert slack.responses("answer")[0]["text"] == "hi"
    post_to_response_url(slack.response_url("answer"), {"response_type": "ephemeral", "text": "again"})
    assert slack_http.shared_pool().opened == 1  # the second post went over the kept connection


def test_a_kept_connection_the_server_closed_is_replaced_without_an_error(slack: SlackStandIn) -> None:
    client = PooledWebClient(token=slack.bot_token, base_url=slack.api_url)
    assert client.auth_test()["ok"]
    for _, connection in [kept for idle in slack_http.shared_pool()._idle.values() for kept in idle]:
        assert connection.sock is not None
        connection.sock.shutdown(2)  # as a server dropping an idle connection looks from here
    assert client.auth_test()["ok"]
    assert slack_http.shared_pool().opened == 2


def test_a_timeout_waiting_for_the_answer_is_not_retried_as_with_urllib(slack: SlackStandIn) -> None:
    slack.delay("chat.postMessage", seconds=2.0, times=1)
    client = PooledWebClient(token=slack.bot_token, base_url=slack.api_url, timeout=1,
                             retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=2)])
    with pytest.raises(TimeoutError):  # the post may have been made: sending it again could post it twice
        client.chat_postMessage(channel="C0GENERAL", text="slow")
    deadline = time.monotonic() + 30  # the call is normally recorded already
    while time.monotonic() < deadline and not slack.calls("chat.postMessage"):
        time.sleep(0.05)
    assert len(slack.calls("chat.postMessage")) == 1
