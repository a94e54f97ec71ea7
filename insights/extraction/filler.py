"""Spoken filler out of a sentence: "um", "uh", "you know", "like,", "I mean", "sort of", stutters, "[laughter]"."""

from __future__ import annotations

import re

_I = re.IGNORECASE
#: (trigger, pattern, replacement): a rule runs only on text whose lower case holds its trigger ("" = always).
_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    # stage directions and inaudible marks: [laughter], [laughs], (crosstalk), [inaudible 00:12]
    ("[", re.compile(r"\[[^\]\n]{0,40}\]"), " "),
    ("(", re.compile(r"\((?:laugh\w*|chuckl\w*|crosstalk|inaudible[^)]*|music|applause|sighs?|pause|silence)\)", _I), " "),
    # hesitation sounds, with the comma or dots that follow them
    ("", re.compile(r"(?:,\s*)?\b(?<![\w'’-])(?:u+[mh]+|e+r+m+|h+m+|m+h?m+|a+h+)(?![\w'’-])[,…]*", _I), " "),
    # "you know" and "I mean" set off by commas or opening a sentence
    ("you know", re.compile(r"(?:,\s*|^\s*)you know\s*,\s*", _I), ", "),
    ("you know", re.compile(r"^\s*you know\s+(?=\w)|,\s*you know(?=\s*[.!?]$)", _I), ""),
    ("i mean", re.compile(r"(?:,\s*|^\s*)i mean\s*,\s*", _I), ", "),
    ("i mean", re.compile(r"^\s*i mean\s+(?=\w)|,\s*i mean(?=\s*[.!?]$)", _I), ""),
    # "like," as filler (not "I was like" or "like a fish")
    ("like", re.compile(r"(?:,\s*|^\s*)like\s*,\s*", _I), ", "),
    # stutters and repeated words: "w- we", "I, I", "the the"
    ("-", re.compile(r"\b(\w+)-\s+(?=\1\b)", _I), ""),
    ("", re.compile(r"\b(?!(?:that|had|is|do|very|so|really|bye|no|yes|ha)\b)(\w+)(?:[\s,]+\1\b)+", _I), r"\1"),
    # an interjection opening the sentence: "Yeah, ", "Well, ", "Oh, ", "Okay, "
    (",", re.compile(r"^\s*(?:(?:yeah|yep|yes|well|oh|okay|ok|right|sure|so yeah)\s*,\s*)+", _I), ""),
    ("", re.compile(r"^\s*(?:\.{2,}|…)\s*"), ""),
)
#: "sort of" / "kind of" stay after these words ("a kind of fish", "what sort of show").
_DETERMINERS = frozenset(["a", "an", "the", "this", "that", "what", "some", "any", "one", "same", "which", "every", "no", "different"])
_HEDGE = re.compile(r"\b(?:sort|kind) of\s+", _I)
_LAST_WORD = re.compile(r"(\w+)\W*$")
_TIDY: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s+"), " "),
    (re.compile(r"\s+([,.;:!?…])"), r"\1"),
    (re.compile(r"([,;:])(?:\s*[,;:])+"), r"\1"),
    (re.compile(r",(?=[.!?…])"), ""),
    (re.compile(r"^[\s,;:]+"), ""),
)


def remove_filler(text: str) -> str:
    """`text` without spoken filler, white space tidied; a leading capital is kept capital."""
    cleaned = text
    lower = text.lower()
    for trigger, pattern, replacement in _RULES:
        if trigger in lower:
            cleaned = pattern.sub(replacement, cleaned)
    if " of" in cleaned:
        cleaned = _HEDGE.sub(_hedge, cleaned)
    for pattern, replacement in _TIDY:
        cleaned = pattern.sub(replacement, cleaned)
    cleaned = cleaned.strip()
    original = text.lstrip(" \t\n.…[(\"'“")
    if cleaned and original[:1].isupper() and cleaned[0].islower():
        cleaned = cleaned[0].upper() + cleaned[1:]
    return cleaned


def _hedge(match: re.Match[str]) -> str:
    """"" for a hedging "sort of"/"kind of", the words themselves after a determiner."""
    before = _LAST_WORD.search(match.string, 0, match.start())
    return match.group() if before and before.group(1).lower() in _DETERMINERS else ""
