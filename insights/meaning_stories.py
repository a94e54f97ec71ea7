"""Stories: the same claim told by several podcasts in their own words.

Embeddings find the candidates (two claims whose vectors are close), but closeness is
not sameness: "remote work raises productivity" and "... lowers productivity" are
nearer than most paraphrases. A candidate pair is one story only when nothing in the
words says otherwise:
- no contradiction: the same direction on every axis both claims speak to (rise/fall,
  many/few, keep/stop, fast/slow...), a negation reaching a direction word flips it,
  and an unattached negation must agree ("X, not Y" against "X");
- the same comparison the same way round ("A rather than B" is not "B rather than A");
- the same figures (each claim's numbers, spelled or written, not contradicted);
- the same names, when both name someone or something.

Pure: texts and cosines in, decisions out (no model here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from insights.near_duplicates import _CONTRACTED, _NEGATIONS, _POLAR
from insights.text import STOPWORDS, fold, words
from insights.topics import content_stems, stem

#: Direction words beyond the lexical guard's, by axis: +1 one way, -1 the other.
_MORE_AXES: dict[str, tuple[str, str]] = {
    "amount": (
        "most many much plenty glut surplus oversupply abundant often frequently usually always",
        "few little scarce scarcity shortage shortages barely hardly rarely seldom",
    ),
    "persistence": (
        "keep keeps kept keeping continue continues continued stay stays remain remains open start starts started",
        "stop stops stopped halt halts halted close closes closed quit quits abandon abandons abandoned",
    ),
    "speed": (
        "fast faster fastest quick quicker quickest quickly rapid rapidly sooner soon early first earliest",
        "slower slowest slowly late later latest last lagging delay delays delayed",
    ),
    "worth": (
        "reliable useful effective effectively accurate important matters matter works safe safer",
        "unreliable useless ineffective inaccurate poor irrelevant dangerous riskier",
    ),
    "ease": ("easy easier simple", "hard harder difficult tough tougher"),
    "together": (
        "together cooperate cooperates cooperated cooperating cooperation jointly share shares sharing shared "
        "teaming allied alliance coordinate coordinated coordinating",
        "alone separately unilateral unilaterally independently",
    ),
    "direction": ("raises raising rising", "lowers lowered lowering"),
}
POLAR: dict[str, tuple[str, int]] = dict(_POLAR)
for _axis, _sides in _MORE_AXES.items():
    for _sign, _side in zip((1, -1), _sides):
        for _word in _side.split():
            POLAR.setdefault(_word, (_axis, _sign))
#: "no longer X" says "not X"; "not just X" and "not only X" say "X and more".
_NEGATING_PAIRS = {("no", "longer")}
_NOT_NEGATING = frozenset(["just", "only", "merely"])
#: "stopped sharing" says "not sharing": these negate the direction word they reach, nothing more.
_STOPPING = frozenset(["stop", "stops", "stopped", "stopping", "quit", "quits", "ceased", "cease", "ceases"])
#: Words that set one side of a comparison against the other ("A rather than B", "A, not B").
_CONTRASTS = frozenset(["than", "over", "instead", "versus", "vs", "not"])
#: Clause breaks: a comparison never reaches across them.
_CLAUSE = re.compile(r"[,;:.!?()]|\b(?:because|since|so|while|but|which|whereas|although)\b", re.IGNORECASE)
#: Words either side of a direction word that it is said of (wider windows catch neighbouring clauses).
ALIGN_REACH = 1
#: Content words of each side of a comparison looked at.
COMPARISON_REACH = 6
#: How far back a negation reaches a direction word ("not raise", "does not really rise").
NEGATION_REACH = 3
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"]
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000", "dozen": "12"}
#: "Dr. Ramírez": a title's full stop ends no sentence.
_TITLES = re.compile(r"\b(Dr|Mr|Mrs|Ms|Prof|St|Sen|Rep|Gov|Gen)\. ")
_NAME = re.compile(r"(?<=[^.!?:;\s]\s)[A-Z][\w-]*|\b[A-Z]{2,}\b")


@dataclass(frozen=True, slots=True)
class StoryRules:
    """When a candidate pair is one story."""

    #: Cosine of the two claims' unit vectors at which a pair becomes a candidate.
    min_cosine: float = 0.70
    #: Shared content words (of the smaller claim) for a lexical candidate, when no vectors are known.
    min_contrast_overlap: int = 2


@dataclass(frozen=True, slots=True)
class ClaimSigns:
    """What can contradict a claim: its directions, loose negations, comparisons, figures, names."""

    directions: frozenset[tuple[str, int]]
    negated: int
    comparisons: tuple[tuple[frozenset[str], frozenset[str]], ...]
    numbers: frozenset[str]
    names: frozenset[str]
    #: Each content word's neighbouring directions.
    near: Mapping[str, frozenset[tuple[str, int]]] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> ClaimSigns:
        clauses = [c for c in (words(part) for part in _CLAUSE.split(text) if part) if c]
        # "A, not B": a clause opening with "not" contrasts, it does not negate
        folded = [w for c in clauses for w in (c[1:] if c[0] == "not" else c)]
        directions, negated, near = _directions(folded)
        return cls(directions, negated, _comparisons(clauses), _numbers(words(text)), _names(text), near)


def _is_negation(folded: Sequence[str], i: int) -> bool:
    word = folded[i]
    if word == "t":
        return i > 0 and folded[i - 1] in _CONTRACTED
    if i + 1 < len(folded) and (word, folded[i + 1]) in _NEGATING_PAIRS:
        return True
    following = folded[i + 1] if i + 1 < len(folded) else ""
    if word in _STOPPING:
        return True
    return word in _NEGATIONS and following not in _NOT_NEGATING and not (word == "no" and following == "longer")


def _directions(folded: Sequence[str]) -> tuple[frozenset[tuple[str, int]], int, Mapping[str, frozenset[tuple[str, int]]]]:
    """Direction words as (axis, sign), a negation just before one flipping it; loose negations;
    and, for each content word, the directions said next to it ("rates will *fall*")."""
    negations = [i for i in range(len(folded)) if _is_negation(folded, i)]
    # "without X" negates X only; "stopped X" negates a direction word X only
    used = {i for i in negations if folded[i] == "without" or folded[i] in _STOPPING}
    marks: list[tuple[int, tuple[str, int]]] = []
    for i, word in enumerate(folded):
        polar = POLAR.get(word) or (POLAR.get(word[:-2]) if word.endswith("ly") else None)  # "reliably"
        if polar is None or (word in _CONTRACTED and i + 1 < len(folded) and folded[i + 1] == "t"):
            continue
        axis, sign = polar
        reach = [n for n in negations if i - NEGATION_REACH <= n < i and (folded[n] != "without" or n == i - 1)]
        if reach:
            used.update(reach)
            sign = -sign
        marks.append((i, (axis, sign)))
    near: dict[str, set[tuple[str, int]]] = {}
    for i, mark in marks:
        for j in range(max(0, i - ALIGN_REACH), min(len(folded), i + ALIGN_REACH + 1)):
            word = folded[j]
            if j != i and word not in POLAR and word not in STOPWORDS and word not in _NEGATIONS:
                near.setdefault(stem(word), set()).add(mark)
    found = frozenset(mark for _, mark in marks)
    return found, (len(negations) - len(used)) % 2, {w: frozenset(m) for w, m in near.items()}


def _comparisons(clauses: Sequence[Sequence[str]]) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """The content words before and after each contrast word of a clause ("A ... than B ...")."""
    found = []
    for number, clause in enumerate(clauses):
        for i, word in enumerate(clause):
            if word in _CONTRASTS:
                lead = clause[:i] if i or not number else clauses[number - 1]  # "A, not B"
                before = frozenset(content_stems(lead)[-COMPARISON_REACH:])
                after = frozenset(content_stems(clause[i + 1 :])[:COMPARISON_REACH])
                if before and after:
                    found.append((before, after))
    return tuple(found)


def _numbers(folded: Sequence[str]) -> frozenset[str]:
    return frozenset(_NUMBER_WORDS.get(w, w) for w in folded if w.isdigit() or w in _NUMBER_WORDS)


def _names(text: str) -> frozenset[str]:
    """Capitalised words inside a sentence (names), as 4-letter stems ("European" ~ "Europe"),
    and the initials of a name of several words ("United States" ~ "US")."""
    found = list(_NAME.finditer(_TITLES.sub(r"\1 ", text)))
    names = {stem(fold(m.group()))[:4] for m in found}
    run: list[str] = []
    for previous, current in zip([None, *found], found):
        if previous is not None and text[previous.end() : current.start()] == " ":
            run.append(current.group()[0])
        else:
            if len(run) > 1:
                names.add(fold("".join(run)))
            run = [current.group()[0]]
    if len(run) > 1:
        names.add(fold("".join(run)))
    return frozenset(names)


def contradicts(a: ClaimSigns, b: ClaimSigns) -> bool:
    """Whether the words of two close claims say they disagree."""
    axes_a = {axis for axis, _ in a.directions}
    shared = axes_a & {axis for axis, _ in b.directions}
    for axis in shared:
        if not {s for x, s in a.directions if x == axis} & {s for x, s in b.directions if x == axis}:
            return True
    if a.negated != b.negated:
        return True
    return _opposed_nearby(a, b) or _swapped(a.comparisons, b.comparisons)


def _opposed_nearby(a: ClaimSigns, b: ClaimSigns) -> bool:
    """A word both claims say something of, one in one direction and the other the other way."""
    for word, marks in a.near.items():
        other = b.near.get(word)
        if other:
            for axis, sign in marks:
                if (axis, -sign) in other and (axis, sign) not in other:
                    return True
    return False


def _swapped(a: Sequence[tuple[frozenset[str], frozenset[str]]], b: Sequence[tuple[frozenset[str], frozenset[str]]]) -> bool:
    """One claim's comparison the other way round: what one puts first the other puts second."""
    for before_a, after_a in a:
        for before_b, after_b in b:
            forward, backward = len(before_a & after_b), len(after_a & before_b)
            kept = len(before_a & before_b) + len(after_a & after_b)
            if forward and backward and forward + backward > kept:
                return True
    return False


def figures_differ(a: ClaimSigns, b: ClaimSigns) -> bool:
    """Each claim has a figure the other lacks (one claim giving more detail is fine)."""
    return bool(a.numbers - b.numbers) and bool(b.numbers - a.numbers)


def names_differ(a: ClaimSigns, b: ClaimSigns) -> bool:
    """Both claims name someone or something, and no name is shared."""
    return bool(a.names) and bool(b.names) and a.names.isdisjoint(b.names)


def same_story(a: ClaimSigns, b: ClaimSigns, cosine: float, rules: StoryRules = StoryRules()) -> bool:
    """Whether two claims whose vectors have this cosine tell the same story."""
    if cosine < rules.min_cosine:
        return False
    return not (contradicts(a, b) or figures_differ(a, b) or names_differ(a, b))
