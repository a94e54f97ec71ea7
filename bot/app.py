"""Building the Bolt app: Web API client with retry handlers, listeners attached."""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App
from slack_bolt.lazy_listener.thread_runner import ThreadLazyListenerRunner
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.config import Settings
from bot.deps import Deps
from bot.listeners import register_all
from bot.runtime import bolt_fixes, request_thread
from bot.runtime.replay_guard import RejectReplays
from bot.shared.slack_http import PooledWebClient
from bot.workspaces.oauth import build_oauth_flow

#: Threads answering slash commands after their ack (searches are CPU-bound: more would only contend).
ANSWER_THREADS = 4


def build_client(settings: Settings) -> WebClient:
    """A Web API client that honours Retry-After and retries server errors and dropped connections,
    over kept connections (`bot.shared.slack_http`).

    In multi-workspace mode it has no token: Bolt and `WorkspaceClients` copy it with each workspace's.
    """
    return PooledWebClient(
        token=settings.slack_bot_token,
        base_url=settings.slack_api_url or WebClient.BASE_URL,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def build_app(settings: Settings, deps: Deps, *, verify_token: bool = True) -> App:
    """The Bolt app with every listener registered (and the OAuth install flow in multi-workspace mode)."""
    bolt_fixes.install()
    oauth_flow = build_oauth_flow(settings, deps, deps.installations) if deps.installations is not None else None
    app = App(
        client=deps.slack,
        signing_secret=settings.slack_signing_secret or "",
        oauth_flow=oauth_flow,
        request_verification_enabled=not settings.socket_mode,
        token_verification_enabled=verify_token and oauth_flow is None,
        logger=logging.getLogger("podbrief.bolt"),
        # Bolt's default is 5 threads; reaction bursts and slash commands wait on the database.
        listener_executor=ThreadPoolExecutor(max_workers=16, thread_name_prefix="bolt-listener"),
    )
    # Lazy listeners (the slow part of /insights) get their own threads, so acks never queue behind them.
    lazy_runner = app.listener_runner.lazy_listener_runner
    assert isinstance(lazy_runner, ThreadLazyListenerRunner), "the sync App runs lazy listeners on threads"
    lazy_runner.executor = ThreadPoolExecutor(max_workers=ANSWER_THREADS, thread_name_prefix="bolt-answer")
    request_thread.install(app)  # listeners marked `on_request_thread` (lookups' ack, reactions) skip the hand-off
    if not settings.socket_mode:
        app.use(RejectReplays())  # after Bolt's signature check: only verified signatures are remembered
    register_all(app, deps)
    return app
