"""waitress's queue-depth warning: a few lines per window under a burst, then how many were left out."""

from __future__ import annotations

import logging

import pytest

from bot.runtime.http_server import QueueWarnings, create_server


def test_a_burst_of_queue_warnings_logs_a_few_lines_then_says_how_many_were_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    queue_log = QueueWarnings(logging.getLogger("test.waitress.queue"), per_window=3, window=10.0,
                              clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="test.waitress.queue"):
        for depth in range(1, 1001):
            queue_log.warning("Task queue depth is %d", depth)
        now[0] = 10.0
        queue_log.warning("Task queue depth is %d", 7)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["Task queue depth is 1", "Task queue depth is 2", "Task queue depth is 3",
                     "Task queue depth is 7 (997 such warnings not logged)"]


def test_the_server_warns_through_the_limit() -> None:
    server = create_server(lambda _environ, _start: [b""], "127.0.0.1", 0, threads=1)
    try:
        assert isinstance(server.task_dispatcher.queue_logger, QueueWarnings)
    finally:
        server.close()
