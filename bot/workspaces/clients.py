"""Web API clients for work that no Slack request started (digests): one per workspace.

Bolt finds a workspace's token (and refreshes a rotating one) only while handling a request
from Slack; scheduled jobs use `WorkspaceClients` instead, which does the same from the
installation store.
"""

from __future__ import annotations

import logging
import threading

from slack_sdk import WebClient
from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store import Bot, InstallationStore
from slack_sdk.oauth.token_rotation import TokenRotator
from sqlalchemy.orm import Session, sessionmaker

from bot.shared.logfmt import kv
from bot.shared.slack_errors import TOKEN_REFRESH_CODES
from bot.workspaces.status import stop_deliveries
from storage.workspaces_store import enterprise_of

log = logging.getLogger("podbrief.workspace_clients")
#: Refresh a rotating token this long before it expires (Bolt's default, too).
ROTATE_MINUTES_BEFORE_EXPIRY = 120


class WorkspaceNotInstalled(LookupError):
    """No bot token is stored for the workspace (never installed, or uninstalled)."""


class WorkspaceClients:
    """`clients(team_id)` → a WebClient with that workspace's current bot token."""

    def __init__(self, template: WebClient, store: InstallationStore, sessions: sessionmaker[Session],
                 rotator: TokenRotator | None = None) -> None:
        self._template = template
        self._store = store
        self._sessions = sessions
        self._rotator = rotator
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()

    def __call__(self, team_id: str) -> WebClient:
        return self.client_with_token(self.bot_token(team_id))

    def bot_token(self, team_id: str) -> str:
        """The workspace's bot token, refreshed first when it rotates and expires soon.

        Slack's refresh tokens work once, so one thread per workspace refreshes and the others
        then read the stored result.
        """
        with self._sessions() as session:
            enterprise_id = enterprise_of(session, team_id)
        with self._lock_for(team_id):
            bot = self._find(enterprise_id, team_id)
            try:
                return self._fresh(bot).bot_token or ""
            except SlackTokenRotationError as error:
                return self._after_failed_refresh(enterprise_id, team_id, bot, error)

    def _find(self, enterprise_id: str | None, team_id: str) -> Bot:
        bot = self._store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
        if bot is None or not bot.bot_token:
            self._stop_deliveries(team_id, "no installation found; install Podbrief again")
            raise WorkspaceNotInstalled(f"Podbrief is not installed in workspace {team_id}")
        return bot

    def _after_failed_refresh(self, enterprise_id: str | None, team_id: str, tried: Bot,
                              error: SlackTokenRotationError) -> str:
        """Another process (a web replica answering a request) may have refreshed first: use its token."""
        current = self._find(enterprise_id, team_id)
        if current.bot_refresh_token != tried.bot_refresh_token and current.bot_token:
            return current.bot_token
        code = str(error.api_error.response.get("error", "unknown"))
        if code in TOKEN_REFRESH_CODES:
            self._stop_deliveries(team_id, f"Slack refused to refresh the bot token ({code}); install Podbrief again")
        raise error

    def _lock_for(self, team_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(team_id, threading.Lock())

    def _stop_deliveries(self, team_id: str, reason: str) -> None:
        """No usable token: stop trying every tick until the workspace installs Podbrief (again)."""
        with self._sessions.begin() as session:
            stop_deliveries(session, team_id, reason)
        log.warning(kv("workspace_not_usable", team=team_id, reason=reason))

    def client_with_token(self, token: str) -> WebClient:
        template = self._template
        return WebClient(token=token, base_url=template.base_url, timeout=template.timeout,
                         retry_handlers=list(template.retry_handlers), logger=template.logger)

    def _fresh(self, bot: Bot) -> Bot:
        if self._rotator is None or not bot.bot_refresh_token:
            return bot
        refreshed = self._rotator.perform_bot_token_rotation(
            bot=bot, minutes_before_expiration=ROTATE_MINUTES_BEFORE_EXPIRY)
        if refreshed is None:
            return bot
        self._store.save_bot(refreshed)
        log.info(kv("bot_token_rotated", team=bot.team_id, expires_at=refreshed.bot_token_expires_at))
        return refreshed
