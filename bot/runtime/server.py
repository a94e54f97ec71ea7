"""`podbrief run`: Socket Mode when an app-level token is set, otherwise HTTP."""

from __future__ import annotations

import logging
import sys
from urllib.error import URLError

from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.error import BoltError

from bot.app import build_app
from bot.config import Settings
from bot.deps import Deps
from bot.runtime.ops import serve_http, start_scheduler
from bot.runtime.ordered_work import OrderedWork
from bot.runtime.scheduler import build_jobs
from bot.runtime.transcribe_setup import transcription_for
from bot.startup import StartupError
from bot.workspaces.lifecycle import resume_single_workspace
from ingest.meaning.services import warm as warm_vectors

log = logging.getLogger("podbrief")
#: Python hands the GIL between threads every 5 ms by default; with searches running, the threads that
#: only parse a request and answer "200" would wait several such slices. 1 ms keeps those acks quick.
GIL_SWITCH_SECONDS = 0.001


def _scanning(settings: Settings) -> str:
    minutes = settings.scan_interval_minutes
    return f"; scanning feeds every {minutes} min" if minutes else "; feed scanning is off"


def serve(settings: Settings, deps: Deps) -> None:
    """Run until interrupted."""
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    try:
        app = build_app(settings, deps)
    except BoltError as error:
        raise StartupError(
            f"Slack rejected SLACK_BOT_TOKEN ({error}). Check the token under OAuth & Permissions, "
            "and that the app is installed to the workspace."
        ) from error
    except (URLError, OSError) as error:
        raise StartupError(f"Cannot reach the Slack Web API to check SLACK_BOT_TOKEN: {error}") from error
    if not settings.multi_workspace:
        resume_single_workspace(deps)
    if warm_vectors(deps.search_index, deps.sessions) is not None:  # searches meanwhile use the rows loaded so far
        log.info("Loading stored insight vectors for search by meaning in the background")
    transcription = transcription_for(settings)  # TRANSCRIBE=missing without the extra stops here, saying why
    scheduler = (build_jobs(deps, settings.scan_interval_minutes, purge_grace_days=settings.uninstall_grace_days,
                            transcription=transcription)
                 if settings.run_scheduler else None)
    scheduler_problem = start_scheduler(scheduler, deps)
    if scheduler is not None:
        log.info("Digest scheduler running in this process%s", _scanning(settings))
    try:
        if settings.socket_mode:
            log.info("Connecting to Slack in Socket Mode")
            SocketModeHandler(app, settings.slack_app_token).connect()  # type: ignore[no-untyped-call]  # slack_bolt leaves connect() unannotated
            serve_http(settings, deps, None, scheduler_problem)  # health and metrics only
            return
        serve_http(settings, deps, app, scheduler_problem)
    finally:
        OrderedWork.wait_all_idle(timeout=10)  # reactions acknowledged but not yet written, and their notes
        deps.background.close()  # waiting Home rebuilds are dropped: the next open of the tab reads anew
        if scheduler is not None:
            scheduler.shutdown(wait=False)
