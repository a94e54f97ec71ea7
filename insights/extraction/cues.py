"""Word lists and patterns that tell a passage leans on its context; used by `standalone`.

Patterns run on folded text (`insights.text.words` joined by spaces: lower case, no
punctuation, "don't" as "don t") unless they say otherwise.
"""

from __future__ import annotations

import re

#: Openers that lean on the sentence before: conjunctions and connectives ("Now you have…": as against before).
CONNECTIVES = frozenset(
    [
        "and",
        "but",
        "so",
        "because",
        "also",
        "or",
        "nor",
        "yet",
        "plus",
        "then",
        "though",
        "which",
        "whereas",
        "however",
        "therefore",
        "thus",
        "hence",
        "anyway",
        "anyways",
        "besides",
        "instead",
        "otherwise",
        "meanwhile",
        "again",
        "likewise",
        "similarly",
        "furthermore",
        "moreover",
        "additionally",
        "consequently",
        "secondly",
        "thirdly",
        "lastly",
        "finally",
        "still",
        "now",
    ]
)
#: Openers that point back at something said before.
REFERENCES = frozenset(
    [
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "they",
        "them",
        "their",
        "theirs",
        "he",
        "she",
        "him",
        "her",
        "his",
        "hers",
        "such",
    ]
)
#: Answers, backchannels and interjections.
INTERJECTIONS = frozenset(
    [
        "yeah",
        "yes",
        "yep",
        "no",
        "nope",
        "right",
        "okay",
        "ok",
        "oh",
        "well",
        "sure",
        "exactly",
        "absolutely",
        "totally",
        "definitely",
        "true",
        "wow",
        "hey",
        "hi",
        "hello",
        "cool",
        "great",
        "awesome",
        "agreed",
        "indeed",
        "mhm",
        "huh",
        "like",
    ]
)
#: Third-person pronouns that need someone named before them.
THIRD_PERSON = frozenset(["they", "them", "their", "theirs", "he", "him", "his", "she", "her", "hers"])
#: Words that can be what "they" or "she" stands for, though they do not end in -s.
PERSON_NOUNS = frozenset(
    [
        "people",
        "children",
        "kids",
        "men",
        "women",
        "everyone",
        "everybody",
        "someone",
        "somebody",
        "anyone",
        "anybody",
        "person",
        "team",
        "staff",
        "folks",
        "audience",
        "family",
        "company",
        "candidate",
        "user",
        "customer",
        "colleague",
        "manager",
        "listener",
        "guest",
        "founder",
        "reader",
        "employee",
        "child",
        "parent",
        "friend",
        "partner",
        "boss",
        "host",
        "doctor",
        "patient",
        "therapist",
        "client",
        "student",
        "teacher",
    ]
)

