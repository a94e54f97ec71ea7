"""The HTML pages of the install flow: "Add to Slack", installed, and what went wrong.

Small self-contained pages (no external scripts, styles, fonts or images), so they render the
same behind any proxy, under a strict Content-Security-Policy and offline, and leak nothing to
third parties. The "Add to Slack" button is drawn here (Slack's logo as inline SVG) rather than
loaded from Slack's CDN, and nothing depends on an emoji font being installed.
"""

from __future__ import annotations

from html import escape

_STYLE = """
:root { color-scheme: light dark; }
body { margin: 0; font: 16px/1.5 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       background: #f8f8fa; color: #1d1c1d; }
main { max-width: 34rem; margin: 4rem auto; padding: 2rem 2.5rem; background: #fff; border-radius: 12px;
       box-shadow: 0 1px 3px rgba(0, 0, 0, .12); }
h1 { font-size: 1.6rem; margin: 0 0 .5rem; }
ul { padding-left: 1.2rem; }
a { color: #1264a3; }
code { font: .9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: .1em .3em;
       border-radius: 4px; background: rgba(29, 28, 29, .06); }
.button { display: inline-flex; align-items: center; gap: 12px; margin: 1rem 0; padding: 0 20px; height: 48px;
          border: 1px solid #ddd; border-radius: 6px; background: #fff; color: #1d1c1d; font-weight: 700;
          text-decoration: none; box-shadow: 0 1px 2px rgba(0, 0, 0, .08); }
.button:hover { box-shadow: 0 2px 6px rgba(0, 0, 0, .18); }
.button:focus-visible { outline: 3px solid #1264a3; outline-offset: 2px; }
.button svg { width: 20px; height: 20px; flex: none; }
.muted { color: #616061; font-size: .9rem; }
@media (max-width: 40rem) { main { margin: 0; padding: 1.5rem; border-radius: 0; box-shadow: none; } }
@media (prefers-color-scheme: dark) {  /* last, so that it overrides the rules above */
  body { background: #1a1d21; color: #e8e8e8; }
  main { background: #222529; box-shadow: none; }
  a { color: #1d9bd1; }
  code { background: rgba(232, 232, 232, .1); }
  .muted { color: #ababad; }
}
"""

#: Slack's logo on a 24-unit grid: four rounded bars, each with a rounded tab.
_SLACK_LOGO = """<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
<g fill="#36c5f0"><rect x="2" y="7" width="9" height="4" rx="2"/><rect x="7" y="2" width="4" height="4" rx="2"/>\
<rect x="7" y="4" width="4" height="2"/></g>
<g fill="#2eb67d"><rect x="13" y="2" width="4" height="9" rx="2"/><rect x="18" y="7" width="4" height="4" rx="2"/>\
<rect x="18" y="7" width="2" height="4"/></g>
<g fill="#ecb22e"><rect x="13" y="13" width="9" height="4" rx="2"/><rect x="13" y="18" width="4" height="4" rx="2"/>\
<rect x="13" y="18" width="4" height="2"/></g>
<g fill="#e01e5a"><rect x="7" y="13" width="4" height="9" rx="2"/><rect x="2" y="13" width="4" height="4" rx="2"/>\
<rect x="4" y="13" width="2" height="4"/></g>
</svg>"""

_FAILURES = {
    "access_denied": "The installation was cancelled, so nothing was changed in your workspace.",
    "invalid_browser": "This installation was started in another browser, or its link has expired. "
                       "Please start again from the install page.",
    "invalid_state": "This install link has expired or was already used. Please start again from the install page.",
    "missing_code": "Slack did not send an authorisation code. Please start again from the install page.",
    "invalid_code": "Slack did not accept the authorisation code (it may have expired). "
                    "Please start again from the install page.",
    "storage_error": "Podbrief could not save the installation. Please try again in a minute; "
                     "if it keeps failing, contact whoever runs this Podbrief server.",
}


def install_page(start_url: str) -> str:
    """The page at /slack/install: what Podbrief does and the "Add to Slack" button (to `start_url`)."""
    url = escape(start_url, quote=True)
    return _page("Add Podbrief to Slack", f"""
<h1>Podbrief</h1>
<p>The best podcast insights, in your team's Slack channels.</p>
<ul>
  <li><strong>/insights</strong> <em>query</em> finds short, attributed insights from new podcast episodes.</li>
  <li>A daily top-five digest per channel, at the channel's own time, on the topics it cares about.</li>
  <li>React with <code>:bookmark:</code> to save an insight for yourself; list, search and export what you saved.</li>
</ul>
<a class="button" id="add-to-slack" href="{url}">{_SLACK_LOGO}Add to Slack</a>
<p class="muted">Podbrief reads no conversation history: it sees the commands you send it, reactions
on its own messages, and the channels it is invited to.</p>""")


def busy_page() -> str:
    """Shown instead of sending the browser to Slack when too many installs were started just now."""
    return _page("Podbrief: please try again", """
<h1>Please try again in a minute</h1>
<p id="reason">Too many installations are being started on this Podbrief server right now.
Wait a minute, then start again from the install page.</p>
<p><a href="/slack/install">Back to the install page</a></p>""")


def installed_page(team_name: str | None, open_url: str) -> str:
    """Shown after a successful installation."""
    where = f" to {escape(team_name)}" if team_name else ""
    link = escape(open_url, quote=True)
    return _page("Podbrief is installed", f"""
<h1>Podbrief is installed{where}</h1>
<p>Next steps, in Slack:</p>
<ul>
  <li>Invite the bot to a channel: <code>/invite @Podbrief</code></li>
  <li>Choose its topics: <code>/insights topics add ai policy, climate</code></li>
  <li>Set the daily digest: <code>/insights digest at 9:00</code></li>
</ul>
<p><a id="open-slack" href="{link}">Open Slack</a></p>""")


def failure_page(reason: str) -> str:
    """Shown when the installation did not complete, with what to do next."""
    explanation = _FAILURES.get(reason, "The installation did not complete. Please start again from the install page.")
    return _page("Podbrief was not installed", f"""
<h1>Podbrief was not installed</h1>
<p id="reason">{escape(explanation)}</p>
<p><a href="/slack/install">Back to the install page</a></p>""")


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>{escape(title)}</title>
<style>{_STYLE}</style>
</head>
<body><main>{body}
</main></body>
</html>
"""
