"""Running a process's HTTP side and its scheduler with health checks and metrics.

Every long-running process serves `GET /healthz` and `GET /metrics` on `PORT`: the HTTP
app (with `POST /slack/events`), the Socket Mode app and `podbrief worker` (without it).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from slack_bolt import App

from bot.config import Settings
from bot.deps import Deps
from bot.runtime.http_server import EVENTS_PATH, HEALTH_PATH, METRICS_PATH, build_wsgi_app, create_server
from bot.runtime.job_monitor import JobMonitor
from bot.startup import StartupError

log = logging.getLogger("podbrief")


def start_scheduler(scheduler: BaseScheduler | None, deps: Deps) -> Callable[[], str | None] | None:
    """Start `scheduler` with its runs logged and counted; the health probe for it (None without one)."""
    if scheduler is None:
        return None
    monitor = JobMonitor(deps.metrics)
    monitor.attach(scheduler)
    scheduler.start()
    return monitor.scheduler_problem


def serve_http(settings: Settings, deps: Deps, app: App | None,
               scheduler_problem: Callable[[], str | None] | None) -> None:
    """Serve on `PORT` until interrupted: Slack requests when `app` is given, health and metrics always."""
    wsgi = build_wsgi_app(app, deps.engine, metrics=deps.metrics, scheduler_problem=scheduler_problem)
    server = _bind(wsgi, settings.port)
    paths = ([f"POST {EVENTS_PATH}"] if app is not None else []) + [f"GET {HEALTH_PATH}", f"GET {METRICS_PATH}"]
    log.info("Serving %s on port %s", ", ".join(paths), settings.port)
    try:
        server.run()
    except KeyboardInterrupt:
        log.info("Stopping")
    finally:
        server.close()


def run_worker(settings: Settings, deps: Deps, scheduler: BaseScheduler) -> None:
    """`podbrief worker`: the (background) scheduler, plus health and metrics on `PORT`."""
    problem = start_scheduler(scheduler, deps)
    try:
        serve_http(settings, deps, None, problem)
    finally:
        scheduler.shutdown(wait=False)


def _bind(wsgi: Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]], port: int) -> Any:
    try:
        return create_server(wsgi, host="0.0.0.0", port=port)
    except OSError as error:
        raise StartupError(
            f"Cannot listen on port {port} ({error.strerror or error}). Another process may be using it "
            "(e.g. `podbrief run` next to `podbrief worker` on one host): set PORT to a free port."
        ) from error
