"""waitress's queue-depth warning: a few lines per window under a burst, then how many were left out."""

from __future__ import annotations

import logging

import pytest

from bot.runtime.http_server import QueueWarningLimit


def test_a_burst_of_queue_warnings_logs_a_few_lines_then_says_how_many_were_left_out(
    caplog: pytest.LogCaptureFixture,
) -> None:
    now = [0.0]
    limit = QueueWarningLimit(per_window=3, window=10.0, clock=lambda: now[0])
    queue_log = logging.getLogger("test.waitress.queue")
    queue_log.addFilter(limit)
    try:
        with caplog.at_level(logging.WARNING, logger="test.waitress.queue"):
            for depth in range(1, 1001):
                queue_log.warning("Task queue depth is %d", depth)
            now[0] = 10.0
            queue_log.warning("Task queue depth is %d", 7)
    finally:
        queue_log.removeFilter(limit)
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["Task queue depth is 1", "Task queue depth is 2", "Task queue depth is 3",
                     "Task queue depth is 7 (997 such warnings not logged)"]
