"""Stories: the same claim told by several podcasts in their own words.

Embeddings find the candidates (two claims whose vectors are close), but closeness is
not sameness: "remote work raises productivity" and "... lowers productivity" are
nearer than most paraphrases. A candidate pair is one story only when nothing in the
words says otherwise:
- no contradiction: the same direction on every axis both claims speak to (rise/fall,
  many/few, keep/stop, fast/slow...), a negation reaching a direction word flips it,
  and no word one claim negates ("does not change", "hardly anyone opens", "unchanged",
  "harmless") is one the other says plainly; no antonyms (WordNet 3.0's, any inflection:
  "a new app" / "an old app") said of the same words, unless one of them is negated; a
  change denied ("barely changes") against a direction said; things said alike ("as much
  as") against one said more or less than the other;
- the same roles: two claims in the same words with two of them swapped ("A is X while B
  is Y" against "B is X while A is Y") are not one story;
- the same comparison the same way round ("A rather than B" is not "B rather than A");
- the same figures (each claim's numbers, spelled, written or ordinal, not contradicted);
- the same names, when both name someone or something.

Pure: texts and cosines in, decisions out (no model here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from insights.near_duplicates import _CONTRACTED, _NEGATIONS, _POLAR, FILLER
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
    "direction": (
        "raises raising rising reinforce reinforces reinforced reinforcing",
        "lowers lowered lowering",
    ),
    # common antonyms of any subject (not tuned on pairs)
    "sameness": ("same equal equally identical alike", "different differ differs differently unequal"),
    "inclusion": ("include includes included including", "exclude excludes excluded excluding"),
    "permission": (
        "allow allows allowed permit permits permitted enable enables enabled",
        "ban bans banned forbid forbids forbidden prohibit prohibits prohibited block blocks blocked",
    ),
    "acceptance": (
        "accept accepts accepted approve approves approved welcome welcomes welcomed embrace embraces embraced",
        "reject rejects rejected refuse refuses refused",
    ),
    "stability": ("fixed stable steady constant", "floating variable volatile unstable"),
    "length": ("long longer longest lengthy", "short shorter shortest brief"),
    "size": ("big bigger biggest large larger largest huge", "small smaller smallest tiny"),
    "help": ("help helps helped helping benefit benefits", "hurt hurts harm harms harmed damage damages damaged"),
    "need": ("need needs needed necessary required require requires essential", "unnecessary optional needless"),
    "legality": ("legal lawful legally", "illegal unlawful illegally"),
    # bringing into being and ending ("found" and "end" are left out: "we found that", "the end of")
    "existence": (
        "create creates created creating build builds built launch launches launched launching "
        "founded founding establish establishes established introduce introduces introduced",
        "ended shut shuts shutting retire retires retired retiring discontinue discontinues discontinued "
        "kills killed scrap scraps scrapped destroy destroys destroyed erode erodes eroded dismantle dismantled",
    ),
    "outcome": ("popular", "flop flops flopped unpopular"),
    "membership": ("join joins joined joining", "leave leaves leaving left"),
    "judgement": (
        "improve improves improved improving improvement",
        "worsen worsens worsened deteriorate deteriorates deteriorated",
    ),
    "hindrance": (
        "sharpen sharpens sharpened",
        "impair impairs impaired interfere interferes interfered hinder hinders hindered undermine undermines undermined",
    ),
}
POLAR: dict[str, tuple[str, int]] = dict(_POLAR)
for _axis, _sides in _MORE_AXES.items():
    for _sign, _side in zip((1, -1), _sides, strict=False):
        for _word in _side.split():
            POLAR.setdefault(_word, (_axis, _sign))
#: Words of change: denied ("barely changes", "does not affect"), they say no direction, against any.
_CHANGES = frozenset(
    [
        "change",
        "changes",
        "changed",
        "changing",
        "affect",
        "affects",
        "affected",
        "alter",
        "alters",
        "altered",
        "move",
        "moves",
        "moved",
        "shift",
        "shifts",
        "shifted",
    ]
)
#: "no longer X" says "not X"; "not just X" and "not only X" say "X and more"; "no matter how X" says X.
_NEGATING_PAIRS = {("no", "longer")}
_NOT_NEGATING = frozenset(["just", "only", "merely", "matter"])
#: "stopped sharing" says "not sharing": these negate the direction word they reach, nothing more.
_STOPPING = frozenset(["stop", "stops", "stopped", "stopping", "quit", "quits", "ceased", "cease", "ceases"])
#: Words that deny what follows them, like a negation, without being one ("hardly anyone opens").
_DENYING = frozenset(
    [
        "hardly",
        "barely",
        "scarcely",
        "rarely",
        "seldom",
        "skip",
        "skips",
        "skipped",
        "skipping",
        "avoid",
        "avoids",
        "avoided",
        "avoiding",
        "lack",
        "lacks",
        "lacked",
        "lacking",
        "omit",
        "omits",
        "omitted",
    ]
)
#: Negations that deny no word of their own: "none" qualifies a noun, "stopped" is a direction of its own.
#: ("no" denies the noun after it, "agenda-free" being read as "no agenda", but not when it opens a
#: clause: "No episode length is best" denies what is said of the length, not the length.)
_DENY_NOTHING = frozenset(["none"]) | _STOPPING
#: "agenda-free": the word before "-free" is denied, as "no agenda" denies it.
_FREE_OF = re.compile(r"\b(\w+)-free\b", re.IGNORECASE)
#: Content words after a negation that it denies ("does not *need* a custom website").
NEGATED_WORDS = 1
#: Words a negation passes over to reach what it denies ("hardly anyone *opens*", "does not mean you are *weak*").
_PASSED_OVER = FILLER | {"anyone", "anybody", "anything", "someone", "one", "ones", "everyone", "everything"}
#: "A rather than B", "A instead of B", "A, not B": B is denied (and "A over being B").
_REJECTING = {("rather", "than"), ("instead", "of")}
#: "unchanged", "harmless": a prefix or suffix that denies the rest of the word (at least 4 letters).
_DENYING_PREFIX = "un"
_DENYING_SUFFIX = "less"
#: Word endings taken off before two words are compared ("changed" ~ "change", "weakness" ~ "weak").
_ENDINGS = ("ness", "ment", "ing", "ed", "es", "ly", "e", "s")
#: Letters of a word compared ("duplicating" ~ "duplicate").
ROOT_LETTERS = 6
#: Two swapped words must be this many content words apart (not "good or bad" against "bad or good").
SWAP_DISTANCE = 3
#: Words that set one side of a comparison against the other ("A rather than B", "A, not B").
_CONTRASTS = frozenset(["than", "over", "instead", "rather", "versus", "vs", "not"])
#: Verbs whose particle "over" is no contrast ("takes over", "went over", "handed over").
_OVER_VERBS = frozenset(
    [
        "take",
        "takes",
        "took",
        "taken",
        "taking",
        "hand",
        "hands",
        "handed",
        "handing",
        "turn",
        "turns",
        "turned",
        "turning",
        "go",
        "goes",
        "went",
        "gone",
        "going",
        "look",
        "looks",
        "looked",
        "looking",
        "think",
        "thinks",
        "thought",
        "thinking",
        "pass",
        "passes",
        "passed",
        "passing",
        "win",
        "wins",
        "won",
        "get",
        "gets",
        "got",
        "start",
        "starts",
        "started",
        "starting",
        "move",
        "moves",
        "moved",
        "moving",
        "fall",
        "falls",
        "fell",
        "fallen",
    ]
)
#: Contrast words that can open a clause, the preferred side then following ("Instead of B, A").
_PREFERRING = frozenset(["instead", "rather"])
#: Clause breaks: a comparison never reaches across them.
_CLAUSE = re.compile(r"[,;:.!?()]|\b(?:because|since|so|while|but|which|whereas|although)\b", re.IGNORECASE)
#: Words either side of a direction word that it is said of (wider windows catch neighbouring clauses).
ALIGN_REACH = 1
#: Words either side of an antonym that it is said of: two claims with antonyms say opposite
#: things only of the same thing ("a *new* app" / "an *old* app", not "*good* audio" / "*bad* sound").
ANTONYM_REACH = 2
#: Two things said alike: "as much as", "the same value as", "equally" ("as well as" also means "and").
_EQUAL = re.compile(r"\bas (?!well\b)\w+ as\b|\bthe same \w+ (?:as|to)\b|\bequally\b", re.IGNORECASE)
#: One said more or less than the other.
_UNEQUAL = re.compile(r"\b(?:more|less|fewer|\w+er)\s+(?:\w+\s+)?than\b|\b(?:less|fewer)\b", re.IGNORECASE)
#: A comparison's first side with fewer content words than this takes in the clause before it too.
SUBJECT_WORDS = 4
#: Content words of each side of a comparison looked at.
COMPARISON_REACH = 6
#: How far back a negation reaches a direction word ("not raise", "does not really rise").
NEGATION_REACH = 3
_NUMBER_WORDS = {
    w: str(n)
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000", "dozen": "12"}
#: Ordinals are figures too ("phase 4" / "its second phase"); not "first", said of anything early.
_ORDINALS = {
    w: str(n)
    for n, w in enumerate(["second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"], 2)
}
_NUMBERED = re.compile(r"(\d+)(?:st|nd|rd|th)")
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
    #: Roots of the words the claim denies, and of those it says plainly.
    denied: frozenset[str]
    plain: frozenset[str]
    comparisons: tuple[tuple[frozenset[str], frozenset[str]], ...]
    numbers: frozenset[str]
    names: frozenset[str]
    #: The claim's content roots in order (first time each is said).
    order: tuple[str, ...] = ()
    #: Each content word's neighbouring directions.
    near: Mapping[str, frozenset[tuple[str, int]]] = field(default_factory=dict)
    #: The lemmas with antonyms the claim says, each +1 said plainly, -1 negated (or both).
    lemmas: Mapping[str, frozenset[int]] = field(default_factory=dict)
    #: The content stems said next to each of those lemmas (what the lemma is said of).
    context: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: Whether the claim says two things are alike ("as much as", "the same ... as"), and whether
    #: it says one is more or less than the other ("less than", "faster than", "less value").
    equal: bool = False
    unequal: bool = False

    @classmethod
    def of(cls, text: str) -> ClaimSigns:
        clauses = [c for c in (words(part) for part in _CLAUSE.split(text) if part) if c]
        # "A, not B": a clause opening with "not" contrasts, it does not negate
        trimmed = [c[1:] if c[0] == "not" else c for c in clauses]
        folded = [w for c in trimmed for w in c]
        directions, near = _directions(folded)
        denied, plain = _denials(
            [c for c in (words(part) for part in _CLAUSE.split(_FREE_OF.sub(r"no \1", text)) if part) if c]
        )
        order = tuple(dict.fromkeys(root(w) for w in folded if w not in STOPWORDS and not _is_cue(w)))
        return cls(
            directions,
            denied,
            plain,
            _comparisons(clauses),
            _numbers(words(text)),
            _names(text),
            order,
            near,
            *_antonym_lemmas(trimmed),
            bool(_EQUAL.search(text)),
            bool(_UNEQUAL.search(text)),
        )


#: The antonym lexicon (derived from WordNet 3.0 by bench/wordnet_antonyms.py).
ANTONYMS_FILE = Path(__file__).with_name("data") / "antonyms.tsv"


@dataclass(frozen=True, slots=True)
class Antonyms:
    """Lemmas and their antonyms, and the irregular inflections of those lemmas."""

    opposite: Mapping[str, frozenset[str]]
    forms: Mapping[str, frozenset[str]]
    #: First words of the phrases with antonyms ("shut" of "shut_down").
    phrase_heads: frozenset[str] = frozenset()

    @classmethod
    def read(cls, path: Path) -> Antonyms:
        opposite: dict[str, frozenset[str]] = {}
        forms: dict[str, frozenset[str]] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            if line and not line.startswith("#"):
                word, rest = line.split("\t")
                if rest.startswith("="):
                    forms[word] = frozenset(rest[1:].split())
                else:
                    opposite[word] = frozenset(rest.split())
        return cls(opposite, forms, frozenset(w.split("_")[0] for w in opposite if "_" in w))

    def lemmas(self, word: str) -> frozenset[str]:
        """The lemmas with antonyms that a word may be a form of ("lowered" -> "lower")."""
        found = {w for w in _deinflected(word) if w in self.opposite}
        return frozenset(found | self.forms.get(word, frozenset()))


@cache
def antonyms() -> Antonyms:
    """The shipped antonym lexicon, read once."""
    return Antonyms.read(ANTONYMS_FILE)


#: Regular endings and what may replace them ("cities" -> "city", "larger" -> "large").
_INFLECTIONS = (
    ("ies", ("y",)),
    ("ied", ("y",)),
    ("ier", ("y",)),
    ("iest", ("y",)),
    ("es", ("", "e")),
    ("s", ("",)),
    ("ed", ("", "e")),
    ("ing", ("", "e")),
    ("er", ("", "e")),
    ("est", ("", "e")),
    ("ly", ("",)),
)


@lru_cache(maxsize=1 << 16)
def _word_lemmas(word: str) -> tuple[frozenset[str], frozenset[str]]:
    """A word's lemmas with antonyms, and its bases that begin an antonym phrase ("shuts" -> "shut")."""
    table = antonyms()
    return table.lemmas(word), frozenset(_deinflected(word) & table.phrase_heads)


