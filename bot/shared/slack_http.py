"""Keep-alive HTTP to Slack: one pool of kept connections for the Web API and for response_url posts.

slack_sdk's `WebClient` opens a new connection (TCP, and TLS against slack.com) for every call
through urllib, and Bolt's `respond()` does the same for response URLs. `PooledWebClient` sends
the same requests over connections kept in `shared_pool()` instead; everything else (retry
handlers, errors, `SlackResponse`) is slack_sdk's own. The pool is the standard library's
`http.client` (a fraction of a millisecond of CPU per call; a busy reaction burst makes
hundreds of calls a second), with `TCP_NODELAY` so a request's headers and body never wait
on the peer's delayed ACK. A request's headers and body leave in one send (one system call and
one packet a note, where `http.client` makes two), and a kept connection's timeout is set only
when it changes (each setting is a system call).
"""

from __future__ import annotations

import http.client
import io
import json
import select
import socket
import ssl
import threading
import time
from collections import defaultdict
from http.client import HTTPMessage
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient
from slack_sdk.errors import SlackRequestError

#: Idle connections kept per host (each is reused for many calls).
KEEP_ALIVE_CONNECTIONS = 32
#: A connection idle longer than this is closed rather than reused (servers drop idle ones).
IDLE_SECONDS = 30.0
RESPONSE_URL_TIMEOUT_SECONDS = 10.0
#: Errors of a kept connection the server had closed meanwhile: the request is sent again on a new one.
_STALE = (http.client.RemoteDisconnected, http.client.BadStatusLine, ConnectionResetError, BrokenPipeError)

_Key = tuple[str, str, int]


class _OneSend:
    """`http.client` sends the header block and a bytes body in two sends; these connections join them."""

    def _send_output(self, message_body: Any = None, encode_chunked: bool = False) -> None:
        if isinstance(message_body, bytes) and not encode_chunked:
            buffer: list[bytes] = self._buffer  # type: ignore[attr-defined]  # http.client's header lines
            buffer.extend((b"", b""))
            head = b"\r\n".join(buffer)
            del buffer[:]
            self.send(head + message_body)  # type: ignore[attr-defined]
            return
        super()._send_output(message_body, encode_chunked)  # type: ignore[misc]


class _Connection(_OneSend, http.client.HTTPConnection):
    pass


class _SecureConnection(_OneSend, http.client.HTTPSConnection):
    pass


class SendError(OSError):
    """Connecting or sending failed (nothing reached the server): urllib raises these as `URLError`."""

    def __init__(self, error: OSError | http.client.HTTPException) -> None:
        super().__init__(str(error))
        self.error = error


