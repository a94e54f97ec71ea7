"""Headless Chromium (skipped where it is not installed, except in CI) and Podbrief in multi-workspace mode."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from bot.bootstrap import build_deps
from bot.config import Settings, load_settings
from bot.deps import Deps
from standin.local_server import LocalServer
from storage.token_cipher import generate_key
from tests.browser.chromium import Chromium, find_chromium

REQUIRE_BROWSER = os.environ.get("PODBRIEF_REQUIRE_BROWSER") == "1"
CLIENT_ID = "123.456"


@pytest.fixture(scope="session")
def chromium(tmp_path_factory: pytest.TempPathFactory) -> Chromium:
    binary = find_chromium()
    if binary is None:
        message = ("headless Chromium not found (looked for chromium, chromium-browser, google-chrome); "
                   "install Debian's package with `apt-get install chromium` (.ci/run does)")
        if REQUIRE_BROWSER:
            pytest.fail(f"PODBRIEF_REQUIRE_BROWSER=1 but {message}")
        pytest.skip(message)
    return Chromium(binary, tmp_path_factory.mktemp("chromium-profiles"))


@dataclass(frozen=True)
class InstallServer:
    """Podbrief serving /slack/install and /slack/oauth_redirect on a loopback port."""

    settings: Settings
    deps: Deps
    base_url: str

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture(scope="module")
def install_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstallServer]:
    data_dir = tmp_path_factory.mktemp("install-server")
    settings = load_settings({
        "PODBRIEF_DATA_DIR": str(data_dir),  # a fresh SQLite file there
        "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": "ab" * 16,
        "SLACK_SIGNING_SECRET": "cd" * 16,
        "TOKEN_ENCRYPTION_KEYS": generate_key(),
        "SLACK_API_URL": "http://127.0.0.1:9/api/",  # nothing here may talk to the real Slack
    })
    settings.require_slack()
    deps = build_deps(settings)
    with LocalServer(settings, deps) as server:
        yield InstallServer(settings, deps, server.base_url)
    deps.engine.dispose()