def _deinflected(word: str) -> set[str]:
    """The word and every regular base it may be an inflection of (some are not words)."""
    found = {word}
    for ending, bases in _INFLECTIONS:
        stem_ = word[: -len(ending)]
        if word.endswith(ending) and len(stem_) >= 2:
            found.update(stem_ + base for base in bases)
            if len(stem_) > 2 and stem_[-1] == stem_[-2]:
                found.add(stem_[:-1])  # "stopped" -> "stop", "bigger" -> "big"
    return found


def _antonym_lemmas(
    clauses: Sequence[Sequence[str]],
) -> tuple[dict[str, frozenset[int]], dict[str, frozenset[str]]]:
    """The lemmas with antonyms that each clause says, with whether a negation reaches them
    (two-word phrases too: "shut down"), and the content stems next to each."""
    opposite = antonyms().opposite
    found: dict[str, set[int]] = {}
    context: dict[str, set[str]] = {}
    for clause in clauses:
        denials = [i for i in range(len(clause)) if _is_negation(clause, i) or clause[i] in _DENYING]
        for i, word in enumerate(clause):
            if word in STOPWORDS or _is_cue(word):
                continue
            lemmas, bases = _word_lemmas(word)
            if i + 1 < len(clause) and bases:
                lemmas |= {phrase for base in bases if (phrase := f"{base}_{clause[i + 1]}") in opposite}
            if not lemmas:
                continue
            sign = -1 if any(i - NEGATION_REACH <= n < i for n in denials) else 1
            nearby = {
                stem(w)
                for w in clause[max(0, i - ANTONYM_REACH) : i + ANTONYM_REACH + 1]
                if w != word and w not in STOPWORDS and not _is_cue(w) and w not in FILLER
            }
            for lemma in lemmas:
                found.setdefault(lemma, set()).add(sign)
                context.setdefault(lemma, set()).update(nearby)
    return (
        {lemma: frozenset(signs) for lemma, signs in found.items()},
        {lemma: frozenset(stems) for lemma, stems in context.items()},
    )