class Pool:
    """Kept HTTP/1.1 connections per (scheme, host, port); thread-safe."""

    def __init__(self, per_host: int = KEEP_ALIVE_CONNECTIONS, context: ssl.SSLContext | None = None) -> None:
        self._per_host = per_host
        self._context = context or ssl.create_default_context()
        self._idle: defaultdict[_Key, list[tuple[float, http.client.HTTPConnection]]] = defaultdict(list)
        self._lock = threading.Lock()
        self.opened = 0  # connections made (tests and benchmarks)

    def request(self, method: str, url: str, body: bytes | None, headers: dict[str, str],
                timeout: float) -> tuple[int, str, HTTPMessage, bytes]:
        """Send one request; (status, reason, headers, body).

        A failure to connect or send raises `SendError`; one while waiting for or reading the answer
        (a timeout: the request may have been handled) is raised as it is, as urllib does.
        """
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {url}")
        key = (parts.scheme, parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        while True:
            try:
                connection, reused = self._take(key, timeout)
            except (OSError, http.client.HTTPException) as error:
                raise SendError(error) from error
            try:
                connection.request(method, target, body=body, headers=headers)
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                if reused and isinstance(error, _STALE):
                    continue  # the server had closed this kept connection: again, on another (or a new) one
                raise SendError(error) from error
            try:
                response = connection.getresponse()
                data = response.read()
            except _STALE:
                connection.close()
                if reused:
                    continue  # the server had closed this kept connection: again, on another (or a new) one
                raise
            except BaseException:
                connection.close()
                raise
            if response.will_close:
                connection.close()
            else:
                self._give(key, connection)
            return response.status, response.reason, response.msg, data

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, defaultdict(list)
        for connections in idle.values():
            for _, connection in connections:
                connection.close()

    def _take(self, key: _Key, timeout: float) -> tuple[http.client.HTTPConnection, bool]:
        now = time.monotonic()
        while True:
            with self._lock:
                kept = self._idle[key].pop() if self._idle[key] else None
            if kept is None:
                break
            since, connection = kept
            if now - since < IDLE_SECONDS and _still_open(connection):
                connection.timeout = timeout
                if connection.sock is not None and connection.sock.gettimeout() != timeout:
                    connection.sock.settimeout(timeout)
                return connection, True
            connection.close()
        scheme, host, port = key
        fresh: http.client.HTTPConnection = (
            _SecureConnection(host, port, timeout=timeout, context=self._context)
            if scheme == "https" else _Connection(host, port, timeout=timeout))
        fresh.connect()
        if fresh.sock is not None:
            fresh.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            self.opened += 1
        return fresh, False

    def _give(self, key: _Key, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle[key]) < self._per_host:
                self._idle[key].append((time.monotonic(), connection))
                return
        connection.close()


def _still_open(connection: http.client.HTTPConnection) -> bool:
    """False when the server has closed the kept connection (it reads as ready, with nothing or EOF to read)."""
    sock = connection.sock
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return False
    return not readable


_pool: Pool | None = None
_pool_lock = threading.Lock()


def shared_pool() -> Pool:
    """This process's kept connections to Slack (made on first use)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = Pool()
        return _pool


def close_shared_pool() -> None:
    """Close the kept connections (at shutdown, and between tests; a later call makes a new pool)."""
    global _pool
    with _pool_lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.close()


class PooledWebClient(WebClient):
    """A `WebClient` whose HTTP requests go over `shared_pool()`'s kept connections instead of a new urllib one.

    Failures look exactly like urllib's to slack_sdk, so its retry handlers and errors are unchanged:
    a status outside 2xx raises `HTTPError`, a connection failure `URLError`. With a proxy, urllib is used.
    """

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict[str, Any]:
        if self.proxy is not None or (self.ssl is not None and url.lower().startswith("https")):
            return super()._perform_urllib_http_request_internal(url, req)  # a proxy or own TLS settings: urllib
        if not url.lower().startswith(("http://", "https://")):
            raise SlackRequestError(f"Invalid URL detected: {url}")
        body = bytes(req.data) if isinstance(req.data, bytes | bytearray) else None
        headers = {name: str(value) for name, value in req.header_items()}
        try:
            status, reason, response_headers, data = shared_pool().request(
                req.get_method(), url, body, headers, float(self.timeout))
        except SendError as error:  # as urllib raises it: ConnectionErrorRetryHandler retries it
            raise URLError(error.error) from error.error
        # a timeout or a drop while waiting for the answer is raised as it is, as from urllib (not retried)
        if not 200 <= status < 300:
            raise HTTPError(url, status, reason, response_headers, io.BytesIO(data))
        content_type, charset = _content_type(response_headers)
        if content_type == "application/gzip":
            return {"status": status, "headers": response_headers, "body": data}
        return {"status": status, "headers": response_headers, "body": data.decode(charset or "utf-8")}


def _content_type(headers: HTTPMessage) -> tuple[str, str | None]:
    """The response's content type and charset, as `get_content_type()` and `get_content_charset()` read them.

    Slack's `application/json; charset=utf-8` is split directly (those two parse the header through the
    email package, a tenth of a note's CPU); anything quoted, commented or RFC 2231-encoded goes to them."""
    raw = headers.get("Content-Type")
    if raw is None or any(mark in raw for mark in '"\\(*'):
        return headers.get_content_type(), headers.get_content_charset()
    kind, *params = raw.split(";")
    kind = kind.strip().lower()
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().lower()
            break
    return (kind if kind.count("/") == 1 else "text/plain"), charset


def pooled_copy(client: WebClient, token: str | None = None) -> PooledWebClient:
    """`client`'s settings (base URL, timeout, retry handlers, headers) as a `PooledWebClient`, with `token`."""
    return PooledWebClient(token=token if token is not None else client.token, base_url=client.base_url,
                           timeout=client.timeout, ssl=client.ssl, proxy=client.proxy, headers=dict(client.headers),
                           team_id=client.default_params.get("team_id"), retry_handlers=list(client.retry_handlers),
                           logger=client._logger)


def post_to_response_url(url: str, message: dict[str, Any]) -> int:
    """POST `message` as JSON (as Bolt's `respond` sends it) to a response_url over a kept connection; the status.

    Raises OSError / `http.client.HTTPException` when Slack cannot be reached.
    """
    body = json.dumps(message).encode()
    status, _, _, _ = shared_pool().request("POST", url, body, {"Content-Type": "application/json;charset=utf-8"},
                                            RESPONSE_URL_TIMEOUT_SECONDS)
    return status
