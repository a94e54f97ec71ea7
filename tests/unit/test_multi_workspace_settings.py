"""Settings for installing to many workspaces: one clear message for each mistake."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_BOT_SCOPES, ConfigError, load_settings
from storage.token_cipher import generate_key

SECRET = "0123456789abcdef0123456789abcdef"
KEY = generate_key()
OAUTH = {"SLACK_CLIENT_ID": "1234567890.9876543210", "SLACK_CLIENT_SECRET": SECRET, "SLACK_SIGNING_SECRET": SECRET,
         "TOKEN_ENCRYPTION_KEYS": KEY}


def test_client_id_and_secret_choose_multi_workspace_mode_with_the_manifests_scopes() -> None:
    settings = load_settings(OAUTH)
    settings.require_slack()
    assert settings.multi_workspace
    assert settings.slack_scopes == DEFAULT_BOT_SCOPES
    assert settings.token_encryption_keys == (KEY,)
    assert settings.uninstall_grace_days == 30


def test_secrets_never_show_in_the_settings_repr() -> None:
    text = repr(load_settings({**OAUTH, "TOKEN_ENCRYPTION_KEYS": f"{KEY},{generate_key()}"}))
    assert SECRET not in text.replace(f"slack_signing_secret='{SECRET}'", "")
    assert KEY not in text


def test_every_secret_is_offered_for_redaction() -> None:
    old_key = generate_key()
    secrets = load_settings({**OAUTH, "TOKEN_ENCRYPTION_KEYS": f"{KEY},{old_key}"}).secrets()
    assert {SECRET, KEY, old_key} <= set(secrets)


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"SLACK_CLIENT_SECRET": None}, "SLACK_CLIENT_SECRET"),
        ({"TOKEN_ENCRYPTION_KEYS": None}, "TOKEN_ENCRYPTION_KEYS"),
        ({"SLACK_SIGNING_SECRET": None}, "SLACK_SIGNING_SECRET"),
        ({"SLACK_BOT_TOKEN": "xoxb-1-2-3"}, "SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set"),
        ({"SLACK_APP_TOKEN": "xapp-1-2"}, "SLACK_APP_TOKEN"),
    ],
)
def test_an_incomplete_multi_workspace_setup_names_what_to_fix(change: dict[str, str | None], named: str) -> None:
    environ = {k: v for k, v in {**OAUTH, **change}.items() if v is not None}
    with pytest.raises(ConfigError, match=named):
        load_settings(environ).require_slack()


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"SLACK_CLIENT_ID": "my-app"}, "SLACK_CLIENT_ID"),
        ({"SLACK_CLIENT_SECRET": "xoxb-not-a-secret"}, "SLACK_CLIENT_SECRET"),
        ({"TOKEN_ENCRYPTION_KEYS": "hunter2"}, "TOKEN_ENCRYPTION_KEYS"),
        ({"SLACK_SCOPES": "chat:write, Everything!"}, "SLACK_SCOPES"),
        ({"SLACK_REDIRECT_URI": "example.com/callback"}, "SLACK_REDIRECT_URI"),
        ({"UNINSTALL_GRACE_DAYS": "a month"}, "UNINSTALL_GRACE_DAYS"),
    ],
)
def test_malformed_values_are_refused_by_name(environ: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        load_settings(environ)


def test_without_either_kind_of_credentials_both_ways_are_explained() -> None:
    with pytest.raises(ConfigError, match="SLACK_CLIENT_ID"):
        load_settings({"SLACK_SIGNING_SECRET": SECRET}).require_slack()
