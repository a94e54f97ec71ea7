"""`podbrief run`: Socket Mode when an app-level token is set, otherwise HTTP."""

from __future__ import annotations

import logging

from urllib.error import URLError

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError

from bot.app import build_app
from bot.bootstrap import StartupError
from bot.deps import Deps
from bot.http_server import EVENTS_PATH, HEALTH_PATH, build_wsgi_app, create_server
from bot.scheduler import build_scheduler
from bot.settings import Settings

log = logging.getLogger("podbrief")


def serve(settings: Settings, deps: Deps) -> None:
    """Run until interrupted."""
    try:
        app = build_app(settings, deps)
    except BoltError as error:
        raise StartupError(
            f"Slack rejected SLACK_BOT_TOKEN ({error}). Check the token under OAuth & Permissions, "
            "and that the app is installed to the workspace."
        ) from error
    except (URLError, OSError) as error:
        raise StartupError(f"Cannot reach the Slack Web API to check SLACK_BOT_TOKEN: {error}") from error
    scheduler = build_scheduler(deps.digests, deps.clock) if settings.run_scheduler else None
    if scheduler is not None:
        scheduler.start()
        log.info("Digest scheduler running in this process")
    try:
        if settings.socket_mode:
            log.info("Connecting to Slack in Socket Mode")
            SocketModeHandler(app, settings.slack_app_token).start()
            return
        server = create_server(build_wsgi_app(app, deps.engine), host="0.0.0.0", port=settings.port)
        log.info("Serving POST %s and GET %s on port %s", EVENTS_PATH, HEALTH_PATH, settings.port)
        try:
            server.run()
        except KeyboardInterrupt:
            log.info("Stopping")
        finally:
            server.close()
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
