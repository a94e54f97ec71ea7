"""Installing Podbrief into many workspaces: Bolt's OAuth flow with our pages and bookkeeping.

GET /slack/install shows the "Add to Slack" page, which writes nothing: its button links to
GET /slack/install?start=1, which issues the one-time `state` (kept in the database and in a
cookie) and redirects to Slack, at most `STARTS_PER_MINUTE` times a minute per process; the
scheduler purges expired states (bot.workspaces.installations.purge_expired_states).
GET /slack/oauth_redirect exchanges Slack's code for a bot token, stores it encrypted and marks
the workspace installed.
"""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import Installation, InstallationStore

from bot.config import Settings
from bot.deps import Deps
from bot.runtime.rate_limit import WindowLimit
from bot.shared.logfmt import kv
from bot.workspaces.install_pages import busy_page, failure_page, install_page, installed_page
from bot.workspaces.installations import STATE_EXPIRATION_SECONDS, oauth_state_store
from storage.workspaces_store import record_installed

log = logging.getLogger("podbrief.oauth")
_HTML = "text/html; charset=utf-8"
#: The query parameter of the "Add to Slack" link: only that click writes a state.
START_PARAMETER = "start"
#: Installs started per minute and process; more are answered 429 (a real person just tries again).
STARTS_PER_MINUTE = 30


class PodbriefOAuthFlow(OAuthFlow):
    """Bolt's OAuth flow; our install page, and the workspace marked installed once its token is stored."""

    def __init__(self, *, client: WebClient, settings: OAuthSettings, deps: Deps) -> None:
        super().__init__(client=client, logger=log, settings=settings)
        self._deps = deps
        self._starts = WindowLimit(STARTS_PER_MINUTE, 60.0)

    def handle_installation(self, request: BoltRequest) -> BoltResponse:
        """The page (no state written), or, for its button's click, a new state and a redirect to Slack."""
        team = next(iter(request.query.get("team") or ()), None)
        if START_PARAMETER not in request.query:
            start = {START_PARAMETER: "1", **({"team": team} if team else {})}
            return BoltResponse(status=200, body=install_page(f"{self.install_path}?{urlencode(start)}"),
                                headers={"Content-Type": _HTML})
        if (refused := self._starts.admit()) is None:
            return BoltResponse(status=429, body=busy_page(), headers={"Content-Type": _HTML, "Retry-After": "60"})
        if refused:
            log.warning(kv("install_starts_refused", count=refused, per_minute=STARTS_PER_MINUTE))
        state = self.issue_new_state(request)
        headers = {"Content-Type": _HTML, "Location": self.build_authorize_url(state, request),
                   "Set-Cookie": [self.settings.state_utils.build_set_cookie_for_new_state(state)]}
        return BoltResponse(status=302, body="", headers=headers)

    def store_installation(self, request: BoltRequest, installation: Installation) -> None:
        super().store_installation(request, installation)
        if installation.team_id is None:  # an org-wide Enterprise Grid install; not supported, see README
            log.warning(kv("org_install_stored", enterprise=installation.enterprise_id))
            return
        with self._deps.sessions.begin() as session:
            record_installed(session, installation.team_id, self._deps.clock(), team_name=installation.team_name,
                             enterprise_id=installation.enterprise_id, by_user=installation.user_id)
        log.info(kv("installed", team=installation.team_id, enterprise=installation.enterprise_id,
                    by=installation.user_id))


def build_oauth_flow(settings: Settings, deps: Deps, store: InstallationStore) -> PodbriefOAuthFlow:
    """The OAuth flow for multi-workspace mode (SLACK_CLIENT_ID and SLACK_CLIENT_SECRET set)."""
    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret,
        scopes=list(settings.slack_scopes),
        redirect_uri=settings.slack_redirect_uri,
        installation_store=store,
        installation_store_bot_only=True,  # Podbrief acts only as its bot; it asks for no user tokens
        state_store=oauth_state_store(deps.engine),
        state_expiration_seconds=STATE_EXPIRATION_SECONDS,
        callback_options=CallbackOptions(success=_installed, failure=_failed),
        logger=log,
    )
    return PodbriefOAuthFlow(client=deps.slack, settings=oauth_settings, deps=deps)


def _installed(args: SuccessArgs) -> BoltResponse:
    installation = args.installation
    open_url = f"https://slack.com/app_redirect?app={installation.app_id}&team={installation.team_id}"
    headers = {"Content-Type": _HTML, "Set-Cookie": [args.settings.state_utils.build_set_cookie_for_deletion()]}
    return BoltResponse(status=200, body=installed_page(installation.team_name, open_url), headers=headers)


def _failed(args: FailureArgs) -> BoltResponse:
    log.warning(kv("install_failed", reason=args.reason, error=type(args.error).__name__ if args.error else None))
    headers = {"Content-Type": _HTML, "Set-Cookie": [args.settings.state_utils.build_set_cookie_for_deletion()]}
    return BoltResponse(status=args.suggested_status_code, body=failure_page(args.reason), headers=headers)
