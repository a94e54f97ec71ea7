"""The feeds part of the `/insights` grammar: `feeds add|list|search|remove`, `settings feeds open|admins`.

`parse_feeds(text)` turns what a person typed into a frozen command value, a
`FeedsError` (a friendly message plus the usage that works), or None when the text
is not a feeds command at all. Slack wraps links in command text as `<https://…>`
or `<https://…|label>` and escapes `&`, `<`, `>`; `unwrap_url` undoes both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.shared.ids import parse_id

CMD = "/insights"  # renderers swap in the real command name
FEEDS_USAGE = (
    "feeds list",
    "feeds search hard fork",
    "feeds add https://example.com/podcast.xml",
    "feeds remove https://example.com/podcast.xml",
    "feeds remove 3",
)
ACCESS_USAGE = ("settings feeds", "settings feeds open", "settings feeds admins")
#: At most this many feeds per `feeds add` (each is fetched once, one after the other).
MAX_URLS_PER_ADD = 10
MAX_URL_LENGTH = 2000  # what the feeds table stores
MAX_SEARCH_LENGTH = 200  # `feeds search` terms sent to the podcast directory
_VERBS = {
    "": "list", "list": "list", "ls": "list", "show": "list", "status": "list",
    "add": "add", "follow": "add", "subscribe": "add", "+": "add",
    "remove": "remove", "rm": "remove", "delete": "remove", "del": "remove", "unfollow": "remove",
    "unsubscribe": "remove", "-": "remove",
    "help": "help", "?": "help",
    "search": "search", "find": "search", "lookup": "search",
}
_OPEN = frozenset({"open", "everyone", "all", "anyone", "on"})
_ADMINS = frozenset({"admins", "admin", "admins-only", "closed", "restricted", "restrict", "off"})
_SLACK_LINK = re.compile(r"^<([^<>|]*)(?:\|[^<>]*)?>$")
_TOKENS = re.compile(r"<[^<>]*>|[^\s<>]+")  # a Slack-wrapped link (its label may hold spaces) or a word


@dataclass(frozen=True, slots=True)
class ListFeeds:
    """`feeds` or `feeds list`."""


@dataclass(frozen=True, slots=True)
class AddFeeds:
    """`feeds add URL [URL…]`; `rejected` holds (what was typed, why it is not a feed URL)."""

    urls: tuple[str, ...]
    rejected: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SearchFeeds:
    """`feeds search TERMS`: podcasts by name from the podcast directory, each with a Follow button."""

    terms: str


@dataclass(frozen=True, slots=True)
class RemoveFeed:
    """`feeds remove URL|ID`: `target` is the URL or the id (digits)."""

    target: str


@dataclass(frozen=True, slots=True)
class ShowFeedsHelp:
    """`feeds help`."""


@dataclass(frozen=True, slots=True)
class ShowFeedsAccess:
    """`settings feeds`: who may manage feeds."""


@dataclass(frozen=True, slots=True)
class SetFeedsAccess:
    """`settings feeds open|admins`: everyone, or only workspace admins and owners, manage feeds."""

    open_to_all: bool


@dataclass(frozen=True, slots=True)
class FeedsError:
    """The text looked like a feeds command but could not be read; `usage` shows what works."""

    message: str
    usage: tuple[str, ...] = FEEDS_USAGE


FeedsCommand = (ListFeeds | AddFeeds | SearchFeeds | RemoveFeed | ShowFeedsHelp | ShowFeedsAccess | SetFeedsAccess
                | FeedsError)
FEEDS_COMMANDS = (ListFeeds, AddFeeds, SearchFeeds, RemoveFeed, ShowFeedsHelp, ShowFeedsAccess, SetFeedsAccess,
                  FeedsError)


def is_feeds_command(value: object) -> bool:
    return isinstance(value, FEEDS_COMMANDS)


def parse_feeds(text: str | None) -> FeedsCommand | None:
    """The feeds command `text` asks for; None when it is not one."""
    head, rest = _first_word(text or "")
    if head == "settings":
        second, args = _first_word(rest)
        return _access(args) if second in ("feeds", "feed") else None
    if head != "feeds":  # not "feed": `/insights feed the world` stays a search
        return None
    verb, args = _first_word(rest)
    action = _VERBS.get(verb)
    if action == "list" or action == "help":
        if args:
            return FeedsError(f"`{CMD} feeds {verb}` takes nothing after it.")
        return ListFeeds() if action == "list" else ShowFeedsHelp()
    if action == "add":
        return _add(args)
    if action == "remove":
        return _remove(args)
    if action == "search":
        return parse_search_terms(args)
    if unwrap_url(verb) is not None:  # `feeds https://…`: they meant add
        return FeedsError(f"To follow that feed, write `{CMD} feeds add {_short(unwrap_url(verb) or verb)}`.")
    guess = _closest(verb, ("add", "list", "search", "remove"))
    hint = f" Did you mean `{CMD} feeds {guess}{' …' if args else ''}`?" if guess else ""
    return FeedsError(f"I don't know `{CMD} feeds {_short(verb)}`.{hint}")


def unwrap_url(word: str) -> str | None:
    """The http(s) URL in `word` (bare, or as Slack wraps it), or None when it is not one."""
    word = word.strip()
    if (wrapped := _SLACK_LINK.match(word)) is not None:
        word = wrapped.group(1)
    url = word.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return url if url_problem(url) is None else None


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a feed address, or None when it can."""
    if any(c.isspace() or c in "<>|\"" for c in url) or not url:
        return "it is not a web address"
    if not url.isprintable():  # NUL and other control or invisible (format) characters
        return "it contains a control or invisible character"
    if len(url) > MAX_URL_LENGTH:
        return f"it is longer than {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        return "it is not a valid web address"
    if parts.scheme.lower() not in ("http", "https"):
        if not parts.scheme or "." in parts.scheme:
            return "it is not a web address (it should start with https://)"
        return f"only http and https addresses can be feeds, not {parts.scheme}:"
    host = parts.hostname or ""
    if not host or ("." not in host and ":" not in host and host != "localhost"):
        return "it has no proper host name (like example.com)"
    return None


