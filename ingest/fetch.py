"""Fetching feeds and transcripts safely: timeouts, a deadline, a size cap, redirects, conditional GET.

    fetcher = Fetcher()
    result = fetcher("https://example.com/feed.xml", etag=stored_etag)
    if result.error: ...               # plain words, e.g. "the server answered 404 Not Found"
    elif result.not_modified: ...      # 304: nothing new
    else: parse(result.body)

The body is read as a stream and decompressed here (gzip/deflate only), so both the bytes
on the wire and the decompressed bytes are capped while reading: a gzip bomb stops at the cap.
Each fetch has one total deadline (`deadline_seconds`) for everything: looking the name up,
connecting, every redirect hop, the headers and the body (`ingest.safe_network`), so a server
trickling headers or body one byte at a time cannot hold a worker longer than that.
Connections go only to the public addresses the host name was checked to resolve to, unless
`allow_private_addresses` (tests' loopback server, FEEDS_ALLOW_PRIVATE_ADDRESSES) says otherwise.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import BinaryIO, Protocol
from urllib.parse import urljoin, urlsplit

import httpx

from ingest.safe_network import (
    AddressRefused,
    DeadlinePassed,
    GuardedTransport,
    Resolver,
    fetch_deadline,
    is_public_address,
    literal_address,
    system_resolver,
)

USER_AGENT = "Podbrief/0.1 (+https://github.com/podbrief/podbrief)"
DEFAULT_MAX_BYTES = 10_000_000
MAX_REDIRECTS = 5
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_PERMANENT = frozenset({301, 308})
_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch found. `error` is None on success (200) and on 304 (not modified)."""

    url: str
    status: int | None = None
    body: bytes = b""
    final_url: str | None = None
    permanent_redirect: str | None = None  # the new address, when every redirect hop was permanent
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None
    elapsed_seconds: float = 0.0

    @property
    def not_modified(self) -> bool:
        return self.error is None and self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200


class Fetch(Protocol):
    """Anything that fetches like `Fetcher` (tests pass fakes or wrappers)."""

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, max_bytes: int | None = None
    ) -> FetchResult: ...


class FetchError(Exception):
    """A fetch that failed; `str(error)` says why in plain words."""