def root(word: str) -> str:
    """A word's root for comparing two claims: an ending off, at most `ROOT_LETTERS` letters."""
    if len(word) > 6 and word.endswith(("ier", "iest")):  # "lonelier" ~ "lonely"
        return (word[: -3 if word.endswith("ier") else -4] + "y")[:ROOT_LETTERS]
    for ending in _ENDINGS:
        if len(word) - len(ending) >= 3 and word.endswith(ending):
            word = word[: -len(ending)]
            if ending in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouls":
                word = word[:-1]  # "betting" ~ "bet", "stopped" ~ "stop"
            break
    return word[:ROOT_LETTERS]


def _is_cue(word: str) -> bool:
    return word in _NEGATIONS or word in _DENYING or word in _CONTRACTED


def _denials(clauses: Sequence[Sequence[str]]) -> tuple[frozenset[str], frozenset[str]]:
    """Roots of the content words each negation of a clause denies (the next `NEGATED_WORDS`),
    and of words denied by their own prefix or suffix; roots of the content words of clauses
    with no negation (said plainly)."""
    denied: set[str] = set()
    plain: set[str] = set()
    for clause in clauses:
        left, skip = 0, False  # content words the last negation still denies; one to pass over
        doubtful = any(w in _NEGATIONS or w in _DENYING or w in _PREFERRING for w in clause)
        for i, word in enumerate(clause):
            rejecting = i + 1 < len(clause) and (
                (word, clause[i + 1]) in _REJECTING or (word == "over" and clause[i + 1].endswith("ing"))
            )
            opening_no = word == "no" and not i
            if (
                rejecting
                or word in _DENYING
                or (_is_negation(clause, i) and word not in _DENY_NOTHING and not opening_no)
            ):
                left = NEGATED_WORDS
                continue
            if left and word in _PASSED_OVER:
                continue
            if word in _NEGATIONS:  # "no harm": the noun is neither denied nor said plainly
                left, skip = 0, True
                continue
            if skip and word not in STOPWORDS:
                skip = False
                continue
            if word in STOPWORDS or _is_cue(word):
                continue
            if left:
                denied.add(root(word))
                left -= 1
            elif doubtful:
                continue  # a clause with a negation of its own: not said plainly ("not a sign of weakness")
            elif word.startswith(_DENYING_PREFIX) and len(word) - len(_DENYING_PREFIX) >= 4:
                denied.add(root(word[len(_DENYING_PREFIX) :]))
            elif word.endswith(_DENYING_SUFFIX) and len(word) - len(_DENYING_SUFFIX) >= 4:
                denied.add(root(word[: -len(_DENYING_SUFFIX)]))
            else:
                plain.add(root(word))
    return frozenset(denied), frozenset(plain)


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


