"""A loopback HTTP server for feed tests: real fixture feeds and hostile variants, on port 0.

    with FeedServer() as server:
        server.route("/feed.xml", static(body, etag='"v1"'))
        fetcher(server.url("/feed.xml"))

Routes are functions of the request handler; the server records every request it saw.
`LoopbackFetch` sends requests for any other host (the transcript links inside real feeds)
to this server under `/ext/<host>/<path>`, so nothing leaves the machine.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from ingest.fetch import Fetcher, FetchResult

Route = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True)
class Seen:
    path: str
    headers: dict[str, str]


class _QuietServer(ThreadingHTTPServer):
    """Clients hanging up (a fetch past its deadline, a pooled connection closed) are ordinary here:
    not a traceback on stderr, which a CLI test capturing stderr would read as the command's own."""

    def handle_error(self, request: object, client_address: object) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class FeedServer:
    """A threaded HTTP server on 127.0.0.1 and a free port, with routes set by the test."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.fallback: Route | None = None
        self.seen: list[Seen] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.seen.append(Seen(self.path, {k.lower(): v for k, v in self.headers.items()}))
                route = server.routes.get(self.path.split("?", 1)[0]) or server.fallback or status(404)
                with contextlib.suppress(OSError):  # the client gave up (size cap, deadline): expected
                    route(self)

            def log_message(self, *_: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    def __enter__(self) -> FeedServer:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def route(self, path: str, handler: Route) -> str:
        self.routes[path] = handler
        return self.url(path)

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]


def send(handler: BaseHTTPRequestHandler, code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
    handler.send_response(code)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    if body:
        handler.wfile.write(body)


def static(
    body: bytes,
    content_type: str = "application/rss+xml; charset=utf-8",
    etag: str | None = None,
    last_modified: str | None = None,
    compress: bool = False,
) -> Route:
    """A document honouring If-None-Match / If-Modified-Since, optionally gzip-encoded."""

    def serve(handler: BaseHTTPRequestHandler) -> None:
        validators = {k: v for k, v in (("ETag", etag), ("Last-Modified", last_modified)) if v}
        if (etag and handler.headers.get("If-None-Match") == etag) or (
            last_modified and handler.headers.get("If-Modified-Since") == last_modified
        ):
            send(handler, 304, headers=validators)
            return
        payload = gzip.compress(body) if compress else body
        extra = {"Content-Encoding": "gzip"} if compress else {}
        send(handler, 200, payload, {"Content-Type": content_type, **validators, **extra})

    return serve


def status(code: int) -> Route:
    return lambda handler: send(handler, code, b"nope", {"Content-Type": "text/plain"})


def redirect(code: int, location: str) -> Route:
    return lambda handler: send(handler, code, headers={"Location": location})


def trickle(every_seconds: float = 0.2, for_seconds: float = 60.0) -> Route:
    """A valid-looking feed sent one byte at a time, forever (well: for a minute)."""

    def serve(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        ends = time.monotonic() + for_seconds
        while time.monotonic() < ends:
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(every_seconds)

    return serve


def endless(chunk: bytes = b"<item>" + b"x" * 65_530, content_length: int | None = None) -> Route:
    """A body that never ends (no Content-Length unless given: the cap must work while streaming)."""

    def serve(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        if content_length is not None:
            handler.send_header("Content-Length", str(content_length))
        handler.send_header("Connection", "close")
        handler.end_headers()
        for _ in range(10_000):  # 650 MB at most
            handler.wfile.write(chunk)

    return serve


@functools.cache
def gzip_bomb_body(members: int = 20, member_bytes: int = 50_000_000) -> bytes:
    """Concatenated gzip members (valid gzip) of '<'s: about 1 GB decompressed, about 1 MB sent."""
    return gzip.compress(b"<" * member_bytes, compresslevel=9) * members


def gzip_bomb() -> Route:
    body = gzip_bomb_body()

    def serve(handler: BaseHTTPRequestHandler) -> None:
        send(handler, 200, body, {"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"})

    return serve


class LoopbackFetch:
    """A `Fetch` that routes every non-loopback URL to the test server under /ext/<host><path>."""

    def __init__(self, fetcher: Fetcher, server: FeedServer) -> None:
        self.fetcher = fetcher
        self.server = server

    def __call__(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None, max_bytes: int | None = None
    ) -> FetchResult:
        parts = urlsplit(url)
        if parts.scheme in ("http", "https") and parts.hostname not in ("127.0.0.1", "localhost"):
            url = self.server.url(f"/ext/{parts.hostname}{parts.path}")
        return self.fetcher(url, etag=etag, last_modified=last_modified, max_bytes=max_bytes)


def billion_laughs() -> bytes:
    levels = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(levels) + "\n]>\n"
        '<rss version="2.0"><channel><title>&lol9;</title><item><title>x</title></item></channel></rss>'
    ).encode()


def quadratic_blowup(entity_bytes: int = 100_000, references: int = 50_000) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{"A" * entity_bytes}">]>\n'
        f'<rss version="2.0"><channel><title>t</title><item><title>{"&a;" * references}</title></item></channel></rss>'
    ).encode()


EXTERNAL_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    b'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title></item></channel></rss>'
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
    b'<rss version="2.0"><channel><title>t</title><item><title>x</title></item></channel></rss>'
)
HTML_PAGE = (
    b"<!DOCTYPE html>\n<html lang=\"en\"><head><title>My Podcast</title>"
    b'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
    b"<body><h1>My Podcast</h1><p>Listen on your favourite app.</p></body></html>"
)


def invalid_encoding(feed: bytes) -> bytes:
    """A real feed with bytes that are not UTF-8 scattered through it, still declaring UTF-8."""
    return feed.replace(b"<title>", b"<title>\xff\xfe\xc3(", 20)


def wrong_encoding_declared(feed: bytes) -> bytes:
    """A real feed claiming an encoding that does not exist."""
    rest = feed.split(b"?>", 1)[1] if feed.startswith(b"<?xml") else feed
    return b'<?xml version="1.0" encoding="x-no-such-charset"?>' + rest
