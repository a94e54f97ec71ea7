"""Signs, missed by the standalone check, that a passage would fail a reader: fragments, spoken style, vagueness.

Measured on the tuning labels (bench/extract_quality.py), most failing picks scored a full
1.0 as "standalone": they open with a subject, yet the reader cannot use them. The factors
here (each 0-1, multiplied into a passage's score) look at the whole passage, not its
first word:

- `clause_factor`: a sentence without a main clause ("At least for the 3D printing part
  of the company.", "A 59% sustained reduction, eighteen ASNs going completely silent…")
  or one that opens on a bare verb ("Runs on $10 hardware…") is a fragment.
- `opener_factor`: "Let's…" is the speakers planning among themselves; "Not just that",
  "Even…", "Also…", "Plus…", "On top of that…", "Except for…" add to something said before.
- `spoken_factor`: spoken filler the cleaner keeps ("basically", a filler "like", "right,").
- `teaser_factor`: "X wrote a post that lays out six signs…" promises a point it does not make.
- `scene_factor`, `pitch_factor`: a story told in scenes ("you see…"), an ad read ("there's a reason…").
- `genre_factor` (per episode): an episode told as a story lowers all its passages.
- `story_factor`: the words of a told story ("creeps", "grabbing", "fades into the darkness"):
  narration of a tale (machine transcripts of story shows), not a claim.
- `enumeration_factor`: "Two, to time travel back…", "Second is…": an item of a list said before.
- `definite_factor`: a subject "the" + common noun ("The infrastructure is…") was named before.
- `answer_factor`: a passage ending on "…, yes." answers a question.
- `dislocation_factor`: a passage that opens on a verbless noun phrase and a comma ("Models, the open
  models aren't…", "32 frames per second, so you're seeing…", "DDR5, CPUs, hard drives…"): a spoken
  restart, a list torn from an answer or a topic named before the sentence that is about it.
- `time_reference_factor`: "that day", "at the time", "back then": a time named earlier in the talk.
- `comparison_factor`: "…are way worse.", "…becomes even harder.": a comparison whose other side was
  said before (an intensified comparative ending its sentence, no "than").
- `everyone_factor`: a passage whose subject is unnamed people ("People come to the podcast…",
  "Sometimes people will just use the tool…", "Somebody's already done that…"): a sweeping
  observation or a view reported from nobody in particular.
- `vague_factor`: placeholders for what was said before or is never said ("one thing",
  "two things", "a thing", "such a", "the same thing"), and "these"/"those" as a subject.
"""

from __future__ import annotations

import math
import re

from insights.extraction.leadin import strip_lead_in
from insights.extraction.verbs import AUXILIARIES, VERB_FORMS
from insights.text import words