def _directions(folded: Sequence[str]) -> tuple[frozenset[tuple[str, int]], Mapping[str, frozenset[tuple[str, int]]]]:
    """Direction words as (axis, sign), a negation just before one flipping it; and, for each
    content word, the directions said next to it ("rates will *fall*")."""
    negations = [i for i in range(len(folded)) if _is_negation(folded, i)]
    marks: list[tuple[int, tuple[str, int]]] = []
    for i, word in enumerate(folded):
        if word in _CHANGES and any(
            _is_negation(folded, n) or folded[n] in _DENYING for n in range(max(0, i - NEGATION_REACH), i)
        ):
            marks.append((i, ("direction", 0)))
            continue
        polar = POLAR.get(word) or (POLAR.get(word[:-2]) if word.endswith("ly") else None)  # "reliably"
        if polar is None or (word in _CONTRACTED and i + 1 < len(folded) and folded[i + 1] == "t"):
            continue
        if i and folded[i - 1] == "no" and word == "matter":  # "no matter how good" judges nothing
            continue
        if word in ("ended", "left") and i + 1 < len(folded) and folded[i + 1] in ("up", "over"):
            continue  # "ended up as a writer", "left over": neither ends nor leaves anything
        axis, sign = polar
        reach = [n for n in negations if i - NEGATION_REACH <= n < i and (folded[n] != "without" or n == i - 1)]
        if reach:
            sign = -sign
        marks.append((i, (axis, sign)))
    near: dict[str, set[tuple[str, int]]] = {}
    for i, mark in marks:
        for j in range(max(0, i - ALIGN_REACH), min(len(folded), i + ALIGN_REACH + 1)):
            word = folded[j]
            if j != i and word not in POLAR and word not in STOPWORDS and word not in _NEGATIONS:
                near.setdefault(stem(word), set()).add(mark)
    found = frozenset(mark for _, mark in marks)
    return found, {w: frozenset(m) for w, m in near.items()}


