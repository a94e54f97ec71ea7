"""Slack mrkdwn from hostile text: the one set of helpers every renderer uses for third-party text.

Insight text, quotes, podcast, episode and feed titles, topics and anything else a feed,
transcript or import file wrote go through `escape` (running text) or `name` (a title shown
bold or as a link label) before they reach any mrkdwn field, the ``text`` fallback included.
`bot.shared.outgoing` then checks every message once more before it is sent.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

#: Characters that open or close mrkdwn formatting, and harmless lookalikes shown instead inside names,
#: so `Real* · *The Economist` cannot close the bold podcast name and open a fake one.
_FORMATTING = str.maketrans({"*": "∗", "_": "ˍ", "~": "∼", "`": "ˋ"})
_SPACES = re.compile(r"\s+")
#: A partial HTML entity at the end of a clipped string (`&am`), which Slack would show raw.
_PARTIAL_ENTITY = re.compile(r"&[a-zA-Z#0-9]{0,6}$")
#: A host name in a label: labels (dot-separated, any script) ending in a top-level domain of letters.
_HOST = re.compile(r"(?<![\w.-])((?:[^\W_](?:[\w-]{0,61}[^\W_])?[.．。｡])+[^\W\d_]{2,63})(?![\w-])")
_SCHEME = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://|\bwww[.．。｡]|\bmailto:", re.IGNORECASE)


def escape(text: str) -> str:
    """Escape the three characters Slack's mrkdwn treats as control characters (`&`, `<`, `>`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def name(text: str) -> str:
    """A third-party name (podcast, episode, feed title) on one line, escaped, unable to fake formatting."""
    return escape(_SPACES.sub(" ", text).strip().translate(_FORMATTING))


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending in "…" when shortened; never ends inside an entity such as `&amp;`."""
    if len(text) <= limit:
        return text
    head = text[: max(limit - 1, 0)]
    return _PARTIAL_ENTITY.sub("", head).rstrip() + "…"


def host_of(url: str) -> str:
    """The lower-case host of a URL ('' when there is none)."""
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _same_site(named: str, host: str) -> bool:
    named = re.sub(r"[．。｡]", ".", named.lower())
    return bool(host) and (host == named or host.endswith("." + named) or named.endswith("." + host))


def honest_label(url: str, label: str) -> bool:
    """False when a link label looks like a URL, or names a host other than the link's own."""
    if _SCHEME.search(label):
        return False
    host = host_of(url)
    return all(_same_site(found, host) for found in _HOST.findall(label))


def linkable(url: str | None) -> bool:
    """Whether a URL may be embedded in a mrkdwn link at all."""
    return bool(url) and str(url).startswith(("http://", "https://")) and not any(c in str(url) for c in "|<> \n")


def link_token(url: str, label_mrkdwn: str) -> str:
    """`<url|label>` for a label already in mrkdwn; a label that would disguise the link is shown beside it."""
    target = url.replace("&", "&amp;")
    shown = label_mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if honest_label(url, shown):
        return f"<{target}|{label_mrkdwn}>"
    if shown.strip() in (url, url.split("://", 1)[-1]):  # labelled with its own address: Slack shows it as is
        return f"<{target}>"
    return f"{label_mrkdwn} (<{target}|{escape(host_of(url)) or 'link'}>)"


def link(url: str | None, label: str) -> str:
    """A mrkdwn link labelled with a third-party name, or the bare name when the URL is missing or unsafe."""
    shown = name(label)
    if not url or not linkable(url):
        return shown
    return link_token(url, shown)
