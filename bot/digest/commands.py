"""Answering `/insights topics|digest|me|settings …`: the digest settings and workspace preferences commands."""

from __future__ import annotations

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
    SettingsUsageError,
    ShowDigest,
    ShowTopics,
    ShowWorkspacePreferences,
    TargetCommand,
)
from bot.digest.modal import with_change_button
from bot.shared.blocks import Message
from bot.shared.request import Asker


def answer_settings(deps: Deps, client: WebClient, asker: Asker, parsed: SettingsCommand) -> Message:
    """The reply to one settings command, after checking where and by whom it was typed."""
    if isinstance(parsed, SettingsUsageError):
        return sb.settings_error(parsed, asker.command)
    if isinstance(parsed, ShowWorkspacePreferences):
        return actions.show_workspace(deps.sessions, asker)
    if isinstance(parsed, SetRestriction):
        return actions.set_restriction(deps.sessions, client, asker, parsed)
    if not parsed.personal and asker.in_direct_message:
        return sb.use_personal_brief(asker.command)
    if not parsed.personal and asker.in_group_dm:
        return sb.no_group_dm_digests(asker.command)
    if isinstance(parsed, ShowTopics):
        return actions.show_topics(deps.sessions, asker, parsed)
    if isinstance(parsed, ShowDigest):  # with the button that opens the settings modal
        place = asker.place(parsed.personal)
        return with_change_button(digest.show_digest(deps, asker, parsed), place.personal, place.channel_id)
    if isinstance(parsed, PreviewDigest):
        return digest.preview(deps, asker, parsed)
    refused = actions.refusal(deps.sessions, client, asker, asker.place(parsed.personal))
    return refused or _change(deps, client, asker, parsed)


def _change(deps: Deps, client: WebClient, asker: Asker, parsed: TargetCommand) -> Message:
    """Commands that change a target (or post to it); the asker is allowed to."""
    if isinstance(parsed, AddTopics | RemoveTopics | ClearTopics):
        return actions.change_topics(deps.sessions, asker, parsed)
    if isinstance(parsed, SetDigestTime):
        return digest.set_time(deps, client, asker, parsed)
    if isinstance(parsed, SetDays | SetPaused | SetThreadMode):
        return digest.set_option(deps, client, asker, parsed)
    if isinstance(parsed, PostDigestNow):
        return digest.post_now(deps, client, asker, parsed)
    raise AssertionError(f"unhandled settings command {parsed!r}")
