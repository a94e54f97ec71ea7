"""Reading the values people type into settings commands: times, time zones and topic lists.

Pure functions; each raises `ValueProblem` with a message fit to show the person.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from datetime import datetime, time
from functools import cache
from zoneinfo import ZoneInfo

from rapidfuzz import process
from rapidfuzz.distance import OSA

from insights.schedule import DAY_NAMES, EVERY_DAY, WEEKDAYS, is_valid_timezone, timezone_names
from insights.targets import MAX_TOPICS
from insights.topics import normalise_topic

MAX_TOPIC_LENGTH = 60
TIME_EXAMPLES = "`8:30`, `08:30`, `7pm` or `18:00`"
ZONE_EXAMPLES = "`berlin`, `new york`, `Europe/Berlin`, `America/New_York` or `UTC`"
_AM_PM = {"am": "am", "a.m.": "am", "pm": "pm", "p.m.": "pm"}
_NAMED_TIMES = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
_CLOCK = re.compile(r"(?P<hour>\d{1,2})(?:[:.h]?(?P<minute>\d+))?(?P<ampm>am|pm|a\.m\.|p\.m\.)?")
_UTC_WORDS = frozenset({"utc", "gmt", "z", "zulu", "universal", "etc/utc", "etc/gmt"})
#: Big cities that have no zone of their own in the IANA database.
_CITY_ALIASES = {
    "nyc": "America/New_York", "boston": "America/New_York", "washington": "America/New_York",
    "atlanta": "America/New_York", "miami": "America/New_York", "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles", "seattle": "America/Los_Angeles", "la": "America/Los_Angeles",
    "austin": "America/Chicago", "dallas": "America/Chicago", "houston": "America/Chicago",
    "munich": "Europe/Berlin", "frankfurt": "Europe/Berlin", "hamburg": "Europe/Berlin",
    "bangalore": "Asia/Kolkata", "bengaluru": "Asia/Kolkata", "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata", "new delhi": "Asia/Kolkata", "beijing": "Asia/Shanghai",
}
_CANONICAL_REGIONS = frozenset(
    {"Africa", "America", "Antarctica", "Arctic", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
)
_SKIPPED_REGIONS = frozenset({"Etc", "SystemV", "posix", "right"})


class ValueProblem(ValueError):
    """What someone typed cannot be used; the message says why and what would work."""


# ----------------------------------------------------------------------------- text
def clean(text: str) -> str:
    """Compatibility-normalised text without control or invisible characters, spaces collapsed."""
    normal = unicodedata.normalize("NFKC", text)
    visible = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in normal
                      if unicodedata.category(c) != "Cf")
    return " ".join(visible.split())


# ----------------------------------------------------------------------------- times
def parse_time(words: list[str]) -> tuple[time, list[str]]:
    """The time at the start of `words` ("8:30", "7 pm", "noon"…) and the words after it."""
    if not words:
        raise ValueProblem(f"What time should it arrive? For example {TIME_EXAMPLES}.")
    first, rest = words[0].lower(), words[1:]
    if first in _NAMED_TIMES:
        return _NAMED_TIMES[first], rest
    if rest and rest[0].lower() in _AM_PM:
        first, rest = first + rest[0].lower(), rest[1:]
    match = _CLOCK.fullmatch(first)
    if match is None:
        raise ValueProblem(f"I couldn't read “{_short(words[0])}” as a time. Try {TIME_EXAMPLES}.")
    return _clock_time(match), rest


def _clock_time(match: re.Match[str]) -> time:
    """The hour is checked first, so every example offered is a time that would be accepted."""
    hour, minute_text, ampm = int(match["hour"]), match["minute"], _AM_PM.get(match["ampm"] or "")
    if ampm and not 1 <= hour <= 12:
        raise ValueProblem("With am/pm the hour goes from 1 to 12, e.g. `7pm`; or use 24-hour time like `19:00`.")
    if not ampm and hour > 23:
        hint = " (for midnight, use `0:00`)" if hour == 24 else ""
        raise ValueProblem(f"There is no hour {hour}: hours go from 0 to 23{hint}, e.g. `18:00` or `6pm`.")
    suffix = ampm or ""
    if minute_text is not None and len(minute_text) != 2:
        raise ValueProblem(f"Write the minutes with two digits, e.g. `{hour}:05{suffix}` or `{hour}:30{suffix}`.")
    minute = int(minute_text or 0)
    if minute > 59:
        raise ValueProblem(f"There is no minute {minute}: minutes go from 00 to 59, e.g. `{hour}:30{suffix}`.")
    if ampm:
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return time(hour, minute)


# ----------------------------------------------------------------------------- zones
def resolve_zone(typed: str) -> str:
    """The IANA zone meant by `typed`: an IANA name, a city ("berlin", "new york") or a close typo of one."""
    key = _zone_key(typed)
    if key in _UTC_WORDS:
        return "UTC"
    if key in _CITY_ALIASES:
        return _CITY_ALIASES[key]
    names, cities = _zone_index()
    table = names if "/" in key else cities
    if key in table:
        return _one_zone(typed, table[key])
    allowed = 1 if len(key) <= 5 else 2
    hits = [] if len(key) > 64 else process.extract(key, list(table), scorer=OSA.distance, score_cutoff=allowed, limit=None)
    if not hits:
        raise ValueProblem(f"I don't know the time zone “{_short(typed)}”. Use a city or an IANA name, e.g. {ZONE_EXAMPLES}.")
    best = min(distance for _, distance, _ in hits)
    zones = frozenset().union(*(table[name] for name, distance, _ in hits if distance == best))
    return _one_zone(typed, zones)


def _one_zone(typed: str, zones: frozenset[str]) -> str:
    """The zone among equivalent candidates (links of each other), or a question when they differ."""
    behaviours = {_behaviour(z) for z in zones}
    if len(behaviours) > 1:
        options = " or ".join(f"`{z}`" for z in sorted(zones)[:4])
        raise ValueProblem(f"“{_short(typed)}” could mean {options}. Which one? Write the full name, e.g. `{min(zones)}`.")
    return min(zones, key=lambda z: (z.split("/")[0] not in _CANONICAL_REGIONS, -z.count("/"), z))


def _behaviour(zone: str) -> tuple[object, ...]:
    """UTC offsets in January and July: zones that agree behave the same for a digest."""
    info = ZoneInfo(zone)
    return tuple(datetime(2025, month, 15, 12, tzinfo=info).utcoffset() for month in (1, 7))


def _zone_key(text: str) -> str:
    return " ".join(clean(text).lower().replace("_", " ").split()).removeprefix("in ").strip()


@cache
def _zone_index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Zone names by their normalised full name, and by their city (the part after the last "/")."""
    names: dict[str, set[str]] = defaultdict(set)
    cities: dict[str, set[str]] = defaultdict(set)
    for zone in timezone_names():
        if "/" not in zone or not is_valid_timezone(zone) or zone.split("/")[0] in _SKIPPED_REGIONS:
            continue
        names[_zone_key(zone)].add(zone)
        cities[_zone_key(zone.rsplit("/", 1)[1])].add(zone)
    return _frozen(names), _frozen(cities)


