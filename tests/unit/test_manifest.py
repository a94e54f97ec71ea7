"""manifest.yml is a valid Slack app manifest and asks for what Podbrief needs, no more."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator

REPO = Path(__file__).resolve().parents[2]
MANIFEST = REPO / "manifest.yml"
SCHEMA = REPO.parent / "shared" / "schemas" / "slack-app-manifest.schema.1.0.0.json"

#: Events the app handles (bot/listeners); Bolt answers 404 to any other, and Slack then retries.
HANDLED_BOT_EVENTS = {"reaction_added", "reaction_removed", "app_home_opened", "app_uninstalled", "tokens_revoked"}
#: Scopes the features need: /insights, posting where the bot is a member, react-to-save,
#: users.info time zones, conversations.info, DMs for personal briefs, export uploads.
NEEDED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "reactions:read",
    "users:read",
    "channels:read",
    "groups:read",
    "im:write",
    "files:write",
}
#: Broad scopes Podbrief must not ask for: it never reads conversations nor posts where it was not invited.
UNWANTED_BOT_SCOPES = {"channels:history", "groups:history", "im:history", "mpim:history", "chat:write.public"}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def validator() -> Draft7Validator:
    if not SCHEMA.is_file():
        pytest.skip(f"Slack manifest schema not found at {SCHEMA}")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def _errors(validator: Draft7Validator, document: dict[str, Any]) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(document)]


def test_the_manifest_matches_slacks_schema(validator: Draft7Validator, manifest: dict[str, Any]) -> None:
    assert _errors(validator, manifest) == []


def test_a_manifest_without_an_app_name_fails_the_schema(validator: Draft7Validator, manifest: dict[str, Any]) -> None:
    broken = copy.deepcopy(manifest)
    del broken["display_information"]["name"]

    errors = _errors(validator, broken)

    assert any("display_information" in e and "'name' is a required property" in e for e in errors), errors


def test_a_slash_command_without_a_leading_slash_fails_the_schema(
    validator: Draft7Validator, manifest: dict[str, Any]
) -> None:
    broken = copy.deepcopy(manifest)
    broken["features"]["slash_commands"][0]["command"] = "insights"

    assert _errors(validator, broken) != []


def test_the_app_is_named_podbrief_with_descriptions_within_slacks_limits(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "Podbrief"
    assert manifest["features"]["bot_user"]["display_name"] == "Podbrief"
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    # The schema spells this check "regex", which JSON Schema ignores, so it is checked here.
    assert re.fullmatch(r"#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?", info["background_color"])


def test_the_insights_command_is_declared_with_a_usage_hint(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}

    insights = commands["/insights"]
    assert insights["description"]
    assert "help" in insights["usage_hint"]
    assert insights["should_escape"] is False


def test_the_home_tab_and_messages_tab_are_enabled(manifest: dict[str, Any]) -> None:
    home = manifest["features"]["app_home"]
    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True


def test_every_subscribed_bot_event_is_one_the_app_handles(manifest: dict[str, Any]) -> None:
    subscribed = manifest["settings"]["event_subscriptions"]["bot_events"]

    assert set(subscribed) <= HANDLED_BOT_EVENTS
    assert set(subscribed) == HANDLED_BOT_EVENTS, "an event the app handles is not subscribed"


def test_the_bot_asks_for_the_scopes_it_needs_and_no_broad_ones(manifest: dict[str, Any]) -> None:
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])

    assert NEEDED_BOT_SCOPES <= scopes
    assert not scopes & UNWANTED_BOT_SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_interactivity_is_on_and_every_request_url_is_the_events_endpoint(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in urls), urls


def test_http_mode_is_the_default_without_org_deploy_or_token_rotation(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_the_install_flow_asks_for_exactly_the_manifests_bot_scopes(manifest: dict[str, Any]) -> None:
    from bot.settings import DEFAULT_BOT_SCOPES

    assert list(DEFAULT_BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


def test_the_oauth_redirect_url_is_the_servers_redirect_endpoint(manifest: dict[str, Any]) -> None:
    assert all(url.startswith("https://") and url.endswith("/slack/oauth_redirect")
               for url in manifest["oauth_config"]["redirect_urls"])