class Fetcher:
    """A reusable, thread-safe fetcher over one pooled `httpx.Client`."""

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        connect_timeout: float = 5.0,
        read_timeout: float = 5.0,
        deadline_seconds: float = 5.0,
        max_connections: int = 16,
        allow_private_addresses: bool = False,
        resolver: Resolver = system_resolver,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.max_bytes = max_bytes
        self.deadline_seconds = deadline_seconds
        self.allow_private_addresses = allow_private_addresses
        read = min(read_timeout, deadline_seconds)
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._client = httpx.Client(
            timeout=httpx.Timeout(connect=connect_timeout, read=read, write=read, pool=deadline_seconds),
            headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,
            transport=transport
            or GuardedTransport(allow_private_addresses=allow_private_addresses, resolver=resolver, limits=limits),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, max_bytes: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """Fetch `url` (conditionally when `etag`/`last_modified` are given; `headers` added, e.g. an
        API's signature); never raises."""
        started = time.monotonic()
        attempt = _Attempt(self, url, started + self.deadline_seconds, max_bytes or self.max_bytes)
        try:
            with fetch_deadline(attempt.deadline):
                result = attempt.run({**(headers or {}), **_conditional_headers(etag, last_modified)})
        except FetchError as error:
            result = FetchResult(url=url, status=attempt.status, final_url=attempt.current, error=str(error))
        except httpx.HTTPError as error:
            words = _http_error(error, self, answered=attempt.answered)
            result = FetchResult(url=url, status=attempt.status, final_url=attempt.current, error=words)
        except (httpx.InvalidURL, ValueError) as error:  # e.g. a host name IDNA cannot encode
            result = FetchResult(url=url, final_url=attempt.current, error=f"the address is not a valid URL ({error})")
        return replace(result, elapsed_seconds=time.monotonic() - started)


class _Attempt:
    """One fetch, following redirects by hand so permanent ones can be reported."""

    def __init__(self, fetcher: Fetcher, url: str, deadline: float, max_bytes: int) -> None:
        self.fetcher = fetcher
        self.url = url
        self.current = url
        self.deadline = deadline
        self.max_bytes = max_bytes
        self.status: int | None = None
        self.answered = False  # the current hop's headers have arrived
        self.sink: BinaryIO | None = None  # `download`: the body goes here instead of into memory

    def run(self, headers: dict[str, str]) -> FetchResult:
        permanent = True
        for _ in range(MAX_REDIRECTS + 1):
            check_url(self.current, self.fetcher.allow_private_addresses)
            if time.monotonic() > self.deadline:
                raise FetchError(f"the server took longer than {self.fetcher.deadline_seconds:g} seconds to answer")
            request = self.fetcher._client.build_request("GET", self.current, headers=headers)
            self.answered = False
            response = self.fetcher._client.send(request, stream=True)
            self.answered = True
            try:
                self.status = response.status_code
                if response.status_code not in _REDIRECTS:
                    return self._finish(response, permanent)
                permanent = permanent and response.status_code in _PERMANENT
                self.current = _redirect_target(self.current, response)
            finally:
                response.close()
        raise FetchError(f"the address redirects more than {MAX_REDIRECTS} times")

    def _finish(self, response: httpx.Response, permanent: bool) -> FetchResult:
        moved = self.current if permanent and self.current != self.url else None
        result = FetchResult(
            url=self.url,
            status=response.status_code,
            final_url=self.current,
            permanent_redirect=moved,
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
            content_type=response.headers.get("content-type"),
        )
        if response.status_code == 304:
            return result
        if response.status_code != 200:
            return replace(result, error=f"the server answered {_status_words(response.status_code)}")
        if self.sink is not None:
            self._write_body(response, self.sink)
            return result
        return replace(result, body=self._read_body(response))

    def _write_body(self, response: httpx.Response, sink: BinaryIO) -> None:
        """`_read_body`, streamed into `sink` (a large audio file never sits in memory)."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"it is larger than the {_megabytes(self.max_bytes)} limit")
        decoder = _decoder(response.headers.get("content-encoding", ""))
        written = 0
        for raw in response.iter_raw():
            if time.monotonic() > self.deadline:
                raise FetchError("the server took too long to send it")
            data = decoder.feed(raw, self.max_bytes - written + 1)
            written += len(data)
            if written > self.max_bytes:
                raise FetchError(f"it is larger than the {_megabytes(self.max_bytes)} limit")
            sink.write(data)
        data = decoder.flush(self.max_bytes - written + 1)
        if written + len(data) > self.max_bytes:
            raise FetchError(f"it is larger than the {_megabytes(self.max_bytes)} limit")
        sink.write(data)

    def _read_body(self, response: httpx.Response) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise FetchError(f"it is larger than the {_megabytes(self.max_bytes)} limit")
        decoder = _decoder(response.headers.get("content-encoding", ""))
        body = bytearray()
        for raw in response.iter_raw():
            if time.monotonic() > self.deadline:
                raise FetchError(f"the server took longer than {self.fetcher.deadline_seconds:g} seconds to send it")
            body += decoder.feed(raw, self.max_bytes - len(body) + 1)
            if len(body) > self.max_bytes:
                raise FetchError(f"it is larger than the {_megabytes(self.max_bytes)} limit")
        body += decoder.flush(self.max_bytes - len(body) + 1)
        if len(body) > self.max_bytes:
            raise FetchError(f"it is larger than the {_megabytes(self.max_bytes)} limit")
        return bytes(body)


class _Decoder:
    """Content decoding with a bound on the output of every step (a gzip bomb cannot expand).

    Concatenated gzip members (valid gzip) are decoded one after another.
    """

    def __init__(self, encoding: str) -> None:
        self._compressed = encoding in ("gzip", "x-gzip", "deflate")
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)

    def feed(self, data: bytes, limit: int) -> bytes:
        if not self._compressed:
            return data
        out = bytearray()
        pending = self._zlib.unconsumed_tail + data
        try:
            while pending and len(out) < limit:
                out += self._zlib.decompress(pending, max(limit - len(out), 1))
                pending = self._zlib.unconsumed_tail
                if self._zlib.eof:
                    pending = self._zlib.unused_data.lstrip(b"\0")
                    self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 32)
        except zlib.error as error:
            raise FetchError("its compressed body is corrupt") from error
        return bytes(out)

    def flush(self, limit: int) -> bytes:
        return self.feed(b"", limit) if self._compressed and self._zlib.unconsumed_tail else b""


def _decoder(content_encoding: str) -> _Decoder:
    encoding = content_encoding.strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        raise FetchError(f"the server used an unsupported compression ({encoding})")
    return _Decoder(encoding)


def download(
    fetcher: Fetcher, url: str, sink: BinaryIO, *, max_bytes: int, deadline_seconds: float
) -> FetchResult:
    """Stream `url`'s body into `sink` with every check of a fetch (addresses, redirects, the size
    cap while reading) and its own, longer deadline; never raises. `body` stays empty."""
    started = time.monotonic()
    attempt = _Attempt(fetcher, url, started + deadline_seconds, max_bytes)
    attempt.sink = sink
    try:
        with fetch_deadline(attempt.deadline):
            result = attempt.run({"Accept": "audio/*, */*;q=0.5", "Accept-Encoding": "identity"})
    except FetchError as error:
        result = FetchResult(url=url, status=attempt.status, final_url=attempt.current, error=str(error))
    except httpx.HTTPError as error:
        words = _http_error(error, fetcher, answered=attempt.answered)
        result = FetchResult(url=url, status=attempt.status, final_url=attempt.current, error=words)
    except (httpx.InvalidURL, ValueError) as error:
        result = FetchResult(url=url, final_url=attempt.current, error=f"the address is not a valid URL ({error})")
    return replace(result, elapsed_seconds=time.monotonic() - started)


def check_url(url: str, allow_private_addresses: bool = True) -> None:
    """Raise `FetchError` unless `url` is http(s) with a host httpx can encode (and, when asked, no private IP).

    Host names are checked where they are resolved, when a connection opens (`ingest.safe_network`).
    """
    try:
        parts = urlsplit(url)
    except ValueError as error:
        raise FetchError("the address is not a valid URL") from error
    if parts.scheme not in ("http", "https"):
        raise FetchError("only http:// and https:// addresses can be fetched")
    if not parts.hostname:
        raise FetchError("the address has no host name")
    try:  # the very encoding httpx connects with (IDNA 2008); any error refuses
        host = httpx.URL(url).raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:
        raise FetchError(f"the address's host name cannot be used ({_first_line(error)})") from error
    literal = literal_address(host)
    if not allow_private_addresses and literal is not None and not is_public_address(literal):
        raise FetchError(f"{parts.hostname} is a private or local address, which Podbrief does not fetch")


def _redirect_target(current: str, response: httpx.Response) -> str:
    location = str(response.headers.get("location", "")).strip()
    if not location:
        raise FetchError(f"the server answered {_status_words(response.status_code)} without saying where to")
    return urljoin(current, location)


def _conditional_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


def _http_error(error: httpx.HTTPError, fetcher: Fetcher, answered: bool = False) -> str:
    host = urlsplit(str(error.request.url)).hostname if _has_request(error) else None
    where = f" ({host})" if host else ""
    if isinstance(error.__cause__, AddressRefused):
        return str(error.__cause__)
    if isinstance(error.__cause__, DeadlinePassed):
        if answered:
            return f"the server took longer than {fetcher.deadline_seconds:g} seconds to send it"
        return f"the server{where} took too long to answer (more than {fetcher.deadline_seconds:g} seconds)"
    if isinstance(error, httpx.ConnectTimeout):
        return f"the server{where} did not accept a connection in time"
    if isinstance(error, httpx.TimeoutException):
        return f"the server{where} stopped answering (no data for {fetcher._client.timeout.read:g} seconds)"
    if isinstance(error, httpx.ConnectError):
        return f"could not connect to the server{where}: {_first_line(error)}"
    if isinstance(error, httpx.RemoteProtocolError):
        return f"the server{where} broke off the connection or answered garbled HTTP"
    if isinstance(error, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return "the address is not a valid http:// or https:// URL"
    return f"the download failed{where}: {_first_line(error)}"


def _has_request(error: httpx.HTTPError) -> bool:
    try:
        return error.request is not None  # httpx raises when the error carries no request
    except RuntimeError:
        return False


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _status_words(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:g} MB"
