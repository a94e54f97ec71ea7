"""Settings: defaults, and one clear message for each missing or malformed value."""

from __future__ import annotations

import pytest

from bot.config import ConfigError, load_settings

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
    with pytest.raises(ConfigError, match=named):
        load_settings(environ)


def test_running_without_a_bot_token_says_where_to_find_it() -> None:
    with pytest.raises(ConfigError, match=r"SLACK_BOT_TOKEN is not set.*OAuth & Permissions"):
        load_settings({}).require_slack()


def test_http_mode_needs_the_signing_secret() -> None:
    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET is not set"):
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


def test_feeds_are_scanned_every_30_minutes_unless_told_otherwise() -> None:
    assert load_settings({}).scan_interval_minutes == 30
    assert load_settings({"SCAN_INTERVAL_MINUTES": "15"}).scan_interval_minutes == 15
    assert load_settings({"SCAN_INTERVAL_MINUTES": "0"}).scan_interval_minutes == 0
    assert load_settings({"SCAN_INTERVAL_MINUTES": "off"}).scan_interval_minutes == 0


@pytest.mark.parametrize("value", ["half an hour", "-5", "1.5", "99999"])
def test_a_malformed_scan_interval_says_what_works(value: str) -> None:
    with pytest.raises(ConfigError, match=r"SCAN_INTERVAL_MINUTES must be a number of minutes from 1 to \d+ \(or 0 / off"):
        load_settings({"SCAN_INTERVAL_MINUTES": value})


def test_private_feed_addresses_are_refused_unless_allowed() -> None:
    assert load_settings({}).feeds_allow_private_addresses is False
    assert load_settings({"FEEDS_ALLOW_PRIVATE_ADDRESSES": "true"}).feeds_allow_private_addresses is True
    with pytest.raises(ConfigError, match="FEEDS_ALLOW_PRIVATE_ADDRESSES must be true or false"):
        load_settings({"FEEDS_ALLOW_PRIVATE_ADDRESSES": "localhost"})


def test_the_language_model_extractor_needs_a_base_url_and_a_model() -> None:
    settings = load_settings({"LLM_BASE_URL": "http://localhost:11434/v1/", "LLM_MODEL": "llama3.1"})
    assert (settings.llm_base_url, settings.llm_model, settings.llm_api_key) == ("http://localhost:11434/v1", "llama3.1", None)
    assert load_settings({}).llm_base_url is None


def test_a_full_chat_completions_url_is_accepted_as_the_base_url() -> None:
    settings = load_settings({"LLM_BASE_URL": "https://api.example.com/v1/chat/completions", "LLM_MODEL": "m"})
    assert settings.llm_base_url == "https://api.example.com/v1"


def test_the_llm_api_key_never_shows_in_the_settings_repr() -> None:
    settings = load_settings({"LLM_BASE_URL": "https://api.example.com/v1", "LLM_MODEL": "m", "LLM_API_KEY": "sk-secret"})
    assert settings.llm_api_key == "sk-secret" and "sk-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("environ", "says"),
    [
        ({"LLM_BASE_URL": "https://api.example.com/v1"}, "LLM_BASE_URL is set but LLM_MODEL is not"),
        ({"LLM_MODEL": "gpt-4o-mini"}, "LLM_MODEL is set but LLM_BASE_URL is not"),
        ({"LLM_API_KEY": "sk-1"}, "LLM_API_KEY is set but LLM_BASE_URL and LLM_MODEL are not"),
        ({"LLM_BASE_URL": "api.example.com/v1", "LLM_MODEL": "m"}, "LLM_BASE_URL must be the http"),
        ({"LLM_BASE_URL": "https://api.example.com/v1", "LLM_MODEL": "gpt 4o"}, "LLM_MODEL must be a model name"),
    ],
)
def test_incomplete_or_malformed_llm_settings_are_explained(environ: dict[str, str], says: str) -> None:
    with pytest.raises(ConfigError, match=says):
        load_settings(environ)


def test_the_composition_root_picks_the_extractor_from_the_settings() -> None:
    from bot.bootstrap import build_extractor
    from ingest.extractors import BuiltinExtractor
    from ingest.llm_extractor import LlmExtractor

    assert isinstance(build_extractor(load_settings({})), BuiltinExtractor)
    chosen = build_extractor(load_settings({"LLM_BASE_URL": "http://127.0.0.1:9/v1", "LLM_MODEL": "m"}))
    assert isinstance(chosen, LlmExtractor) and chosen.url == "http://127.0.0.1:9/v1/chat/completions"
