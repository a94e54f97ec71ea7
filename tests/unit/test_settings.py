"""Settings: defaults, and one clear message for each missing or malformed value."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings

SECRET = "0123456789abcdef0123456789abcdef"


def test_defaults_use_an_sqlite_file_in_the_data_directory_and_port_3000() -> None:
    settings = load_settings({})
    assert settings.database_url == "sqlite:///data/podbrief.sqlite3"
    assert (settings.port, settings.log_level, settings.socket_mode) == (3000, "INFO", False)


def test_a_plain_postgresql_url_gets_the_psycopg_driver() -> None:
    settings = load_settings({"DATABASE_URL": "postgres://u:p@db:5432/podbrief"})
    assert settings.database_url == "postgresql+psycopg://u:p@db:5432/podbrief"


def test_the_api_url_always_ends_with_a_slash() -> None:
    assert load_settings({"SLACK_API_URL": "http://127.0.0.1:9999/api"}).slack_api_url == "http://127.0.0.1:9999/api/"


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SLACK_BOT_TOKEN": "xoxp-user-token"}, "SLACK_BOT_TOKEN"),
        ({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"}, "SLACK_APP_TOKEN"),
        ({"SLACK_SIGNING_SECRET": "not hex at all"}, "SLACK_SIGNING_SECRET"),
        ({"PORT": "eighty"}, "PORT"),
        ({"PORT": "70000"}, "PORT"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"DATABASE_URL": "mysql://localhost/x"}, "DATABASE_URL"),
        ({"DATABASE_URL": "not a url"}, "DATABASE_URL"),
        ({"SLACK_API_URL": "slack.com/api"}, "SLACK_API_URL"),
        ({"RUN_SCHEDULER": "sometimes"}, "RUN_SCHEDULER"),
    ],
)
def test_a_malformed_setting_is_named_in_the_error(environ: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(environ)


def test_running_without_a_bot_token_says_where_to_find_it() -> None:
    with pytest.raises(SettingsError, match="SLACK_BOT_TOKEN is not set.*OAuth & Permissions"):
        load_settings({}).require_slack()


def test_http_mode_needs_the_signing_secret() -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET is not set"):
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1"}).require_slack()


def test_socket_mode_needs_no_signing_secret() -> None:
    settings = load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    settings.require_slack()
    assert settings.socket_mode


def test_blank_values_count_as_unset() -> None:
    assert load_settings({"SLACK_APP_TOKEN": "  ", "PORT": ""}).port == 3000


def test_web_replicas_can_leave_scheduling_to_a_worker() -> None:
    assert load_settings({"RUN_SCHEDULER": "false"}).run_scheduler is False
    assert load_settings({}).run_scheduler is True
