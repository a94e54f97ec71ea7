"""Refused requests are logged at a bounded rate, and the next line says how many were left out."""

from __future__ import annotations

from bot.runtime.rate_limit import WindowLimit


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_what_is_beyond_the_limit_is_refused_and_counted_in_the_next_window() -> None:
    clock = Clock()
    limit = WindowLimit(per_window=3, window=60, clock=clock)
    assert [limit.admit() for _ in range(5)] == [0, 0, 0, None, None]
    clock.now = 61
    assert limit.admit() == 2
    assert limit.admit() == 0


def test_bolts_line_with_the_body_of_a_badly_signed_request_is_dropped() -> None:
    import logging

    from slack_bolt.middleware.request_verification import RequestVerification

    from bot.runtime import bolt_fixes

    bolt_fixes.install()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]  # a recording handler, for this test
    verification = RequestVerification("secret")
    verification.logger.addHandler(handler)
    verification.logger.setLevel(logging.DEBUG)
    try:
        verification._debug_log_error("v0=00", "0", "text=confidential+merger")
    finally:
        verification.logger.removeHandler(handler)
    assert records == []


def test_bolts_unhandled_request_warning_keeps_no_payload() -> None:
    import logging

    from bot.runtime import bolt_fixes

    bolt_fixes.install()
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append  # type: ignore[method-assign,assignment]  # a recording handler, for this test
    app_log = logging.getLogger("slack_bolt.App")
    app_log.addHandler(handler)
    try:
        app_log.warning("Unhandled request ({'type': 'view_submission', 'submission': 'confidential merger'})")
    finally:
        app_log.removeHandler(handler)
    (record,) = records
    assert record.getMessage() == "Unhandled request (body not logged)"


def test_the_logger_bolt_hands_each_request_is_the_app_s_own_configured_from_its_base() -> None:
    import logging

    import slack_bolt.app.app as bolt_app

    from bot.runtime import bolt_fixes

    bolt_fixes.install()
    base = logging.getLogger("podbrief.test_base_logger")
    base.setLevel(logging.WARNING)
    first = bolt_app.get_bolt_app_logger(app_name="podbrief-test-app", base_logger=base)
    again = bolt_app.get_bolt_app_logger(app_name="podbrief-test-app", base_logger=base)
    assert first is again is logging.getLogger("podbrief-test-app")
    assert first.level == logging.WARNING
