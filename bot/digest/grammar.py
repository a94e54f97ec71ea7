"""The settings part of the `/insights` grammar: topics, digest, personal brief, workspace.

`parse_settings(text)` turns `topics add ai policy`, `digest at 7pm berlin`,
`me digest pause`, `settings restrict on`… into frozen command values, or into a
`SettingsUsageError` carrying a friendly message and the usage that would work. It
returns None for text that is not a settings command at all (a search).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import time

from rapidfuzz import process
from rapidfuzz.distance import OSA

from insights.schedule import DAY_NAMES, EVERY_DAY, WEEKDAYS
from insights.settings_values import ValueProblem, clean, parse_time, resolve_zone, split_topics

CMD = "/insights"  # renderers swap in the real command name
SETTINGS_WORDS = frozenset({"topics", "topic", "digest", "me", "settings"})
TOPICS_USAGE = ("topics", "topics add ai policy, semiconductors", "topics remove ai policy", "topics clear")
DIGEST_USAGE = (
    "digest", "digest at 8:30", "digest at 7pm berlin", "digest at 08:30 Europe/Berlin", "digest weekdays",
    "digest days mon wed fri", "digest daily", "digest pause", "digest resume", "digest thread on", "digest thread off",
    "digest preview", "digest now",
)
ME_USAGE = ("me", "me topics add ai policy", "me digest at 7:30", "me digest pause")
WORKSPACE_USAGE = ("settings", "settings restrict on", "settings restrict off")
_ON = frozenset({"on", "yes", "true", "enable", "enabled"})
_OFF = frozenset({"off", "no", "false", "disable", "disabled"})


@dataclass(frozen=True, slots=True)
class ShowTopics:
    personal: bool = False


@dataclass(frozen=True, slots=True)
class AddTopics:
    topics: tuple[str, ...]
    personal: bool = False


@dataclass(frozen=True, slots=True)
class RemoveTopics:
    topics: tuple[str, ...]
    personal: bool = False


@dataclass(frozen=True, slots=True)
class ClearTopics:
    personal: bool = False


@dataclass(frozen=True, slots=True)
class ShowDigest:
    personal: bool = False


@dataclass(frozen=True, slots=True)
class SetDigestTime:
    """`digest at 8:30 [zone]`; `zone` is an IANA name, or None for "the default"."""

    at: time
    zone: str | None = None
    personal: bool = False


@dataclass(frozen=True, slots=True)
class SetDays:
    """`digest daily|weekdays|days mon wed fri`: the local days of the week it goes out (0 is Monday)."""

    days: frozenset[int]
    personal: bool = False


@dataclass(frozen=True, slots=True)
class SetPaused:
    paused: bool
    personal: bool = False


@dataclass(frozen=True, slots=True)
class SetThreadMode:
    enabled: bool
    personal: bool = False


@dataclass(frozen=True, slots=True)
class PreviewDigest:
    personal: bool = False


@dataclass(frozen=True, slots=True)
class PostDigestNow:
    personal: bool = False


@dataclass(frozen=True, slots=True)
class ShowWorkspacePreferences:
    """`settings`: the workspace-wide choices."""


@dataclass(frozen=True, slots=True)
class SetRestriction:
    """`settings restrict on|off`: only admins and digest creators may change settings."""

    restricted: bool


@dataclass(frozen=True, slots=True)
class SettingsUsageError:
    """The text looked like a settings command but could not be read; `usage` shows what works."""

    message: str
    usage: tuple[str, ...]


TargetCommand = (
    ShowTopics | AddTopics | RemoveTopics | ClearTopics | ShowDigest | SetDigestTime | SetDays
    | SetPaused | SetThreadMode | PreviewDigest | PostDigestNow
)
SettingsCommand = TargetCommand | ShowWorkspacePreferences | SetRestriction | SettingsUsageError
SETTINGS_COMMANDS = (
    ShowTopics, AddTopics, RemoveTopics, ClearTopics, ShowDigest, SetDigestTime, SetDays, SetPaused,
    SetThreadMode, PreviewDigest, PostDigestNow, ShowWorkspacePreferences, SetRestriction, SettingsUsageError,
)


def is_settings_command(value: object) -> bool:
    return isinstance(value, SETTINGS_COMMANDS)


def parse_settings(text: str | None) -> SettingsCommand | None:
    """The settings command `text` asks for, None when it is not one (then it is a search)."""
    head, rest = _first_word(clean(text or ""))
    if head not in SETTINGS_WORDS:
        return None
    if head == "settings":
        return _workspace(rest)
    personal = head == "me"
    if personal:
        head, rest = _first_word(rest)
        if not head:
            return ShowDigest(personal=True)
    if head in ("topics", "topic"):
        return _topics(rest, personal)
    if head == "digest":
        return _digest(rest, personal)
    hint = _did_you_mean(f"{CMD} me", head, ("topics", "digest"))
    return _error(f"After `{CMD} me`, write `topics` or `digest`.{hint}", ME_USAGE)


def _topics(rest: str, personal: bool) -> SettingsCommand:
    verb, args = _first_word(rest)
    usage = _scoped(TOPICS_USAGE, personal)
    try:
        if verb in ("", "list", "show"):
            return ShowTopics(personal) if not args else _extra(verb, usage)
        if verb in ("add", "+"):
            return AddTopics(_some_topics(args, "add"), personal)
        if verb in ("remove", "rm", "delete", "del", "-"):
            return RemoveTopics(_some_topics(args, "remove"), personal)
        if verb in ("clear", "reset"):
            return ClearTopics(personal) if args.lower() in ("", "all") else _extra(verb, usage)
    except ValueProblem as problem:
        return _error(str(problem), usage)
    guess = _closest(verb, ("add", "remove", "clear", "list"))
    example = f"{usage[0]} {guess or 'add'} {_short(rest if guess is None else args)}".strip()
    lead = f"Did you mean `{CMD} {example}`?" if guess else f"To follow topics, write `{CMD} {example}`."
    return _error(lead, usage)


def _some_topics(args: str, verb: str) -> tuple[str, ...]:
    topics = split_topics(args)
    if not topics:
        raise ValueProblem(f"Which topics should I {verb}? Separate them with commas, e.g. `ai policy, semiconductors`.")
    return topics


def _digest(rest: str, personal: bool) -> SettingsCommand:
    verb, args = _first_word(rest)
    usage = _scoped(DIGEST_USAGE, personal)
    try:
        if verb in ("at", "time"):
            return _digest_time(args.split(), personal)
        if verb[:1].isdigit() or verb in ("noon", "midday", "midnight"):
            return _digest_time(rest.split(), personal)
    except ValueProblem as problem:
        return _error(str(problem), usage)
    if verb == "thread" or verb == "threads":
        return _thread(args, personal, usage)
    if verb in ("days", "day"):
        return _days(args, personal, usage)
    simple = _SIMPLE_DIGEST_VERBS.get(verb)
    if simple is not None:
        allowed_extra = _ALLOWED_EXTRA.get(verb, "")
        return simple(personal) if args.lower() in ("", allowed_extra) else _extra(verb, usage)
    guess = _closest(verb, (*_SIMPLE_DIGEST_VERBS, "at", "thread"))
    hint = f" Did you mean `{CMD} {usage[0]} {guess}{' ' + _short(args) if args else ''}`?" if guess else ""
    return _error(f"I don't know `{CMD} {usage[0]} {_short(verb)}`.{hint}", usage)


def _days(args: str, personal: bool, usage: tuple[str, ...]) -> SettingsCommand:
    """`days mon wed fri` (full names, plurals, commas and "and" too; `weekdays`/`daily` as words)."""
    example = f"`{CMD} {usage[0]} days mon wed fri`"
    words = [w for w in args.lower().replace(",", " ").split() if w not in ("and", "&")]
    if not words:
        return _error(f"Which days? e.g. {example}, or `{CMD} {usage[0]} weekdays` / `daily`.", usage)
    days: set[int] = set()
    for word in words:
        known = _DAY_WORDS.get(word)
        if known is None:
            guess = _closest(word, tuple(_DAY_WORDS))
            hint = f" Did you mean `{guess}`?" if guess else f" Write days like {example}."
            return _error(f"I don't know the day “{_short(word, 20)}”.{hint}", usage)
        days |= known
    return SetDays(frozenset(days), personal)


def _day_words() -> dict[str, frozenset[int]]:
    words: dict[str, frozenset[int]] = {"weekdays": WEEKDAYS, "weekday": WEEKDAYS, "workdays": WEEKDAYS,
                                        "daily": EVERY_DAY, "every": EVERY_DAY, "day": EVERY_DAY, "all": EVERY_DAY,
                                        "weekend": frozenset({5, 6}), "weekends": frozenset({5, 6})}
    extra = {"tue": ("tues",), "wed": ("weds",), "thu": ("thur", "thurs")}
    for number, name in enumerate(DAY_NAMES):
        full, short = name.lower(), name[:3].lower()
        for word in (full, full + "s", short, *extra.get(short, ())):
            words[word] = frozenset({number})
    return words


_DAY_WORDS = _day_words()


def _digest_time(words: list[str], personal: bool) -> SetDigestTime:
    at, rest = parse_time(words)
    zone = resolve_zone(" ".join(rest)) if rest else None
    return SetDigestTime(at, zone, personal)


def _thread(args: str, personal: bool, usage: tuple[str, ...]) -> SettingsCommand:
    choice = args.lower()
    if choice in _ON or choice in _OFF:
        return SetThreadMode(choice in _ON, personal)
    on, off = f"`{CMD} {usage[0]} thread on`", f"`{CMD} {usage[0]} thread off`"
    return _error(f"Write {on} (insights as replies in a thread) or {off}.", usage)


_SIMPLE_DIGEST_VERBS: dict[str, Callable[[bool], TargetCommand]] = {
    "": ShowDigest, "show": ShowDigest, "status": ShowDigest, "info": ShowDigest,
    "weekdays": lambda p: SetDays(WEEKDAYS, p), "weekday": lambda p: SetDays(WEEKDAYS, p),
    "workdays": lambda p: SetDays(WEEKDAYS, p), "daily": lambda p: SetDays(EVERY_DAY, p),
    "everyday": lambda p: SetDays(EVERY_DAY, p), "every": lambda p: SetDays(EVERY_DAY, p),
    "pause": lambda p: SetPaused(True, p), "stop": lambda p: SetPaused(True, p),
    "resume": lambda p: SetPaused(False, p), "unpause": lambda p: SetPaused(False, p),
    "start": lambda p: SetPaused(False, p),
    "off": lambda p: SetPaused(True, p), "on": lambda p: SetPaused(False, p),
    "preview": PreviewDigest, "now": PostDigestNow, "send": PostDigestNow, "post": PostDigestNow,
}
_ALLOWED_EXTRA = {"weekdays": "only", "weekday": "only", "every": "day", "send": "now", "post": "now"}


def _workspace(rest: str) -> SettingsCommand:
    verb, args = _first_word(rest)
    if not verb:
        return ShowWorkspacePreferences()
    if verb in ("restrict", "restricted", "restriction") and (args.lower() in _ON or args.lower() in _OFF):
        return SetRestriction(args.lower() in _ON)
    if verb in ("restrict", "restricted", "restriction"):
        return _error(f"Write `{CMD} settings restrict on` (only admins and the person who set a digest up "
                      f"can change it) or `{CMD} settings restrict off` (everyone can).", WORKSPACE_USAGE)
    hint = _did_you_mean(f"{CMD} settings", verb, ("restrict",))
    return _error(f"I don't know the workspace setting `{_short(verb)}`.{hint}", WORKSPACE_USAGE)


# ----------------------------------------------------------------------------- helpers
def _first_word(text: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition(" ")
    return first.lower(), rest.strip()


def _scoped(usage: tuple[str, ...], personal: bool) -> tuple[str, ...]:
    return tuple(f"me {line}" for line in usage) if personal else usage


def _extra(verb: str, usage: tuple[str, ...]) -> SettingsUsageError:
    return _error(f"`{CMD} {usage[0]} {verb}` takes nothing after it.", usage)


def _error(message: str, usage: tuple[str, ...]) -> SettingsUsageError:
    return SettingsUsageError(message, usage)


def _closest(word: str, options: tuple[str, ...]) -> str | None:
    """The option `word` is a likely typo of (one edit, two for long words), if any."""
    if len(word) < 2:
        return None
    allowed = 1 if len(word) <= 5 else 2
    hit = process.extractOne(word, options, scorer=OSA.distance, score_cutoff=allowed)
    return hit[0] if hit else None


def _did_you_mean(prefix: str, word: str, options: tuple[str, ...]) -> str:
    guess = _closest(word, options)
    return f" Did you mean `{prefix} {guess}`?" if guess else ""


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
