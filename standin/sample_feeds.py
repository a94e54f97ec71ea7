"""The demo's podcast host: the sample feeds and transcripts in `standin/data`, served on loopback.

    with SampleFeeds(now) as host:
        host.feed_urls()   # ["http://127.0.0.1:PORT/feeds/groundwork.xml", ...]

The feeds are templates: `{{BASE}}` becomes this server's address and `{{HOURS_AGO:n}}` the
RFC 2822 date `n` hours before `now`, so the episodes are always fresh for "today's" digest.
Everything else is served byte for byte. Only the files in `standin/data/feeds` and
`standin/data/transcripts` are served; any other path is a 404.
"""

from __future__ import annotations

import re
import threading
from datetime import datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

DATA = Path(__file__).with_name("data")
_HOURS_AGO = re.compile(r"\{\{HOURS_AGO:(\d+)\}\}")
_TYPES = {".xml": "application/rss+xml; charset=utf-8", ".vtt": "text/vtt; charset=utf-8"}


def render_feed(template: str, base_url: str, now: datetime) -> str:
    """The feed `template` with its placeholders filled in for a server at `base_url` at `now`."""
    dated = _HOURS_AGO.sub(lambda m: format_datetime(now - timedelta(hours=int(m.group(1)))), template)
    return dated.replace("{{BASE}}", base_url)


class SampleFeeds:
    """A threaded HTTP server on 127.0.0.1 (port chosen by the OS) for the sample podcasts."""

    def __init__(self, now: datetime, data: Path = DATA) -> None:
        self.now = now
        self.data = data
        self.requests: list[str] = []
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                host.requests.append(self.path)
                found = host.document(self.path)
                if found is None:
                    self.send_error(404)
                    return
                body, content_type = found
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:  # quiet: the demo prints its own lines
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), name="sample-feeds",
                                        daemon=True)

    @property
    def base_url(self) -> str:
        port = self._httpd.server_address[1]
        return f"http://127.0.0.1:{port}"

    def feed_urls(self) -> list[str]:
        """The address of every sample feed, in name order."""
        return [f"{self.base_url}/feeds/{path.name}" for path in sorted((self.data / "feeds").glob("*.xml"))]

    def document(self, path: str) -> tuple[bytes, str] | None:
        """The body and content type served at `path`, or None (only files in feeds/ and transcripts/)."""
        match = re.fullmatch(r"/(feeds|transcripts)/([a-z0-9-]+\.(?:xml|vtt))", path.split("?", 1)[0])
        if match is None:
            return None
        file = self.data / match.group(1) / match.group(2)
        if not file.is_file():
            return None
        text = file.read_text(encoding="utf-8")
        if match.group(1) == "feeds":
            text = render_feed(text, self.base_url, self.now)
        return text.encode(), _TYPES[file.suffix]

    def __enter__(self) -> SampleFeeds:
        self._thread.start()
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
