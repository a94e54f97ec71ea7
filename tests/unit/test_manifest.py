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

#: Events the app handles (bot/listeners.py); Bolt answers 404 to any other, and Slack then retries.
HANDLED_BOT_EVENTS = {"reaction_added", "reaction_removed", "app_home_opened", "app_uninstalled", "tokens_revoked",
                      "link_shared", "function_executed"}
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
    "links:read",
    "links:write",
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


@pytest.fixture(scope="module")
def function_validator(validator: Draft7Validator) -> Draft7Validator:
    """The schema with a function's parameter sets as Slack documents and the Slack CLI writes them.

    The published schema describes `input_parameters` as a map of name -> type, but Slack's manifest
    reference, its Bolt custom-step templates and the CLI use ``{properties: {name: type}, required: [...]}``:
    this checks that shape, each parameter still against the schema's own parameter type definition.
    """
    schema = copy.deepcopy(validator.schema)
    assert isinstance(schema, dict)
    definitions = schema["definitions"]
    parameter_set = {"type": "object", "additionalProperties": False, "required": ["properties"], "properties": {
        "properties": {"$ref": "#/definitions/app-manifests.v1.hermes.types"},
        "required": {"type": "array", "items": {"type": "string"}, "uniqueItems": True},
    }}
    function = definitions["app-manifests.v1.hermes.functions"]["patternProperties"][".*"]
    function["properties"]["input_parameters"] = function["properties"]["output_parameters"] = parameter_set
    return Draft7Validator(schema)


def test_the_manifest_matches_slacks_schema(validator: Draft7Validator, manifest: dict[str, Any]) -> None:
    without_functions = {k: v for k, v in manifest.items() if k != "functions"}
    assert _errors(validator, without_functions) == []


def test_the_custom_step_matches_the_schema_with_slacks_documented_parameter_sets(
    function_validator: Draft7Validator, manifest: dict[str, Any]
) -> None:
    assert _errors(function_validator, manifest) == []


def test_the_custom_step_takes_topics_and_a_count_and_gives_insights_text(manifest: dict[str, Any]) -> None:
    from bot.sharing.workflow_step import CALLBACK_ID

    step = manifest["functions"][CALLBACK_ID]
    assert step["title"] == "Top podcast insights"
    inputs = step["input_parameters"]
    assert {k: v["type"] for k, v in inputs["properties"].items()} == {"topics": "string", "count": "integer"}
    assert inputs["required"] == ["topics"]
    assert step["output_parameters"]["properties"]["insights"]["type"] == "string"
    assert all(name in p["properties"] for p in (inputs, step["output_parameters"]) for name in p["required"])
    # Slack accepts custom steps only from org-ready apps whose functions run remotely (this app).
    assert manifest["settings"]["org_deploy_enabled"] is True
    assert manifest["settings"]["function_runtime"] == "remote"


def test_a_custom_step_parameter_without_a_type_fails_the_check(
    function_validator: Draft7Validator, manifest: dict[str, Any]
) -> None:
    broken = copy.deepcopy(manifest)
    del broken["functions"]["top_podcast_insights"]["input_parameters"]["properties"]["count"]["type"]

    assert _errors(function_validator, broken) != []


def test_the_message_shortcut_and_unfurl_domains_are_declared_within_slacks_limits(
    validator: Draft7Validator, manifest: dict[str, Any]
) -> None:
    from bot.sharing.episode_links import APPLE_HOSTS, PLAYER_PAGE_HOSTS
    from bot.sharing.shortcuts import CALLBACK_ID

    [shortcut] = manifest["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"], shortcut["name"]) == ("message", CALLBACK_ID, "Find podcast insights")
    domains = manifest["features"]["unfurl_domains"]
    assert 1 <= len(domains) <= 5
    assert set(domains) <= APPLE_HOSTS | PLAYER_PAGE_HOSTS  # each one is a podcast app Podbrief resolves
    too_many = copy.deepcopy(manifest)
    too_many["features"]["unfurl_domains"] = [f"host{n}.example" for n in range(6)]
    assert any("unfurl_domains" in e for e in _errors(validator, {k: v for k, v in too_many.items() if k != "functions"}))


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

    assert scopes >= NEEDED_BOT_SCOPES
    assert not scopes & UNWANTED_BOT_SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]


def test_interactivity_is_on_and_every_request_url_is_the_events_endpoint(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = [
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
        settings["interactivity"]["message_menu_options_url"],  # the settings modal's zone type-ahead
        *(c["url"] for c in manifest["features"]["slash_commands"]),
    ]
    assert all(url.startswith("https://") and url.endswith("/slack/events") for url in urls), urls


def test_http_mode_is_the_default_without_token_rotation(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert settings["socket_mode_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_the_install_flow_asks_for_exactly_the_manifests_bot_scopes(manifest: dict[str, Any]) -> None:
    from bot.config import DEFAULT_BOT_SCOPES

    assert list(DEFAULT_BOT_SCOPES) == manifest["oauth_config"]["scopes"]["bot"]


def test_the_oauth_redirect_url_is_the_servers_redirect_endpoint(manifest: dict[str, Any]) -> None:
    assert all(url.startswith("https://") and url.endswith("/slack/oauth_redirect")
               for url in manifest["oauth_config"]["redirect_urls"])
