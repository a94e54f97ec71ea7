"""Abuse drill for the HTTP side: what a stranger's requests cost in log bytes, state rows and replays.

    .venv/bin/python bench/request_abuse_bench.py
    .venv/bin/python bench/request_abuse_bench.py --seconds 5 --body-kb 900

One client at a time against the real app over loopback HTTP (multi-workspace mode, SQLite), with
every logger at INFO into a counting stream, as `podbrief run` logs:
1. unsigned form bodies of `--body-kb` KB for `--seconds`: requests sent and log bytes written;
2. `GET /slack/install` for `--seconds`: page loads and OAuth state rows written;
3. following the page's "Add to Slack" link for `--seconds`: clicks and state rows written;
4. one captured, signed slash command (one-workspace mode, Slack stand-in) sent again with
   `X-Slack-Retry-Num` 1, 2 and 3: how many times it ran. No timing targets.
"""

from __future__ import annotations

import argparse
import http.client
import io
import logging
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import Engine, text

from bot.bootstrap import build_deps as open_storage
from bot.config import Settings, load_settings
from standin.local_server import LocalServer
from standin.slack_api import SlackStandIn
from standin.slack_requests import signed_headers, slash_command_body
from storage.token_cipher import generate_key

SECRET = "cd" * 16


def _get(base: str, path: str) -> tuple[int, str]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def _states(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM slack_oauth_states")).scalar_one())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--body-kb", type=int, default=900)
    args = parser.parse_args(argv)
    folder = tempfile.mkdtemp(prefix="podbrief-abuse-")
    settings = load_settings({"PODBRIEF_DATA_DIR": folder, "SLACK_CLIENT_ID": "123.456", "SLACK_CLIENT_SECRET": "ab" * 16,
                              "SLACK_SIGNING_SECRET": SECRET, "TOKEN_ENCRYPTION_KEYS": generate_key(),
                              "SLACK_API_URL": "http://127.0.0.1:9/api/"})
    deps = open_storage(settings)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    with LocalServer(settings, deps) as server:
        base = server.base_url

        body = urlencode({"text": "x" * (args.body_kb * 1000), "response_url": "https://hooks.slack.com/x"})
        sent, start_bytes, until = 0, len(stream.getvalue()), time.monotonic() + args.seconds
        while time.monotonic() < until:
            server.post(body, "application/x-www-form-urlencoded", signed=False)
            sent += 1
        logged = len(stream.getvalue()) - start_bytes
        print(f"1. unsigned {args.body_kb} KB bodies for {args.seconds:.0f} s: {sent} requests, "
              f"{logged / 1e6:.2f} MB logged ({logged} bytes)")

        loads, until = 0, time.monotonic() + args.seconds
        while time.monotonic() < until:
            _get(base, "/slack/install")
            loads += 1
        print(f"2. GET /slack/install for {args.seconds:.0f} s: {loads} page loads, {_states(deps.engine)} state rows")

        _, page = _get(base, "/slack/install")
        marker = 'id="add-to-slack" href="'
        link = unescape(page[page.index(marker) + len(marker):page.index('"', page.index(marker) + len(marker))])
        if link.startswith("/"):
            before, clicks, refused, until = _states(deps.engine), 0, 0, time.monotonic() + args.seconds
            while time.monotonic() < until:
                clicks += 1
                refused += _get(base, link)[0] == 429
            print(f"3. Add to Slack clicks for {args.seconds:.0f} s: {clicks} clicks ({refused} answered 429), "
                  f"{_states(deps.engine) - before} state rows")
        else:
            print("3. Add to Slack: the link goes straight to Slack (the state was written by the page load)")

    root.removeHandler(handler)
    deps.engine.dispose()
    print(f"4. one signed command sent 4 times with retry numbers 1-3 added: it ran {replays(folder)} times")
    return 0


def replays(folder: str) -> int:
    """How many times one captured /insights command runs when resent with X-Slack-Retry-Num 1, 2, 3."""
    with SlackStandIn(bot_token="xoxb-abuse") as slack:
        settings = Settings(database_url=f"sqlite:///{folder}/replay.sqlite3", data_dir=Path(folder),
                            slack_bot_token="xoxb-abuse", slack_signing_secret=SECRET, slack_api_url=slack.api_url)
        deps = open_storage(settings)
        with LocalServer(settings, deps) as server:
            command, content_type = slash_command_body("export controls", response_url=slack.response_url("cmd"))
            headers = {"Content-Type": content_type, **signed_headers(SECRET, command)}
            for extra in ({}, {"X-Slack-Retry-Num": "1"}, {"X-Slack-Retry-Num": "2"}, {"X-Slack-Retry-Num": "3"}):
                server.request("POST", "/slack/events", command.encode(), {**headers, **extra})
            slack.wait_for("response_url:cmd")
            time.sleep(1.0)  # any copy that got through answers within this
            runs = len(slack.responses("cmd"))
        deps.engine.dispose()
    return runs


if __name__ == "__main__":
    raise SystemExit(main())