def _add(args: str) -> FeedsCommand:
    words = _words(args)
    if not words:
        return FeedsError(f"Which feed should I follow? Write `{CMD} feeds add` and the feed's address.")
    urls: list[str] = []
    rejected: list[tuple[str, str]] = []
    for word in words:
        url = unwrap_url(word)
        if url is None:
            shown = _SLACK_LINK.sub(r"\1", word)
            rejected.append((_short(shown), url_problem(shown) or "it is not a web address"))
        elif url not in urls:
            urls.append(url)
    if len(urls) > MAX_URLS_PER_ADD:
        return FeedsError(f"That is {len(urls)} feeds; add at most {MAX_URLS_PER_ADD} at a time "
                          "(or import an OPML file with `podbrief feeds import`).")
    if not urls:
        typed, why = rejected[0]
        return FeedsError(f"`{typed}` is not a feed address: {why}.")
    return AddFeeds(tuple(urls), tuple(rejected))


def parse_search_terms(args: str) -> SearchFeeds | FeedsError:
    """`feeds search` terms, one line of words (a Slack-wrapped link keeps its label), or why not."""
    terms = " ".join(_SLACK_LINK.sub(lambda m: m.group(0)[1:-1].split("|")[-1], word) for word in args.split())
    terms = terms.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
    if not terms:
        return FeedsError(f"Which podcast should I look for? Write `{CMD} feeds search` and its name, "
                          f"like `{CMD} feeds search hard fork`.")
    if len(terms) > MAX_SEARCH_LENGTH:
        return FeedsError(f"That search is {len(terms)} characters long; a podcast's name or a few words "
                          f"(at most {MAX_SEARCH_LENGTH} characters) work best.")
    if not terms.isprintable():
        return FeedsError("That search contains a control or invisible character; type the podcast's name.")
    return SearchFeeds(terms)


def _remove(args: str) -> FeedsCommand:
    words = _words(args)
    if len(words) != 1:
        which = "Which feed" if not words else "One feed at a time, please. Which one"
        return FeedsError(f"{which} should I stop following? Give its address or its id from `{CMD} feeds list`.")
    word = words[0].lstrip("#")
    if (feed_id := parse_id(word)) is not None:
        return RemoveFeed(str(feed_id))
    url = unwrap_url(words[0])
    if url is None:
        return FeedsError(f"`{_short(words[0])}` is neither a feed address nor an id from `{CMD} feeds list`.")
    return RemoveFeed(url)


def _access(args: str) -> FeedsCommand:
    choice = args.strip().lower()
    if not choice:
        return ShowFeedsAccess()
    if choice in _OPEN:
        return SetFeedsAccess(True)
    if choice in _ADMINS:
        return SetFeedsAccess(False)
    return FeedsError(f"Write `{CMD} settings feeds open` (everyone can add and remove feeds) or "
                      f"`{CMD} settings feeds admins` (only workspace admins and owners can).", ACCESS_USAGE)


def _words(args: str) -> list[str]:
    """Whitespace-separated words (a trailing comma dropped), keeping a Slack-wrapped link whole."""
    return [w for w in (t.rstrip(",") for t in _TOKENS.findall(args)) if w]


def _first_word(text: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition(" ")
    return first.lower(), rest.strip()


def _closest(word: str, options: tuple[str, ...]) -> str | None:
    if len(word) < 2:
        return None
    hit = process.extractOne(word, options, scorer=OSA.distance, score_cutoff=1 if len(word) <= 5 else 2)
    return hit[0] if hit else None


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