#: Openings that refer back to a list or a point made before (case-folded text, punctuation kept).
REFERRING_OPENING = re.compile(
    r"^(?:(?:one|some|all|many|most|each|both|none|any) of (?:those|these|them|that|this)|the (?:other|same|former|latter"
    r"|second|third|next|last one|first one)\b|another\b|other\b|both\b|either\b|neither\b|here(?:'s|’s| is| are)"
    r"|as i (?:said|mentioned)|like i said|for (?:example|instance)|in other words|not only that|on the other hand"
    r"|at the same time|after that|before that|because of (?:that|this)|in fact|that'?s why|which is why|now,"
    r"|as you(?:'d|’d| had| have)? (?:said|mentioned)|whatever that|(?:the )?(?:first|second|third|fourth|fifth"
    r"|final|last|next|other) (?:reason|thing|step|tip|point|one|mistake|way|example|part)s?\b"
    r"|(?:first|second|third|next|last|finally)(?: one)? (?:is|was|up|off)\b|(?:first|second|third|firstly|secondly)\b"
    r"|one (?:is|was|example|more|other|thing (?:is|was))\b|the one (?:that|who|which|where|i|you|we|they)\b"
    r"|(?:your|his|her|their) (?:point|question|comment|take|example)\b|to (?:your|his|her|that) point\b"
    r"|(?:that|this)(?:'s|’s| is| was) (?:the|a|an|what|why|how|where|when|exactly|really|kind)\b"
    r"|(?:the|that|this) same\b)"
)
#: Subjects that are answers to something asked or said before ("The answer is no").
CONTEXT_SUBJECT = re.compile(
    r"^the (?:answer|idea|results?|only (?:thing|problem|catch|difference)|number one|question|plan|point|rest|summary"
    r"|company|team|product|tool|project|guy|basic example|example|demo|first one|app|site|show|book"
    r"|outcome|verdict|upshot|problem|issue|catch)\b"
)
#: "It" with a clause after it is a dummy subject, not a pointer ("It is important to…").
DUMMY_IT = re.compile(
    r"^it(?:'s|’s| is| was| can be| will be)\s+(?:\w+\s+){0,2}?(?:important|key|critical|essential|crucial|hard|easy"
    r"|difficult|possible|impossible|better|best|worth|common|normal|natural|true|helpful|useful|vital|wise|smart"
    r"|rare|likely|unlikely|guaranteed|clear|obvious|okay|fine|tempting|tough|fundamental)\b"
    # the adjective is the predicate and the clause it is about follows it ("it's hard for a new show to…"), not a
    # noun it describes ("It's just fundamental behavior of the garbage collector that…": "it" points back)
    r",?(?:\s+[\w'’]+){0,4}?\s+(?:to|that|when|if|how|because|whether|being)\b",
    re.IGNORECASE,
)
#: "It's easy to do": an infinitive with no object after it leaves "it" as that object, said before (folded text).
OBJECTLESS_INFINITIVE = re.compile(
    r"^it s (?:\w+ ){0,2}?\w+ to (?:do|use|get|make|build|see|find|say|fix|learn|understand|miss|forget|ignore|beat"
    r"|tell|handle|manage|sell|read|follow|remember|explain|love|hate|like|set up|figure out|pull off)"
    r"(?= (?:that|and|but|so|if|when|because|for|with|now|right|too|anyway)\b|$)"
)
#: A sentence cut before its main clause: "no matter how good the content is, if your audio quality isn't good."
#: (on the text as written)
OPEN_ENDING = re.compile(
    r"\bno matter (?:how|what|who|where|when)\b[^.?!]*,\s*(?:if|when|unless)\b[^,.?!]*[.!?…]*$", re.I
)
#: Chit-chat, greetings, housekeeping and sponsor reads, anywhere in a passage.
CHATTER = re.compile(
    r"\b(?:thanks? (?:you )?(?:so much |very much )?for (?:having|joining|coming|listening|tuning)|thank you"
    r"|welcome (?:to|back)|(?:great|good) to (?:have|see) you|(?:happy|glad|good) to be here"
    r"|subscribe|sponsor(?:ed|s|ship)?|brought to you by|promo code|coupon code|use (?:the )?code|free trial"
    r"|(?:in|to|from) (?:the|our|my) show ?notes|patreon|rate and review|leave (?:us )?a review|follow (?:us|me) on"
    r"|head over to|link (?:in|below)|(?:in|on) (?:this|today s|todays|the next|next week s) (?:episode|show)"
    r"|this episode|next (?:week|episode|time)|see you (?:next|soon|then|there|later)|talk (?:to you )?soon"
    r"|my name is|i m your host|i am your host|joining me|joined by|nice to meet|how are you|without further ado"
    r"|let s (?:get started|dive in|jump in|get into it)|stay tuned|after the break|be right back"
    r"|check (?:it |them |this |that )?out|sit (?:down )?with|sat down with|(?:switch|shift|change) gears"
    r"|number one best|of all time|appreciate (?:it|you|that|this|the)|shout ?out|sign up for|discount code"
    r"|on (?:the|this|our|my) (?:show|podcast|channel)|our guest|my guest|today (?:we|i) (?:re|m|are|am|have|ll)"
    r"|let s talk about|let s (?:go|come|get|jump|move) (?:back|on|over)\b|(?:i|we) (?:want|wanted|d love|would love) to (?:ask|talk|hear|get|switch|dig|bring)"
    r"|tell (?:us|me) (?:about|more|a little)|before we (?:go|wrap|get|dive|start)|where can (?:people|listeners|folks)"
    r"|find you|youtube channel|on twitter|on instagram|on linkedin|on tiktok|our discord|our slack"
    r"|thanks? (?:again|so much|a lot|for)|thank you|(?:great|good|fun) (?:conversation|chat|talking)"
    r"|(?:love|loved) (?:that|this|it)\b(?! \w+ (?:is|are)\b))\b"
)
#: An episode described rather than an insight said: show-notes blurbs and hosts' previews.
SUMMARY = re.compile(
    r"\b(?:joins? (?:the show|us|me|host)|(?:in|on) (?:this|today s|the latest) (?:episode|interview|conversation|installment)"
    r"|(?:the|this|our|their) (?:conversation|discussion|episode|interview|show|chat) (?:also |then |now )?(?:touches|explores"
    r"|covers|reflects|focuses|turns|looks|dives|delves|features|includes|examines|highlights|wraps)"
    r"|(?:they|we|he|she|hosts?|guests?|the two|both) (?:also |then |now |briefly )?(?:note|notes|noted|argue|argues|argued"
    r"|emphasi[sz]ed?|emphasi[sz]es|emphasi[sz]ing|highlight|highlights|highlighted|discuss|discusses|discussed|explore"
    r"|explores|explored|delve|delves|delved|chat|chats|chatted|reflect|reflects|reflected|touch|touches|touched"
    r"|talk about|talks about|talked about|dive into|dives into|dig into|digs into|cover|covers|covered|unpack|unpacks)\b"
    r"|(?:discuss|discusses|discussed|discussing|explores?|exploring|delves? into|delving into|chats? about|chatted about"
    r"|touch(?:es)? on|ruminat\w+ on|venture into|ventures into) (?:the|how|what|why|his|her|their|a|an|some)\b"
    r"|this week s|episode \d+|ep \d+|today s (?:show|episode)|discussing|listen in|(?:is|are|re) back (?:at it|for|with)|sat down (?:at|for|to)"
    r"|another (?:episode|installment|edition|round)|award winning|(?:host|creator|author|founder|curator) of"
    r"|let (?:me|us) know|(?:try|download|grab|get) (?:a|our|the|your) (?:new |free )?(?:podcast )?(?:app|copy|book|ticket)"
    r"|is here to|we do this by|(?:chat|chats|chatted|chatting) (?:\w+ )?(?:about|with)|regularly scheduled|at our favou?rite)"
)
#: Web addresses and domains ("podcastindex.org", "https://…"), on the passage as written.
ADDRESS = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|org|net|io|fm|co|ai|dev|app|show|tv|me|ly|us|uk)\b", re.I
)
#: The people in the room spoken to ("You both do the eyebrow…", "you guys"): talk between the speakers.
IN_THE_ROOM = re.compile(r"\byou (?:both|two|guys|all|folks)\b(?! (?:of|who|that)\b)")
#: Replies that only make sense after someone else spoke, at the start.
REPLY = re.compile(
    r"^(?:(?:that s|that is|you re|you are) (?:right|true|so true|a (?:great|good) point|exactly)|makes sense"
    r"|fair enough|i love that|go ahead|i (?:would |d )?(?:totally |completely )?agree|(?:great|good) (?:question|point)"
    r"|(?:interesting|great|good|nice|cool|fun|awesome|amazing|crazy|funny|sad|glad|neat) (?:to|that|how)"
    r"|just in case|in case|(?:looks|sounds|seems|feels) (?:pretty |really |very |so )?(?:cool|good|great|nice|fun|right|like)"
    r")\b"
)
#: Personal stories: told in the past, or dated relative to the day of recording.
ANECDOTE = re.compile(
    r"\b(?:yesterday|last night|last week|this morning|tonight|the other day)\b"
    r"|^(?:i|we) (?:just |actually |recently |once |finally |eventually )?(?:was|were|had|went|got|did|remember|said"
    r"|told|saw|heard|spent|made|built|took|came|bought|sold|left|lost|wrote|ran|began|met|sat|thought|felt|knew"
    r"|(?!(?:learned|realized|realised|discovered|noticed|figured|concluded)\b)\w+ed)\b"
)
#: Questions without their question mark.
ASKING = re.compile(
    r"^(?:(?:do|does|did|is|are|was|were|can|could|would|should|will|have|has) (?:you|i|we|they|it|he|she|there)\b"
    r"|(?:what|how|why|where|when|who|which) (?:do|does|did|is|are|was|were|can|could|would|should|will|has|have)\b"
    r"|what if\b|what about\b|how about\b)"
)
#: Pointers back at something said before, anywhere in a passage.
BACK_REFERENCE = re.compile(
    r"\b(?:in (?:this|that) (?:regard|sense|case|analogy|example|scenario)|like (?:i|you) said|as (?:i|you) said"
    r"|(?:like|as|what) (?:\w+ ){1,2}(?:said|mentioned|was saying|pointed out|just said)"
    r"|(?:you|he|she|they) (?:just )?(?:said|mentioned)|to (?:your|his|her|that) point|(?:your|his|her) point"
    r"|i agree with|going back to|coming back to|back to (?:what|your|the)"
    r"|the (?:basic |first |second |last |other |same |previous |earlier )?(?:example|demo|screenshot|diagram|slide)\b"
    r"|(?:you|he|she|they) (?:say|said|mention|mentioned|ask|asked|bring up|brought up) (?:that|this|it)\b"
    r"|to (?:your|his|her|that) (?:\w+ )?point"
    r"|mean by (?:that|this)|(?:because of|on top of|apart from|other than|besides|beyond|after|before|similar to"
    r"|related to|going back to) (?:that|this)\b(?! \w+ (?:is|are|was|were)\b)"
    r"|what (?:i m|i am|you re|you are) (?:hearing|saying)|i hear (?:you|what you)"
    # the other speaker's aim or words: "…work for what you're trying to do", "what you're hinting at is…"
    r"|what (?:you re|you are|you were) (?:trying to do|describing|talking about|asking|getting at|hinting at|suggesting)\b"
    r"|\b(?:that|this) (?:out|up|down|off|away)\b(?! (?:of|to|until|there)\b)"  # "split that out": a thing said before
    r"|\b(?:the )?same (?:sort of |kind of )?thing\b"  # "same sort of thing": as the one said before
    r"|the (?:next|second|third|other|last|first) (?:thing|one|reason|step|tip|point)s?"
    r"|all (?:two|three|four|five|of) (?:of )?(?:these|those|them)"
    r"|(?:those|these) (?!who\b|that\b|which\b|of\b|are\b|were\b|days\b)\w+(?! (?:who|that|which|where|when)\b)"
    r"|(?:this|that) (?:(?:whole|same|other|first|last|particular|specific|entire|exact|one) )?(?:thing|things|one|ones"
    r"|stuff|idea|guy|situation|example|episode|money|moment|story"
    r"|problem|issue|conversation|study|book|song|place|project|approach|element|list|step|reason|product))\b"
)
#: Telling listeners what they think, to correct it later ("You probably think you need a studio").
SETUP = re.compile(r"\b(?:i know what you re thinking|you (?:probably|might|may) (?:be )?think(?:ing)?)\b(?!.*\bbut\b)")
#: Vague hedges that leave a claim unfinished.
HEDGES = re.compile(
    r"\b(?:i guess|or whatever|or something|stuff like that|and stuff|kind of thing|you know what i mean|a thing|stuff"
    r"|or what have you|and so on|and things)\b"
)
