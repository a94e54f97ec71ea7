"""The kept-connection transport's shortcuts give what http.client and the email package give."""

from __future__ import annotations

import http.client
import socket
from email.message import Message

import pytest

from bot.shared.slack_http import _Connection, _content_type


def _headers(content_type: str | None) -> http.client.HTTPMessage:
    headers = http.client.HTTPMessage()
    if content_type is not None:
        headers["Content-Type"] = content_type
    return headers


@pytest.mark.parametrize("value", [
    "application/json; charset=utf-8", "application/json", "APPLICATION/GZIP", "application/gzip; charset=binary",
    "text/plain;charset=ISO-8859-1", "application/json; foo=bar; charset=UTF-8", "application/json; charset=",
    "application/json ; Charset = utf-8 ", 'text/plain; charset="utf-8"', "text/plain; charset*=utf-8''utf-8",
    "application/json (a comment); charset=utf-8", "bogus", "a/b/c; charset=utf-8", "", None,
])
def test_content_type_and_charset_read_as_the_email_package_reads_them(value: str | None) -> None:
    headers = _headers(value)
    reference: Message = headers
    assert _content_type(headers) == (reference.get_content_type(), reference.get_content_charset())


class _Recorded(socket.socket):
    """Nothing sent anywhere: each sendall call is kept."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[bytes] = []

    def sendall(self, data: object, flags: int = 0) -> None:
        assert isinstance(data, bytes | bytearray | memoryview)
        self.sent.append(bytes(data))


def _sends(connection: http.client.HTTPConnection, body: bytes | None) -> list[bytes]:
    sock = _Recorded()
    connection.sock = sock
    try:
        connection.request("POST", "/api/chat.postEphemeral", body=body,
                           headers={"Content-Type": "application/json;charset=utf-8", "Authorization": "Bearer x"})
        return sock.sent
    finally:
        connection.sock = None
        sock.close()


@pytest.mark.parametrize("body", [b'{"channel": "C1", "text": "Saved"}', b"", None])
def test_a_request_leaves_in_one_send_with_the_bytes_http_client_sends(body: bytes | None) -> None:
    ours = _sends(_Connection("slack.example", 80), body)
    theirs = _sends(http.client.HTTPConnection("slack.example", 80), body)
    assert len(ours) == 1
    assert ours[0] == b"".join(theirs)
