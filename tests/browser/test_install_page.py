"""The install flow's pages as a browser shows them: headless Chromium against the real HTTP server."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, select, text

from bot.workspaces.install_pages import installed_page
from bot.workspaces.installations import STATE_EXPIRATION_SECONDS
from tests.browser.chromium import Chromium, Element, parse_dom, read_png
from tests.browser.conftest import CLIENT_ID, InstallServer

INSTALL = "/slack/install"
REDIRECT = "/slack/oauth_redirect"
SLACK_LOGO = {"blue": (0x36, 0xC5, 0xF0), "green": (0x2E, 0xB6, 0x7D), "yellow": (0xEC, 0xB2, 0x2E),
              "red": (0xE0, 0x1E, 0x5A)}


def _install_page(chromium: Chromium, server: InstallServer) -> tuple[Element, str]:
    """The rendered install page and the address its "Add to Slack" link points to."""
    dom = parse_dom(chromium.dump_dom(server.url(INSTALL)))
    link = dom.by_id("add-to-slack")
    assert link is not None and link.tag == "a", "no <a id=add-to-slack> on the install page"
    return dom, link.attrs["href"]


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args: object, **_kwargs: object) -> None:
        return None


def _click(server: InstallServer, href: str) -> tuple[str, str, str]:
    """Follow the "Add to Slack" link as the browser does: (Slack address it is sent to, its state, cookie)."""
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        opener.open(server.url(href), timeout=10)
    except urllib.error.HTTPError as redirect:
        assert redirect.code == 302, redirect.code
        location, cookie = redirect.headers["Location"], redirect.headers["Set-Cookie"]
        return location, parse_qs(urlsplit(location).query).get("state", [""])[0], cookie
    raise AssertionError("the Add to Slack link did not redirect to Slack")


def _stored_state_expiry(server: InstallServer, state: str) -> datetime | None:
    states = SQLAlchemyOAuthStateStore.build_oauth_states_table(MetaData(), "slack_oauth_states")
    with server.deps.engine.connect() as connection:
        expire_at: datetime | None = connection.execute(select(states.c.expire_at).where(states.c.state == state)).scalar()
    if expire_at is None:
        return None
    return expire_at if expire_at.tzinfo else expire_at.replace(tzinfo=UTC)  # slack_sdk stores UTC


def _count(server: InstallServer, table: str) -> int:
    with server.deps.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


def test_the_install_page_renders_an_add_to_slack_button_for_our_app(
    chromium: Chromium, install_server: InstallServer,
) -> None:
    dom, start = _install_page(chromium, install_server)

    assert [t.text for t in dom.find_all("title")] == ["Add Podbrief to Slack"]
    assert [h.text for h in dom.find_all("h1")] == ["Podbrief"]
    link = dom.by_id("add-to-slack")
    assert link is not None and link.text == "Add to Slack"
    assert start.startswith(INSTALL + "?"), "the button goes through our server, which issues the state"

    authorize_url, state, _ = _click(install_server, start)
    href = urlsplit(authorize_url)
    assert (href.scheme, href.netloc, href.path) == ("https", "slack.com", "/oauth/v2/authorize")
    query = parse_qs(href.query, keep_blank_values=True)
    assert query["client_id"] == [CLIENT_ID]
    scopes = query["scope"][0].split(",")
    assert sorted(scopes) == sorted(install_server.settings.slack_scopes) and len(scopes) == len(set(scopes))
    assert query.get("user_scope", [""]) == [""], "Podbrief acts only as its bot: it must ask for no user scopes"

    assert state, "the link carries no state"
    expire_at = _stored_state_expiry(install_server, state)
    assert expire_at is not None, f"state {state!r} was not issued by this server"
    now = datetime.now(UTC)
    assert now < expire_at <= now + timedelta(seconds=STATE_EXPIRATION_SECONDS + 5)

    # Self-contained: no scripts, and nothing fetched from another site (the button is drawn inline).
    assert dom.find_all("script") == []
    for element in dom.iter():
        loads = [element.attrs[name] for name in ("src", "srcset", "poster", "data") if name in element.attrs]
        if element.tag == "link":
            loads.append(element.attrs.get("href", ""))
        outside = [url for url in loads if not url.startswith("data:")]
        assert not outside, f"<{element.tag}> loads {outside}"


def test_each_click_issues_its_own_state_and_cookie_and_the_page_itself_none(
    chromium: Chromium, install_server: InstallServer,
) -> None:
    before = _count(install_server, "slack_oauth_states")
    _, start = _install_page(chromium, install_server)
    _install_page(chromium, install_server)
    assert _count(install_server, "slack_oauth_states") == before, "showing the page wrote a state"

    _, first, first_cookie = _click(install_server, start)
    _, second, second_cookie = _click(install_server, start)
    assert first and second and first != second
    assert _stored_state_expiry(install_server, first) is not None
    assert _stored_state_expiry(install_server, second) is not None

    # The same browser must come back with the state in a cookie, or the redirect is refused.
    for state, cookie in ((first, first_cookie), (second, second_cookie)):
        assert cookie.startswith(f"slack-app-oauth-state={state};") and "HttpOnly" in cookie


def test_the_install_page_paints_a_real_picture(
    chromium: Chromium, install_server: InstallServer, tmp_path: Path,
) -> None:
    shot = chromium.screenshot(install_server.url(INSTALL), tmp_path / "install-page.png", 1024, 768)
    assert shot.stat().st_size > 5_000, "the screenshot is suspiciously small"
    picture = read_png(shot)

    assert (picture.width, picture.height) == (1024, 768)
    assert len(picture.colours) > 50, f"only {len(picture.colours)} colours: a blank or nearly blank page"
    background, most = picture.colours.most_common(1)[0]
    assert most < 0.9 * picture.width * picture.height, f"{background} fills nearly the whole screen"
    assert picture.has_colour_near((0x1D, 0x1C, 0x1D), at_least=200), "no dark text painted"
    missing = [name for name, rgb in SLACK_LOGO.items() if not picture.has_colour_near(rgb)]
    assert not missing, f"the Add to Slack button's logo is not painted (no {', '.join(missing)})"


def test_a_cancelled_installation_says_so(chromium: Chromium, install_server: InstallServer) -> None:
    dom = parse_dom(chromium.dump_dom(install_server.url(f"{REDIRECT}?error=access_denied")))

    assert [h.text for h in dom.find_all("h1")] == ["Podbrief was not installed"]
    reason = dom.by_id("reason")
    assert reason is not None
    assert reason.text == "The installation was cancelled, so nothing was changed in your workspace."
    assert any(a.attrs.get("href") == INSTALL for a in dom.find_all("a")), "no way back to the install page"


@pytest.mark.parametrize("query", ["code=x&state=forged", ""])
def test_a_forged_redirect_shows_a_failure_page_and_installs_nothing(
    chromium: Chromium, install_server: InstallServer, query: str,
) -> None:
    dom = parse_dom(chromium.dump_dom(install_server.url(f"{REDIRECT}?{query}")))

    assert [h.text for h in dom.find_all("h1")] == ["Podbrief was not installed"]
    reason = dom.by_id("reason")
    assert reason is not None and "start again from the install page" in reason.text
    body = dom.find_all("body")[0].text
    assert not [word for word in ("Traceback", "Exception", "Internal Server Error", "forged") if word in body], body
    for table in ("slack_installations", "slack_bots"):
        assert _count(install_server, table) == 0, f"something was stored in {table}"
    with install_server.deps.engine.connect() as connection:
        assert connection.execute(text("SELECT COUNT(*) FROM workspaces WHERE installed_at IS NOT NULL")).scalar() == 0


def test_the_installed_page_renders_next_steps_and_escapes_the_team_name(chromium: Chromium, tmp_path: Path) -> None:
    page = tmp_path / "installed.html"
    page.write_text(installed_page("Acme <b>& Co</b>", "https://slack.com/app_redirect?app=A1&team=T1"),
                    encoding="utf-8")
    dom = parse_dom(chromium.dump_dom(page.as_uri()))

    assert [h.text for h in dom.find_all("h1")] == ["Podbrief is installed to Acme <b>& Co</b>"]
    assert dom.find_all("b") == [], "the team name was not escaped"
    assert "/invite @Podbrief" in [c.text for c in dom.find_all("code")]
    link = dom.by_id("open-slack")
    assert link is not None and link.attrs["href"] == "https://slack.com/app_redirect?app=A1&team=T1"