def _frozen(table: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    return {key: frozenset(zones) for key, zones in table.items()}


# ----------------------------------------------------------------------------- topics
def split_topics(text: str) -> tuple[str, ...]:
    """Distinct topics in a comma- or semicolon-separated list (normalised as the domain does),
    checked for length and count; pieces without any word (emoji, punctuation) are skipped."""
    topics: list[str] = []
    for piece in re.split(r"[,;\n]+", text):
        typed = clean(piece)
        if len(typed) > MAX_TOPIC_LENGTH:
            raise ValueProblem(
                f"“{_short(typed)}” is too long for a topic ({MAX_TOPIC_LENGTH} characters at most). "
                "A few words work best, e.g. `ai policy`."
            )
        topic = normalise_topic(typed)
        if topic and topic not in topics:
            topics.append(topic)
    if len(topics) > MAX_TOPICS:
        raise ValueProblem(f"That's {len(topics)} topics; a digest can follow at most {MAX_TOPICS}.")
    return tuple(topics)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def days_phrase(days: frozenset[int]) -> str:
    """How a day set reads in a sentence: "every day", "on weekdays (Monday to Friday)",
    "on Mondays, Wednesdays and Fridays"."""
    if days >= EVERY_DAY:
        return "every day"
    if days == WEEKDAYS:
        return "on weekdays only (Monday to Friday)"
    names = [DAY_NAMES[d] + "s" for d in sorted(days)]
    return "on " + (", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0])
