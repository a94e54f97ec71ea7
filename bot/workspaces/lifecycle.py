"""Uninstalls and revoked tokens stop a workspace's digests; its data goes after a grace period."""

from __future__ import annotations

import logging
from datetime import timedelta

from slack_sdk.errors import SlackApiError

from bot.deps import Deps
from bot.shared.logfmt import kv
from bot.workspaces.status import workspace_gone
from storage import feeds_store
from storage.workspaces_store import purge_workspace, reactivate, workspaces_to_purge

log = logging.getLogger("podbrief.workspaces")
PURGE_JOB_ID = "purge-uninstalled"
PURGE_EVERY_HOURS = 6


UNINSTALLED = "Podbrief was uninstalled"
BOT_TOKEN_REVOKED = "the bot token was revoked; reinstall Podbrief to resume"


def workspace_left(deps: Deps, team_id: str, enterprise_id: str | None, reason: str) -> None:
    """Forget the workspace's tokens and stop its deliveries (its data stays for the grace period)."""
    if deps.installations is not None:  # installation rows hold a copy of the bot token too
        deps.installations.delete_all(enterprise_id=enterprise_id, team_id=team_id)
    with deps.sessions.begin() as session:
        workspace_gone(session, team_id, reason, deps.clock())
    log.warning(kv("workspace_left", team=team_id, reason=reason))


def resume_single_workspace(deps: Deps) -> str | None:
    """One-token mode: the token's workspace, made active again if an uninstall or revoked token had stopped it
    (the operator has put in a working token, so it was reinstalled)."""
    try:
        team_id = str(deps.slack.auth_test()["team_id"])
    except (SlackApiError, OSError, KeyError):
        return None
    with deps.sessions.begin() as session:
        if reactivate(session, team_id, deps.clock()):
            log.info(kv("workspace_resumed", team=team_id))
    return team_id


def purge_expired(deps: Deps, grace_days: int) -> list[str]:
    """Delete the data of every workspace uninstalled more than `grace_days` ago; their team ids."""
    with deps.sessions() as session:
        due = workspaces_to_purge(session, deps.clock(), timedelta(days=grace_days))
    for team_id in due:
        purge_now(deps, team_id)
    return due


def purge_now(deps: Deps, team_id: str) -> dict[str, int]:
    """Delete everything stored for one workspace, tokens included; rows deleted per table.

    Its feed subscriptions go too: a feed nobody else follows stops being fetched (its insights
    stay stored, shown to nobody, in case someone follows it again; see `feeds_store.remove_feed`).
    """
    with deps.sessions.begin() as session:
        deleted = {"feed_subscriptions": feeds_store.drop_subscriptions(session, team_id)}
        deleted.update(purge_workspace(session, team_id))
    log.warning(kv("workspace_purged", team=team_id, rows=sum(deleted.values())))
    return deleted