def _comparisons(clauses: Sequence[Sequence[str]]) -> tuple[tuple[frozenset[str], frozenset[str]], ...]:
    """The content words before and after each contrast word of a clause ("A ... than B ...")."""
    found = []
    for number, clause in enumerate(clauses):
        for i, word in enumerate(clause):
            if word == "over" and i and clause[i - 1] in _OVER_VERBS:
                continue  # "taken over by an attacker" compares nothing
            if word in _CONTRASTS:
                after = frozenset(content_stems(clause[i + 1 :])[:COMPARISON_REACH])
                if not i and word in _PREFERRING and number + 1 < len(clauses):
                    # "Instead of B, A": what is preferred comes after
                    before = frozenset(content_stems(clauses[number + 1])[:COMPARISON_REACH])
                else:
                    lead = clause[:i] if i or not number else clauses[number - 1]  # "A, not B"
                    if i and number and len(content_stems(lead)) < SUBJECT_WORDS:
                        lead = [*clauses[number - 1], *lead]  # "A, doing B, saves more than C": A is compared
                    before = frozenset(content_stems(lead)[-COMPARISON_REACH:])
                if before and after:
                    found.append((before, after))
    return tuple(found)


def _numbers(folded: Sequence[str]) -> frozenset[str]:
    """The claim's figures as digits: written, spelled ("two") or ordinal ("second", "4th")."""
    found = set()
    for word in folded:
        if word.isdigit():
            found.add(word)
        elif number := _NUMBER_WORDS.get(word) or _ORDINALS.get(word):
            found.add(number)
        elif ordinal := _NUMBERED.fullmatch(word):
            found.add(ordinal.group(1))
    return frozenset(found)