#: Words after which a verb belongs to a subordinate clause, not the sentence's main clause.
_SUBORDINATE = frozenset(
    [
        "that",
        "who",
        "which",
        "whom",
        "whose",
        "what",
        "where",
        "when",
        "whenever",
        "if",
        "because",
        "to",
        "than",
        "while",
        "whether",
        "unless",
        "until",
        "once",
        "since",
        "although",
        "though",
        "as",
        "like",
    ]
)
#: Personal pronouns and determiners that open a subject ("it runs", "the team runs").
_SUBJECT_WORDS = frozenset(
    [
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "it",
        "there",
        "this",
        "that",
        "these",
        "those",
        "people",
        "everyone",
        "everybody",
        "nobody",
        "someone",
        "somebody",
    ]
)
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")
_OPENERS = re.compile(
    r"^(?:let s|let us|not (?:just|only) that|on top of that|even|also|plus|again|as well|in addition|same (?:thing|with)"
    r"|which|whereas|otherwise|instead|other than that|besides that|apart from that|except)\b"
)
_SPOKEN = re.compile(
    r"\bbasically\b|(?:^|, |\b(?:until|where|when|because|and|but|so|was|it[’']s|that[’']s)) like (?:you|we|they|i|it|the|a|if|when|this|that)\b"
    r"|\b(?:as|with|of|for|just|really|there[’']s) like (?:a|an|the|this|that|so|some)\b"
    r"|\bobviously\b|, right[,?]|\bright\?|\byou know\b|\bi mean\b|\bkind of like\b|\bsort of like\b|\band stuff\b|\bor whatever\b|\band so on\b|\bblah\b",
    re.IGNORECASE,
)
_TELLING = re.compile(r"^(?:your\b|you (?:have|want|need|got) to\b|you ve got to\b)")
_TEASER = re.compile(
    r"\b(?:wrote|writes|published|publishes|shared|shares|posted) (?:a|an|this|their|his|her) (?:\w+ )?(?:post|article|piece|essay|thread|blog)"
    r"|\blays? out\b|\b(?:explains?|explaining|covers?|describes?|details) (?:why|how|what)\b|\bwalks? (?:us |you )?through\b"
)
_SCENE = re.compile(
    r"\byou (?:can |could |would |d |will |ll |might )?(?:see|hear|watch|notice|smell|feel) (?:a|an|the|her|him|them|it|his|this|that)\b"
)
_AD = re.compile(
    r"\bgives? you (?:the )?(?:confidence|peace of mind|freedom) to\b|\bpeace of mind\b|\b(?:cutting|leading) edge (?:treatments?|care|technology)\b"
    r"|\btrusted by\b|\baward winning\b|\bbest in class\b|\blearn more at\b|\bvisit (?:us|our|them) at\b|\bhead (?:over )?to \w+ (?:com|org|io)\b"
    r"|\bthere s a reason (?!why\b)|\bnumber one (?!reason\b|thing\b|problem\b|mistake\b|cause\b|risk\b)|\b(?:promo|coupon|discount) code\b|\buse (?:the )?code\b|\bsign up (?:today|now|at)\b"
    r"|\bhighly (?:trained|rated|recommended|qualified)\b|\bspeciali[sz]es? in\b|\bfree (?:trial|consultation|lesson)\b|\benroll (?:today|now)\b"
)
_ENUMERATION = re.compile(
    r"^(?:One|Two|Three|Four|Five|First|Second|Third|Fourth|Fifth|Firstly|Secondly|Thirdly|Lastly|Finally|Number (?:one|two|three|four|five))"
    r"(?:,| is\b| was\b| would be\b| of (?:them|those|these)\b)"
)
_DEFINITE = re.compile(r"^[Tt]he (?:[a-z][\w-]* ){0,2}?[a-z][\w-]*(?: |,)")
_ANSWER_END = re.compile(r"\b(?:yes|yeah|no|nope|right|exactly|absolutely|definitely|totally)$")
_VAGUE = re.compile(
    r"\b(?:one|two|three|another|other|a|the same|a few|some|those|these|different) (?:thing|things|stuff)\b"
    r"|\bsuch an? \w+|\bthat kind of \w+|\bthis kind of \w+|\bthe whole thing\b|\bsomething like that\b"
    r"|\b(?:these|those) (?:are|were|have|had|will|would|can|could|do|don t|get|make|become)\b"
)


#: The names of `passage_factors`, in order.
PASSAGE_FACTORS = (
    "clause",
    "opener",
    "definite",
    "answer",
    "teaser",
    "scene",
    "pitch",
    "enumeration",
    "spoken",
    "vague",
    "story",
    "dislocation",
    "time_reference",
    "comparison",
    "everyone",
)


def passage_factors(text: str) -> tuple[float, ...]:
    """This module's factors for a passage (after its spoken lead-in), in `PASSAGE_FACTORS` order."""
    core = strip_lead_in(text)
    folded = " ".join(words(core))
    return (
        clause_factor(core),
        opener_factor(folded),
        definite_factor(core),
        answer_factor(folded),
        teaser_factor(folded),
        scene_factor(folded),
        pitch_factor(folded),
        enumeration_factor(core),
        spoken_factor(text),
        vague_factor(folded),
        story_factor(folded),
        dislocation_factor(core),
        time_reference_factor(folded),
        comparison_factor(core),
        everyone_factor(folded),
    )


def passage_factor(text: str) -> float:
    """The product of this module's factors for a passage (after its spoken lead-in)."""
    return math.prod(passage_factors(text))


def clause_factor(text: str) -> float:
    """Lower for each sentence that is a fragment: no main-clause verb, or a bare verb for its first word.

    The first sentence weighs most (0.45): a passage that opens on a fragment reads as torn
    from the talk; a later fragment costs 0.75.
    """
    factor = 1.0
    for i, sentence in enumerate(m.group() for m in _SENTENCE.finditer(text)):
        tokens = words(sentence)
        if len(tokens) < 2:
            continue
        if _fragment(tokens):
            factor *= 0.45 if i == 0 else 0.75
    return factor


def _fragment(tokens: list[str]) -> bool:
    """True for folded words with no verb outside a subordinate clause, or opening on a verb's -s form."""
    first = tokens[0]
    if (
        first in VERB_FORMS
        and first not in AUXILIARIES
        and first.endswith("s")
        and not first.endswith("ss")
        and tokens[1] not in _SUBJECT_WORDS
    ):
        return True  # "Runs on $10 hardware", "Makes it easy": whose?
    return not any(t in VERB_FORMS and (i == 0 or tokens[i - 1] not in _SUBORDINATE) for i, t in enumerate(tokens))


