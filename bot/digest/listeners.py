"""`/insights topics|digest|me|settings …`: the digest settings commands.

Registered before the search listener with a matcher, so Bolt routes settings
commands here and everything else to `bot.lookup.listeners`.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bot.deps import Deps
from bot.digest import channel_settings as actions
from bot.digest import settings as digest
from bot.digest import settings_blocks as sb
from bot.digest.grammar import (
    AddTopics,
    ClearTopics,
    PostDigestNow,
    PreviewDigest,
    RemoveTopics,
    SetDays,
    SetDigestTime,
    SetPaused,
    SetRestriction,
    SetThreadMode,
    SettingsCommand,
    SettingsError,
    ShowDigest,
    ShowTopics,
    ShowWorkspaceSettings,
    TargetCommand,
    is_settings_command,
    parse_settings,
)
from bot.digest.modal import with_change_button
from bot.router.grammar import parse_command
from bot.shared.blocks import Message
from bot.shared.replies import friendly_failures
from bot.shared.request import Asker, to_asker


def asks_for_settings(command: dict[str, Any]) -> bool:
    """Bolt matcher: is this `/insights` text a settings command (rather than a search)?"""
    return is_settings_command(parse_command(command.get("text")))


def register(app: App, deps: Deps) -> None:
    @app.command("/insights", matchers=[asks_for_settings])
    def settings_command(
        ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient, logger: logging.Logger
    ) -> None:
        ack()  # within Slack's 3 seconds; the answer follows through response_url
        with friendly_failures(respond, logger, "/insights settings"):
            parsed = parse_settings(command.get("text"))
            assert parsed is not None, "the matcher lets only settings commands through"
            message = answer_settings(deps, client, to_asker(command), parsed)
            respond(response_type="ephemeral", **message.as_kwargs())


def answer_settings(deps: Deps, client: WebClient, asker: Asker, parsed: SettingsCommand) -> Message:
    """The reply to one settings command, after checking where and by whom it was typed."""
    if isinstance(parsed, SettingsError):
        return sb.settings_error(parsed, asker.command)
    if isinstance(parsed, ShowWorkspaceSettings):
        return actions.show_workspace(deps, asker)
    if isinstance(parsed, SetRestriction):
        return actions.set_restriction(deps, client, asker, parsed)
    if not parsed.personal and asker.in_direct_message:
        return sb.use_personal_brief(asker.command)
    if not parsed.personal and asker.in_group_dm:
        return sb.no_group_dm_digests(asker.command)
    if isinstance(parsed, ShowTopics):
        return actions.show_topics(deps, asker, parsed)
    if isinstance(parsed, ShowDigest):  # with the button that opens the settings modal
        place = asker.place(parsed.personal)
        return with_change_button(digest.show_digest(deps, asker, parsed), place.personal, place.channel_id)
    if isinstance(parsed, PreviewDigest):
        return digest.preview(deps, asker, parsed)
    refused = actions.refusal(deps, client, asker, asker.place(parsed.personal))
    return refused or _change(deps, client, asker, parsed)


def _change(deps: Deps, client: WebClient, asker: Asker, parsed: TargetCommand) -> Message:
    """Commands that change a target (or post to it); the asker is allowed to."""
    if isinstance(parsed, AddTopics | RemoveTopics | ClearTopics):
        return actions.change_topics(deps, asker, parsed)
    if isinstance(parsed, SetDigestTime):
        return digest.set_time(deps, client, asker, parsed)
    if isinstance(parsed, SetDays | SetPaused | SetThreadMode):
        return digest.set_option(deps, client, asker, parsed)
    if isinstance(parsed, PostDigestNow):
        return digest.post_now(deps, client, asker, parsed)
    raise AssertionError(f"unhandled settings command {parsed!r}")
