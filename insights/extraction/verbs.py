"""Common English verbs in all their forms, to tell a claim ("Batching frees a week") from a fragment."""

from __future__ import annotations

#: Auxiliaries, modals and contraction tails as `insights.text.words` splits them ("don't" -> "don", "t").
AUXILIARIES = frozenset(
    ["is", "are", "was", "were", "be", "been", "being", "am", "isn", "aren", "wasn", "weren", "has", "have", "had", "hasn", "haven", "hadn", "do", "does", "did", "don", "doesn", "didn", "can", "could", "will", "would", "shall", "should", "may", "might", "must", "cannot", "won", "wouldn", "shouldn", "couldn", "re", "ve", "ll", "d", "s"]
)
#: Regular verbs: their -s and -ed forms are made below (-ing forms are left out: "recording tips" has no verb).
REGULAR = """accept achieve act add adjust affect agree aim allow announce answer appear apply argue arrive ask
assume attract avoid base believe belong benefit blame boost borrow bother call care cause change charge check
choose claim clean collect combine commit compare compete complain complete connect consider contain continue
control convert convince cook copy cost count cover crash create cry damage deal decide define deliver depend
describe deserve design destroy determine develop die differ disappear discover discuss distract divide double
download drop earn edit encourage end engage enjoy ensure enter equal escape establish estimate expect experience
explain explore express extend face fail fear figure fill finish fit fix focus follow force forgive form free
gain gather generate grab guarantee guess handle happen hate head help hire hope host ignore imagine implement
improve include increase influence inform interview introduce invest invite involve join judge jump kill kick
last laugh launch learn like limit link list listen live load look love manage mark market match matter measure
mention miss mix monetize move name need note notice obsess offer open order own pick pitch plan play point
post pour practice prefer prepare present pretend prevent print produce promise promote protect prove provide
publish pull push raise rank rate reach react realize receive recommend record reduce refer reflect refuse
regret relate relax release rely remain remember remind remove repeat replace reply report represent require
rest result return reveal review ruin save schedule score search seem separate serve settle share shift shout
sign smile solve sound spark start stay step stop struggle study submit succeed suffer suggest supply support
suppose survive switch talk target taste test thank tend touch track train transform travel treat trust try
turn type understand upload urge use value view visit wait walk want warn wash waste watch welcome wish wonder
work worry lower drive shape predict signal outperform outweigh undermine reward punish harm weaken
strengthen worsen speed slow delay halve trigger calm heal outlast vary scale compound motivate frustrate
bore confuse surprise scare inspire persuade retain underestimate overestimate prioritize prioritise
simplify complicate automate """
#: Irregular verbs: base, past and participle forms, all listed (their -s forms are made too).
IRREGULAR = """arise arose arisen beat beaten become became begin began begun bend bent bet bite bit bitten
blow blew blown break broke broken bring brought build built burn burnt buy bought catch caught come came cut
dig dug do did done draw drew drawn dream dreamt drink drank drunk drive drove driven eat ate eaten fall fell
fallen feed fed feel felt fight fought find found fly flew flown forget forgot forgotten freeze froze frozen get
got gotten give gave given go went gone grow grew grown hang hung hear heard hide hid hidden hit hold held hurt
keep kept know knew known lay laid lead led leave left lend lent let lie lay lain lose lost make made mean meant
meet met overcome overcame pay paid put quit read ride rode ridden ring rang rung rise rose risen run ran say
said see saw seen seek sought sell sold send sent set shake shook shaken shine shone shoot shot show showed shown
shut sing sang sung sink sank sit sat sleep slept speak spoke spoken spend spent split spread stand stood steal
stole stolen stick stuck strike struck swear swore sworn swim swam swum take took taken teach taught tear tore
torn tell told think thought throw threw thrown understand understood wake woke woken wear wore worn win won
write wrote written"""


def _third_person(verb: str) -> str:
    """"frees", "watches", "tries"."""
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _past(verb: str) -> str:
    """"freed", "watched", "tried"."""
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and len(verb) > 2 and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _forms() -> frozenset[str]:
    """Every listed verb with its made forms."""
    found = set(AUXILIARIES)
    for verb in REGULAR.split():
        found.update((verb, _third_person(verb), _past(verb)))
    for verb in IRREGULAR.split():
        found.update((verb, _third_person(verb)))
    return frozenset(found)


#: Every finite form of every verb above, folded ("frees", "freed", "beats", "beaten"…).
VERB_FORMS = _forms()


def is_verb_form(word: str) -> bool:
    """True for a folded word that is (also) a finite verb form."""
    return word in VERB_FORMS


def has_verb(tokens: list[str]) -> bool:
    """True when folded words hold a finite verb or something like one (a known verb form, or an -ed word)."""
    return any(t in VERB_FORMS or (len(t) > 4 and t.endswith("ed")) for t in tokens)