def opener_factor(folded: str) -> float:
    """0.55 for a passage opening on "Let's" or on words that add to something said before.

    0.8 for one that opens by telling the listener ("Your architecture decisions…", "You
    have to…", "You want to…"): ad copy, or advice whose object was said before.
    """
    if _OPENERS.match(folded):
        return 0.55
    return 0.8 if _TELLING.match(folded) else 1.0


def teaser_factor(folded: str) -> float:
    """0.6 for a passage that reports that a piece says something without saying it ("wrote a post that lays out…").

    0.85 for "interesting": it says a thing is worth attention, not what it is.
    """
    factor = 0.6 if _TEASER.search(folded) else 1.0
    return factor * (0.85 if "interesting" in folded.split() else 1.0)


def scene_factor(folded: str) -> float:
    """0.75 for a scene told to the listener ("you see a glimmering blue face", "you can hear…"): a story, not a point."""
    return 0.75 if _SCENE.search(folded) else 1.0


def pitch_factor(folded: str) -> float:
    """0.6 for the words of an ad or self-promotion ("there's a reason X is ranked…", "the number one…")."""
    return 0.6 if _AD.search(folded) else 1.0


#: Words of story narration: bodily action, stealth, violence, the uncanny (folded forms).
_STORY_WORDS = (  # not the words talk uses too: "scope creep", "crawl", "grab", "Whisper", "peer", "stumble upon", "take a stab"
    "creeps creeping crept yank yanks yanking yanked stabs stabbing stabbed scream screams screaming screamed"
    " fades faded vanishes vanished stare stares staring stared glare glares glaring glared"
    " flee flees fleeing fled sneak sneaks sneaking snuck sneaked"
    " murders murdering murdered murderer bleed bleeds bleeding bled"
    " tremble trembling trembled shiver shivering shivered gasp gasps gasping gasped glimmer glimmering glimmered"
    " lurk lurks lurking lurked haunted weep weeps weeping wept sob sobs sobbing sobbed"
    " howl howls howling howled shriek shrieks shrieking shrieked peering peered grin grins grinning grinned"
    " sigh sighs sighing sighed darkness demon demons corpse corpses coffin graveyard cemetery witch witches satan"
)
_STORY = frozenset(_STORY_WORDS.split())


def story_factor(folded: str) -> float:
    """0.6 for a passage that narrates a tale: a word of bodily action, stealth, violence or the uncanny.

    On the tuning labels every passage with one was story narration ("Bloody Mary creeps
    through the streets…", "In the darkness, … is grabbing at them"); none passed. Words that
    talk uses as often ("grab", "crawl", "whisper", "peer", "scope creep") are not counted.
    """
    return 0.6 if any(w in _STORY for w in folded.split()) else 1.0


#: Share of an episode's sentences with a story word from which the episode is told as a story.
STORY_EPISODE = 0.03
#: Fewest story sentences that make an episode a tale: in a short transcript one vivid word ("vanishes")
#: is already 3%, and a share measured on a few sentences says nothing.
STORY_EPISODE_MIN_SENTENCES = 5
#: Factor for every passage of an episode told as a story: its few picks must rest on more than narration.
STORY_EPISODE_FACTOR = 0.8


def genre_factor(sentences: list[str]) -> float:
    """`STORY_EPISODE_FACTOR` for an episode told as a story (a horror tale, true crime), else 1.

    On the tuning set, talk episodes have story words in at most 0.2% of their sentences; a
    story show's tale had them in 7.4%, and every one of its picks failed.
    """
    if not sentences:
        return 1.0
    told = sum(1 for sentence in sentences if any(w in _STORY for w in words(sentence)))
    is_tale = told >= STORY_EPISODE_MIN_SENTENCES and told / len(sentences) >= STORY_EPISODE
    return STORY_EPISODE_FACTOR if is_tale else 1.0


def enumeration_factor(text: str) -> float:
    """0.55 for a passage that is an item of a list said before ("Two, to time travel back…", "Second is…")."""
    return 0.55 if _ENUMERATION.match(text) else 1.0


def definite_factor(text: str) -> float:
    """0.75 for a passage whose subject is "the" + a common noun: mostly a thing named before.

    "The infrastructure is…", "The new projects…", "The reality is…": on the tuning labels,
    one passage opening so in eight passed; a named subject ("The AI…") is not lowered.
    """
    return 0.75 if _DEFINITE.match(text) else 1.0


def answer_factor(folded: str) -> float:
    """0.5 for a passage that ends on a bare "yes"/"no"/"right": the answer to a question asked before."""
    return 0.5 if _ANSWER_END.search(folded) else 1.0


