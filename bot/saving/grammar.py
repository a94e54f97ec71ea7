"""The saved-insights part of the `/insights` grammar.

`saved`, `saved <query>`, `saved export`, `forget me`, and the two workspace settings
of react-to-save: `settings save-emojis bookmark, pushpin` and `settings confirmations on|off`.
`parse_saved(text)` returns None for anything else (then the other grammars decide).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from insights.settings_values import clean

MAX_SAVE_EMOJIS = 10
#: Reactions that mean "more like this" / "less like this" (with or without a skin tone).
THUMBS_UP = frozenset({"+1", "thumbsup", "thumbs_up"})
THUMBS_DOWN = frozenset({"-1", "thumbsdown", "thumbs_down"})
_EMOJI_NAME = re.compile(r"^[a-z0-9_+\-']{1,64}$")
_EMOJI_WORDS = frozenset({"save-emojis", "save-emoji", "save_emojis", "saveemojis", "save-emojys", "emojis", "emoji"})
_CONFIRM_WORDS = frozenset({"confirmations", "confirmation", "confirm", "save-confirmations"})
_ON = frozenset({"on", "yes", "true", "enable", "enabled"})
_OFF = frozenset({"off", "no", "false", "disable", "disabled"})


@dataclass(frozen=True, slots=True)
class ListSaved:
    """`saved`: the newest first, a page at a time."""

    offset: int = 0


@dataclass(frozen=True, slots=True)
class SearchSaved:
    """`saved <query>` (or `saved search <query>` for a word like "export")."""

    query: str


@dataclass(frozen=True, slots=True)
class ExportSaved:
    """`saved export`: Markdown and CSV files by DM."""


@dataclass(frozen=True, slots=True)
class ForgetMe:
    """`forget me`: asks for a confirmation first."""


@dataclass(frozen=True, slots=True)
class SetSaveEmojis:
    """`settings save-emojis a, b`; no emojis: show the current ones."""

    emojis: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SetConfirmations:
    enabled: bool


@dataclass(frozen=True, slots=True)
class SavedUsageError:
    """Looked like one of these commands but could not be read."""

    message: str


SavedCommand = ListSaved | SearchSaved | ExportSaved | ForgetMe | SetSaveEmojis | SetConfirmations | SavedUsageError
SAVED_COMMANDS = (ListSaved, SearchSaved, ExportSaved, ForgetMe, SetSaveEmojis, SetConfirmations, SavedUsageError)


def is_saved_command(value: object) -> bool:
    return isinstance(value, SAVED_COMMANDS)


def parse_saved(text: str | None) -> SavedCommand | None:
    """The saved-insights command `text` asks for, or None when it is none of them."""
    head, rest = _first_word(clean(text or ""))
    if head == "saved":
        return _saved(rest)
    if head == "forget":
        if rest.lower() == "me":
            return ForgetMe()
        return SavedUsageError("To delete what Podbrief stores about you, write `/insights forget me`.")
    if head == "settings":
        verb, args = _first_word(rest)
        if verb in _EMOJI_WORDS:
            return _emojis(args)
        if verb in _CONFIRM_WORDS:
            choice = args.lower()
            if choice in _ON or choice in _OFF:
                return SetConfirmations(choice in _ON)
            return SavedUsageError("Write `/insights settings confirmations on` (a quiet note after each save) "
                                   "or `/insights settings confirmations off`.")
    return None


def emoji_name(reaction: str) -> str:
    """A reaction's base name: `:+1::skin-tone-3:` -> `+1`."""
    return reaction.strip().strip(":").split("::", 1)[0].lower()


def _saved(rest: str) -> SavedCommand:
    verb, args = _first_word(rest)
    if not verb:
        return ListSaved()
    if verb == "export" and not args:
        return ExportSaved()
    if verb == "search":
        return SearchSaved(args) if args else ListSaved()
    return SearchSaved(rest)


def _emojis(args: str) -> SavedCommand:
    names = [emoji_name(part) for part in re.split(r"[,\s]+", args) if part.strip(" :")]
    if not names:
        return SetSaveEmojis()
    bad = [n for n in names if not _EMOJI_NAME.match(n)]
    if bad:
        return SavedUsageError(f"`{bad[0][:40]}` is not an emoji name. Write names like "
                               "`/insights settings save-emojis bookmark, pushpin, star`.")
    feedback = [n for n in names if n in THUMBS_UP | THUMBS_DOWN]
    if feedback:
        return SavedUsageError(f"`:{feedback[0]}:` already means “more/less like this” in digests; "
                               "choose other save emojis.")
    unique = tuple(dict.fromkeys(names))
    if len(unique) > MAX_SAVE_EMOJIS:
        return SavedUsageError(f"Choose at most {MAX_SAVE_EMOJIS} save emojis.")
    return SetSaveEmojis(unique)


def _first_word(text: str) -> tuple[str, str]:
    first, _, rest = text.strip().partition(" ")
    return first.lower(), rest.strip()