def _names(text: str) -> frozenset[str]:
    """Capitalised words inside a sentence (names), as 4-letter stems ("European" ~ "Europe"),
    and the initials of a name of several words ("United States" ~ "US")."""
    found = list(_NAME.finditer(_TITLES.sub(r"\1 ", text)))
    names = {stem(fold(m.group()))[:4] for m in found}
    run: list[str] = []
    for previous, current in zip([None, *found], found, strict=False):
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
    if _denied_plainly(a, b) or _denied_plainly(b, a) or _antonymous(a, b):
        return True
    if (a.equal and not a.unequal and b.unequal and not b.equal) or (
        b.equal and not b.unequal and a.unequal and not a.equal
    ):
        return True  # "matters as much as" / "matters far less than"
    return _opposed_nearby(a, b) or _swapped(a.comparisons, b.comparisons) or _roles_swapped(a.order, b.order)


def _antonymous(a: ClaimSigns, b: ClaimSigns) -> bool:
    """A word one claim says and an antonym of it the other says, both plainly or both negated,
    neither claim saying both ("wins" / "loses"; "not easy" / "hard" agree)."""
    opposite = antonyms().opposite
    for lemma, signs in a.lemmas.items():
        if lemma in b.lemmas:
            continue
        for other in opposite[lemma]:
            if (
                other not in a.lemmas
                and signs & b.lemmas.get(other, frozenset())
                and (not ANTONYM_REACH or a.context[lemma] & b.context[other])
            ):
                return True
    return False


def _denied_plainly(a: ClaimSigns, b: ClaimSigns) -> bool:
    """A word `a` only denies and `b` only says plainly."""
    return bool((a.denied - a.plain) & (b.plain - b.denied))


def _roles_swapped(a: Sequence[str], b: Sequence[str]) -> bool:
    """The words both claims say, in the same order but for two far-apart ones that changed places."""
    shared = set(a) & set(b)
    first = [w for w in a if w in shared]
    second = [w for w in b if w in shared]
    moved = [i for i, (x, y) in enumerate(zip(first, second, strict=False)) if x != y]
    return (
        len(moved) == 2
        and moved[1] - moved[0] >= SWAP_DISTANCE
        and first[moved[0]] == second[moved[1]]
        and first[moved[1]] == second[moved[0]]
    )


def _opposed_nearby(a: ClaimSigns, b: ClaimSigns) -> bool:
    """A word both claims say something of, one in one direction and the other the other way."""
    for word, marks in a.near.items():
        other = b.near.get(word)
        if other:
            for axis, sign in marks:
                if (axis, -sign) in other and (axis, sign) not in other:
                    return True
    return False


def _swapped(
    a: Sequence[tuple[frozenset[str], frozenset[str]]], b: Sequence[tuple[frozenset[str], frozenset[str]]]
) -> bool:
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