def spoken_factor(text: str) -> float:
    """0.8 for each spoken filler kept in the text (at most three counted)."""
    return 0.8 ** min(3, len(_SPOKEN.findall(text)))


def vague_factor(folded: str) -> float:
    """0.8 for each placeholder ("one thing", "such a…", "these are…"), at most three counted."""
    return 0.8 ** min(3, len(_VAGUE.findall(folded)))


#: First words of an opening phrase that sets a scene or frames the claim ("In 2020,", "If so,", "Nowadays,"), not a topic.
_FRAMING_WORDS = (
    "in on at for with from about to by of into after before during since until if when whenever while because although"
    " though unless once as now today nowadays yesterday eventually sometimes often usually again however so and but or"
    " also then otherwise instead still yet even just especially here there yes no yeah well okay ok look listen plus"
    " either whether what where why how who which whatever wherever whoever like unlike despite without within across"
    " through over under between among around against beyond than rather given assuming according thanks due back"
    " long last next first second third finally meanwhile years months weeks days"
)
_FRAMING = frozenset(_FRAMING_WORDS.split())
_OPENING_PHRASE = re.compile(r"^([^,;:.!?]+),")


def dislocation_factor(text: str) -> float:
    """0.6 for a passage that opens on a noun phrase without a verb, then a comma ("Models, the open models aren't…").

    What comes before the comma is not a framing phrase ("In 2020,", "If so,",
    "Nowadays,") but a topic named on its own, a list or a phrase said again: spoken
    restarts and answers to a question. On the tuning labels 8 of 9 such passages failed.
    A participle after the noun ("King standing in the corner of the castle, camera falls…")
    makes no clause either: a scene told in fragments. One opening the phrase ("Looking
    back, …", "Asked about it, …") frames the sentence and is left alone.
    """
    opening = _OPENING_PHRASE.match(text)
    if opening is None:
        return 1.0
    tokens = words(opening.group(1))
    if not tokens or tokens[0] in _FRAMING or tokens[0].endswith("ly") or _participle(tokens[0]):
        return 1.0
    if any(t in VERB_FORMS and (i == 0 or tokens[i - 1] not in _NOUN_BEFORE) for i, t in enumerate(tokens)):
        return 1.0
    return 0.6


def _participle(word: str) -> bool:
    """True for a folded word that looks like a participle ("looking", "asked"), not "king" or "something"."""
    return (word.endswith("ing") and len(word) > 5 and not word.endswith("thing")) or (
        word.endswith("ed") and len(word) > 4
    )


#: Words after which a verb form is a noun ("at the end", "a record", "our work").
_NOUN_BEFORE = frozenset(
    ["the", "a", "an", "this", "that", "his", "her", "their", "our", "my", "your", "its", "every", "each"]
)


_TIME_REFERENCE = re.compile(
    r"\b(?:that|those) (?:day|days|night|week|month|year|morning|evening|afternoon|time|times|point|moment|era|period|weekend)\b"
    r"|\bback then\b|\bat the time\b|\bby then\b|\buntil then\b|\bsince then\b"
)


def time_reference_factor(folded: str) -> float:
    """0.5 for a passage set at a time named earlier ("that day", "at the time", "back then").

    The reader of a digest does not know which day or time; on the tuning labels all six
    candidates with one failed.
    """
    return 0.5 if _TIME_REFERENCE.search(folded) else 1.0


#: An intensified comparative ending a sentence ("way worse.", "even harder.", "much faster."), with no "than" in it.
_COMPARISON = re.compile(
    r"\b(?:way|much|even|far|a lot|lot|so much|a bit|slightly|significantly) (?:more \w+|less \w+|\w+er|worse|better|more|less)[.!]"
)


def comparison_factor(text: str) -> float:
    """0.6 for a sentence that compares with something not in it ("Most cancer treatments are way worse.").

    "Way worse", "even harder", "much faster" ending a sentence without a "than" measure
    against something said before: than what?
    """
    for sentence in (m.group() for m in _SENTENCE.finditer(text)):
        lowered = sentence.lower()
        if _COMPARISON.search(lowered) and " than " not in lowered:
            return 0.6
    return 1.0


_EVERYONE = re.compile(
    r"^(?:sometimes |most |many |some )?(?:people|everyone|everybody|nobody|no one|someone|somebody|a lot of people)\b(?! (?:who|that|which|with|in|at|from|like)\b)"
)


def everyone_factor(folded: str) -> float:
    """0.75 for a passage whose subject is people nobody names ("People come to the podcast to get the content").

    Said of people in general, a claim is a platitude or a view reported from no one in
    particular; on the tuning labels none of the passages opening so passed. "People who…"
    and "people in…" say which people and are left alone.
    """
    return 0.75 if _EVERYONE.match(folded) else 1.0
