"""OAuth install states: the install page writes none, the "Add to Slack" click writes one
(at a bounded rate), and expired ones are purged on a schedule."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import text

from bot.runtime.scheduler import STATE_PURGE_JOB_ID, build_jobs
from bot.workspaces.installations import STATE_EXPIRATION_SECONDS
from bot.workspaces.oauth import STARTS_PER_MINUTE
from tests.scenario import multi_workspace
from tests.scenario.multi_workspace import STATE_COOKIE, MultiPodbrief, browser_get, install_link

# The fixtures these tests use, by the names pytest knows them by.
multi_fixture = multi_workspace.multi_fixture
standin_fixture = multi_workspace.standin_fixture


def _states(multi: MultiPodbrief) -> int:
    with multi.deps.engine.connect() as connection:
        return int(connection.execute(text("SELECT COUNT(*) FROM slack_oauth_states")).scalar_one())


def test_loading_the_install_page_writes_no_state(multi: MultiPodbrief) -> None:
    for _ in range(50):
        page = browser_get(multi.server.base_url, "/slack/install")
        assert page.status == 200 and "Add to Slack" in page.body
        assert page.cookie(STATE_COOKIE) is None
    assert _states(multi) == 0


def test_the_add_to_slack_click_issues_one_state_and_sends_the_browser_to_slack(multi: MultiPodbrief) -> None:
    link = install_link(browser_get(multi.server.base_url, "/slack/install"))
    assert link.startswith("/slack/install?"), link  # our own URL: the state is made only when it is clicked
    reply = browser_get(multi.server.base_url, link)
    assert reply.status == 302
    (location,) = reply.header_values("Location")
    assert location.startswith("https://slack.com/oauth/v2/authorize?")
    state = parse_qs(urlsplit(location).query)["state"][0]
    assert reply.cookie(STATE_COOKIE) == state
    assert _states(multi) == 1


def test_a_team_hint_survives_the_click(multi: MultiPodbrief) -> None:
    link = install_link(browser_get(multi.server.base_url, "/slack/install?team=T0ACME"))
    (location,) = browser_get(multi.server.base_url, link).header_values("Location")
    assert parse_qs(urlsplit(location).query)["team"] == ["T0ACME"]


def test_clicks_beyond_the_rate_limit_get_a_plain_page_and_write_nothing(multi: MultiPodbrief) -> None:
    link = install_link(browser_get(multi.server.base_url, "/slack/install"))
    statuses = [browser_get(multi.server.base_url, link).status for _ in range(STARTS_PER_MINUTE + 5)]
    assert statuses == [302] * STARTS_PER_MINUTE + [429] * 5
    refused = browser_get(multi.server.base_url, link)
    assert "Too many installations are being started" in refused.body and "Traceback" not in refused.body
    assert _states(multi) == STARTS_PER_MINUTE


def test_expired_states_are_purged_by_a_scheduled_job(multi: MultiPodbrief) -> None:
    link = install_link(browser_get(multi.server.base_url, "/slack/install"))
    for _ in range(3):
        assert browser_get(multi.server.base_url, link).status == 302
    with multi.deps.engine.begin() as connection:  # two of them issued long ago
        connection.execute(text("UPDATE slack_oauth_states SET expire_at = :old WHERE id IN "
                                "(SELECT id FROM slack_oauth_states ORDER BY id LIMIT 2)"),
                           {"old": "2000-01-01 00:00:00"})
    scheduler = build_jobs(multi.deps, 0, BackgroundScheduler())
    job = scheduler.get_job(STATE_PURGE_JOB_ID)
    assert job is not None and job.trigger.interval.total_seconds() <= STATE_EXPIRATION_SECONDS
    assert job.func(*job.args) == 2
    assert _states(multi) == 1
