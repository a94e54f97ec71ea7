"""`podbrief workspaces list|purge` and `podbrief tokens new-key|rotate-key`: operating installations."""

from __future__ import annotations

import sys
from datetime import timedelta

import click

from bot.cli.context import load_settings, open_deps
from bot.cli.terminal import echo
from bot.config import Settings
from bot.deps import Deps
from bot.workspaces.lifecycle import purge_now
from storage.token_cipher import TokenCipher, TokenKeyError, generate_key, reencrypt_all
from storage.workspaces_store import list_workspaces


def _settings_and_deps() -> tuple[Settings, Deps]:
    settings = load_settings()
    return settings, open_deps(settings)


@click.group()
def workspaces() -> None:
    """The workspaces Podbrief knows, and deleting one's data."""


@workspaces.command(name="list")
def list_command() -> None:
    """Every workspace: active or not, since when, and how much it holds."""
    settings, deps = _settings_and_deps()
    with deps.sessions() as session:
        statuses = list_workspaces(session)
    if not statuses:
        echo("No workspaces yet.")
        return
    for status in statuses:
        name = f"{status.team_name} " if status.team_name else ""
        state = "active" if status.active else f"inactive ({status.inactive_reason or 'no reason recorded'})"
        echo(f"{status.team_id}  {name}{state}; {status.digest_targets} digest(s), "
             f"{status.saved_insights} saved insight(s)")
        if status.uninstalled_at is not None:
            purge_after = status.uninstalled_at + timedelta(days=settings.uninstall_grace_days)
            echo(f"    uninstalled {status.uninstalled_at:%Y-%m-%d %H:%M} UTC; its data will be deleted after "
                 f"{purge_after:%Y-%m-%d %H:%M} UTC (UNINSTALL_GRACE_DAYS={settings.uninstall_grace_days})")


@workspaces.command()
@click.argument("team_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def purge(team_id: str, yes: bool) -> None:
    """Delete everything stored for TEAM_ID now: tokens, settings, digests' history, saved insights, feedback."""
    _settings, deps = _settings_and_deps()
    with deps.sessions() as session:
        known = {s.team_id: s for s in list_workspaces(session)}
    status = known.get(team_id)
    if status is None:
        echo(f"No workspace {team_id} is known (see `podbrief workspaces list`).", fg="red", err=True)
        sys.exit(1)
    if status.active:
        echo(f"Note: {team_id} is still active; it keeps working after this but starts over empty.",
             fg="yellow", err=True)
    if not yes:
        click.confirm(f"Delete all of {team_id}'s data now? This cannot be undone", abort=True)
    deleted = purge_now(deps, team_id)
    echo(f"Deleted {sum(deleted.values())} rows for {team_id}: "
         + ", ".join(f"{table} {count}" for table, count in deleted.items() if count))


@click.group()
def tokens() -> None:
    """Encryption of stored Slack tokens (multi-workspace mode)."""


@tokens.command(name="new-key")
def new_key() -> None:
    """Print a new random key for TOKEN_ENCRYPTION_KEYS."""
    echo(generate_key())


@tokens.command(name="rotate-key")
def rotate_key() -> None:
    """Re-encrypt every stored token with the first key of TOKEN_ENCRYPTION_KEYS.

    Put the new key first, keep the old one after it, run this, then remove the old key.
    """
    settings, deps = _settings_and_deps()
    if not settings.token_encryption_keys:
        echo("TOKEN_ENCRYPTION_KEYS is not set.", fg="red", err=True)
        sys.exit(2)
    try:
        with deps.sessions.begin() as session:
            rewritten = reencrypt_all(session, TokenCipher(settings.token_encryption_keys))
    except TokenKeyError as error:
        echo(f"Nothing was changed: {error}", fg="red", err=True)
        sys.exit(1)
    echo(f"Re-encrypted the tokens of {rewritten} stored installation row(s) with the first key; every "
         "stored token now uses it. You can remove the other keys from TOKEN_ENCRYPTION_KEYS.")
