"""The failure patterns of issue 12, each from real transcript sentences: what the extractor must not publish.

Sentences marked "issue 12" open exactly as the failing picks quoted there (the rest of
the sentence completes the thought); those marked with a fixture come verbatim from
the shared fixtures (the Buzzsprout CC0 example, Changelog's Brain Science #1); those
marked with an episode are quoted from the tune split of tests/data/extraction
(Changelog Media LLC transcripts, CC BY-SA 4.0, see tests/data/extraction/SOURCES.md).
"""

from __future__ import annotations

import pytest

from insights.extraction import extract_insights, is_standalone, standalone_score, strip_lead_in
from insights.extraction.extract import PUBLISH_THRESHOLD
from insights.extraction.garble import comma_splices, garble_factor
from insights.extraction.quality import command_factor, praise_factor
from insights.text import words
from insights.transcript import Segment

# --- Lead-ins: judged by what follows them ------------------------------------------------


@pytest.mark.parametrize(
    ("said", "core"),
    [
        (
            "I think that's really a significant lie, when we do struggle.",
            "That's really a significant lie, when we do struggle.",
        ),
        ("I'll tell you, I think that it's the hardest part of the job.", "It's the hardest part of the job."),
        ("You know, so yeah, podcasts are great.", "Podcasts are great."),
        ("I think the other dimension is how long it takes.", "The other dimension is how long it takes."),
        (
            "I think people forgive weak content sooner than bad sound.",
            "People forgive weak content sooner than bad sound.",
        ),
        ("And I think it works.", "And I think it works."),  # "And" is not a lead-in: it leans on what came before
    ],
)
def test_lead_ins_come_off_and_the_words_after_them_are_kept(said: str, core: str) -> None:
    assert strip_lead_in(said) == core


DANGLING_AFTER_LEAD_IN = [
    "I think that's really a significant lie, when we do struggle.",  # Brain Science #1
    "I think that's the reason why so many teams never ship the second version of their product.",  # issue 12
    "I think the other dimension is the amount of time that you have to spend maintaining all of it.",  # issue 12
    "I'll tell you, I think that it's the most underrated part of running an open source project today.",  # issue 12
    "One is, like Patrick said, the tooling around the language has gotten dramatically better over the years.",
    "One example is the way that the scheduler decides which of the jobs gets to run first on a busy machine.",
    "The one that surprised me the most was how much faster the builds got after we moved everything over.",
    "Your point, Adam, is that most developers never read the documentation before they reach for a library.",
]


@pytest.mark.parametrize("text", DANGLING_AFTER_LEAD_IN)
def test_an_opener_that_points_back_is_caught_behind_a_lead_in(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


def test_a_lead_in_before_a_claim_that_stands_alone_does_not_sink_it() -> None:
    text = "I think people forgive weak content far sooner than they forgive bad sound quality."
    assert is_standalone(text), standalone_score(text)


def test_an_it_inside_the_passage_with_nothing_before_it_to_stand_for_is_a_dangling_reference() -> None:
    pointing = "I think the best way to handle it is to tell them how it felt to you, without blaming anyone."
    resolved = "When your audio quality is bad, listeners leave, because nobody can fix it for them afterwards."
    dummy = "When you start a podcast, it is tempting to buy expensive gear before you have recorded anything."
    assert not is_standalone(pointing), standalone_score(pointing)
    assert is_standalone(resolved), standalone_score(resolved)
    assert is_standalone(dummy), standalone_score(dummy)


# --- Plugs, segues, banter, self-promotion ------------------------------------------------

CHATTER = [
    "If you want to see every app that supports transcripts, check out podcastindex.org and filter by feature.",
    "I'd love to switch gears a little bit and talk about the book that you wrote about memory last year.",
    "This is the number one best weekly podcast of all time, and we are very proud of every single episode.",
    "Appreciate it.",
    "I got to sit down with the creator of the language last week and we talked about where it is going.",
    "Head to changelog.com slash community to join thousands of developers who talk about this every day.",
]


@pytest.mark.parametrize("text", CHATTER)
def test_plugs_segues_banter_and_self_promotion_are_not_insights(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


def _talk(turns: list[tuple[str, str]], step: float = 30.0) -> list[Segment]:
    return [Segment(text, i * step, i * step + step - 1, speaker) for i, (speaker, text) in enumerate(turns)]


def test_a_host_question_and_segue_are_not_picked_while_the_answer_is() -> None:
    segments = _talk(
        [
            (
                "Host",
                "Most teams say that code review slows them down more than anything else in their process. "
                "Do you think code review is worth what it costs a small team?",
            ),
            (
                "Guest",
                "Code review catches design mistakes while they are still cheap to change, long before users "
                "ever see them.",
            ),
            (
                "Host",
                "Small teams often skip code review entirely because they are always racing to the next release. "
                "How do you convince them otherwise?",
            ),
            (
                "Guest",
                "Short reviews of small changes keep the whole team familiar with the code, which matters more "
                "than the bugs they catch.",
            ),
        ]
    )
    picked = [i.text for i in extract_insights(segments, limit=6)]
    assert picked and all(not text.startswith(("Most teams", "Small teams")) for text in picked)
    assert any(text.startswith("Code review catches") for text in picked)


# --- Complete thoughts beat fragments -------------------------------------------------------


def test_the_sentence_that_carries_the_point_is_kept_with_its_set_up() -> None:
    setup = "Most people who start a podcast buy an expensive microphone before they have recorded a single episode."
    payoff = "That is why their first ten episodes sound no better than a phone in a quiet closet would."
    other = [
        "Recording a short test clip before every interview catches most audio problems early on.",
        "Guests share the episodes they appear in, so booking guests with an audience grows a podcast.",
        "Consistent release days build a listening habit, and habits matter more than one viral episode.",
    ]
    segments = [Segment(f"{setup} {payoff}", 0.0, 20.0, "Ann")] + [
        Segment(text, 30.0 * (i + 1), 30.0 * (i + 1) + 20, "Ann") for i, text in enumerate(other)
    ]
    picked = [i.text for i in extract_insights(segments, limit=6)]
    assert f"{setup} {payoff}" in picked and setup not in picked


# --- Machine-transcript garble --------------------------------------------------------------


def test_stutters_and_broken_syntax_of_a_machine_transcript_score_low() -> None:
    fluent = "Good audio quality keeps listeners engaged, because people forgive weak content sooner than bad sound."
    garbled = "So the the thing is is that you you want to to make sure the a microphone is the and close."
    assert garble_factor(fluent) == 1.0
    assert garble_factor(garbled) < 0.2


def test_a_garbled_sentence_is_not_published_even_when_it_would_stand_alone_cleaned() -> None:
    garbled = (
        "The the best way to to grow a a podcast is is to be a guest on on shows with with the a similar audience."
    )
    segments = [
        Segment(garbled, 0.0, 10.0, "Speaker 1"),
        Segment("Thanks for listening, see you next week.", 10.0, 12.0),
    ]
    assert extract_insights(segments, limit=6) == []


# --- A calibrated score and a threshold -----------------------------------------------------


def test_scores_are_between_0_and_1_and_nothing_below_the_threshold_is_published() -> None:
    segments = _talk(
        [
            (
                "Ann",
                "Good audio quality keeps listeners engaged, because people forgive weak content sooner than bad "
                "sound.",
            ),
            ("Ann", "I think that's the reason why so many shows never get to a second season of episodes at all."),
            ("Ann", "Appreciate it, thanks so much for coming on the show today, this was a great conversation."),
        ]
    )
    found = extract_insights(segments, limit=6)
    assert [i.text[:10] for i in found] == ["Good audio"]
    assert all(PUBLISH_THRESHOLD <= i.score <= 1.0 for i in found)


# --- Spoken repairs and stutters kept in transcripts (tune split picks judged not well-formed) --------


@pytest.mark.parametrize(
    "said",
    [
        "Be a guest on other people's podcasts, but not just anyone's podcast podcasts that have a similar target "
        "audience that you do.",  # buzzsprout-example.srt (CC0)
        "The voice models that do text to voice, again they don't stream in the input.",  # The Changelog #673
        "GPT-4o has got some annoying, the OpenAI endpoints have some annoying inconsistencies in latency.",  # #673
        "Models, the open models aren't as good as the closed models, the ones you pay for.",  # Changelog & Friends #125
        "In commenting on show four or eight through a called a diatribe, which means a rant or critic writing.",  # HPR
        "OCR in general, you don't realize how bad it is until like you actually try to scan something in the real "
        "world.",  # Changelog & Friends #125
    ],
)
def test_spoken_repairs_stutters_and_mishearings_count_as_garble(said: str) -> None:
    assert garble_factor(said) <= 0.8


@pytest.mark.parametrize(
    "said",
    [
        "Workstation motherboards are a great hack to not have to go server grade and not go consumer grade.",  # #125
        "What you don't want to do is combine two things that both hit the kidneys, because your kidneys are going "
        "to be over capacity, and that's not good.",  # The Changelog #672: a word said twice on purpose
        "If you're building a server with server grade hardware, a lot of people are buying them used.",  # #125
    ],
)
def test_fluent_sentences_are_not_taken_for_garble(said: str) -> None:
    assert garble_factor(said) == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Looks pretty cool. It's going to be a facade on top of TrueNAS because they're going to use TrueNAS APIs.",
        "Interesting to hear from someone coming from Windows to Linux with an open mind.",  # HPR community news
        "First CLI is the important piece. And then you layer on the MCP server on top of your CLI.",  # #125
        "I'll say the curated or the trusted open source content is something that was popular there.",  # Founders Talk
        "When the user finishes speaking, the basic example sends your Next.js API route a webhook with the user text.",
        "What if in your own branch, as a sales development representative, all they need is an interface.",  # #673
        "Today's show is entitled, HPR Community News for April 2024.",  # HPR community news
    ],
)
def test_reactions_list_steps_places_and_examples_named_before_do_not_stand_alone(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


def test_a_timed_transcript_gets_at_least_three_insights_an_hour_from_the_floor_up() -> None:
    from insights.extraction.extract import FLOOR, MIN_PER_HOUR

    claims = [
        "Workstation motherboards are a great hack to not have to go server grade and not go consumer grade.",
        "Collaboration should never get in the way of making individual progress on a small team.",
        "Interviewing guests with a large audience is one of the best marketing strategies for podcasters.",
        "Companies always need people who can get things done themselves and get them over the finish line.",
    ]
    hour = [Segment(text, i * 900.0, i * 900.0 + 30, "Ann") for i, text in enumerate(claims)]
    found = extract_insights([*hour, Segment("Thanks for listening.", 3599.0, 3600.0, "Ann")], limit=6)
    assert len(found) >= MIN_PER_HOUR and all(i.score >= FLOOR for i in found)


def test_a_sentence_cut_before_its_main_clause_gives_way_to_the_passage_that_completes_it() -> None:
    # buzzsprout-example.srt (CC0): the ASR put a period in the middle of the thought.
    cut = (
        "Creating good audio is really key to keeping your podcast listeners engaged because no matter how good "
        "the content is, if your audio quality isn't good."
    )
    rest = "It's unfortunately just going to turn them away."
    assert not is_standalone(cut), standalone_score(cut)
    assert is_standalone(f"{cut} {rest}")


def test_a_question_behind_a_lead_in_is_still_a_question() -> None:
    text = (
        "Technically, what if you constantly wrote to a file locally and then at some point you send a call "
        "that sends the end versus packaging it up."
    )  # The Changelog #673
    assert not is_standalone(text), standalone_score(text)


# --- Comma splices: a main clause running on into another after a comma ----------------------


@pytest.mark.parametrize(
    "said",
    [
        "If you have a scripted podcast, you have to line up interviews, you need to record the episode.",  # buzzsprout
        "Cloudflare workers start up in the time while the SSL negotiations are happening, the worker has already "
        "started.",  # The Changelog #673
    ],
)
def test_a_main_clause_running_on_after_a_comma_into_another_is_a_comma_splice(said: str) -> None:
    assert comma_splices(said) == 1
    assert garble_factor(said) <= 0.7


@pytest.mark.parametrize(
    "said",
    [
        "If you're building a server with server grade hardware, a lot of people are buying them used.",  # #125
        "Just because you change the database, it doesn't mean that the reads come back quickly.",  # #125
        "And when we can't touch people, hold people and really have a connection with people, we're lonely.",  # BS #1
        "In order to go fast, collaboration should never get in the way from making individual progress.",  # #672
        "The thing is that when you ship it, you learn what people want.",
        "Podcasts are a great way to reach people, you know, because they listen for an hour.",
    ],
)
def test_a_subordinate_clause_or_an_aside_before_the_comma_is_not_a_comma_splice(said: str) -> None:
    assert comma_splices(said) == 0


# --- Praise and pitches: how good something is, not what it is or why -----------------------


@pytest.mark.parametrize(
    "text",
    [
        "Kilo has great agentic coding, but the best reason to use it is that it's all in one.",  # The Changelog #672
        "There are so many places where voice AI will be super valuable, super fun, and isn't implemented yet.",  # #673
        "Solomon did a fantastic job, that to this day we continue to benefit from.",  # Founders Talk #97
        "We're so excited to share what the team has been building with all of you.",
    ],
)
def test_praise_and_product_pitches_are_marked_down_as_not_substantive(text: str) -> None:
    assert praise_factor(" ".join(words(text))) <= 0.8


@pytest.mark.parametrize(
    "text",
    [
        "Workstation motherboards are a great hack to not have to go server grade and not go consumer grade.",  # #125
        "Interviewing noteworthy guests that have a significant audience is actually one of our favorite marketing "
        "strategies for podcasters.",  # buzzsprout-example.srt (CC0)
    ],
)
def test_one_word_of_praise_beside_a_claim_does_not_mark_it_down(text: str) -> None:
    assert praise_factor(" ".join(words(text))) == 1.0


def test_a_passage_that_trails_off_scores_well_below_the_same_words_finished() -> None:
    said = "Docker counts 30 million monthly downloads of Docker Engine and 25 million downloads of BuildKit"
    assert standalone_score(said + "...") <= 0.55 * standalone_score(said + ".")  # after Founders Talk #97


def test_an_opening_now_sets_the_claim_against_a_before_said_earlier() -> None:
    text = "Now you have one person and a whole team of agents working on something."  # The Changelog #672
    assert not is_standalone(text), standalone_score(text)
    assert is_standalone("One person can now have a whole team of agents working on a product.")


@pytest.mark.parametrize(
    "text",
    [
        "You're still in the 600 to 800 bucks, maybe a thousand dollars for the motherboard.",  # Changelog & Friends #125
        "Sometimes that's the value part too and you enjoy the process of building your own server.",  # after #125
        "Podcasters also need to think about how their episodes sound on a phone speaker in a noisy room.",
    ],
)
def test_still_also_and_too_in_the_first_clause_carry_on_from_something_said_before(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


@pytest.mark.parametrize(
    "text",
    [
        "You might as well have two models work, and then see which one has a better result.",  # The Changelog #672
        "Editing takes either an afternoon or a whole day for a one-hour episode.",
        "Batching saves time, and it also keeps the sound of every episode the same.",
    ],
)
def test_as_well_either_or_and_a_later_also_do_not_point_back(text: str) -> None:
    assert is_standalone(text), standalone_score(text)


def test_an_it_after_words_that_are_verbs_has_nothing_to_stand_for() -> None:
    text = (
        "There's no IDs to pass through because it thinks it's the true owner of the disks."  # Changelog & Friends #125
    )
    assert not is_standalone(text), standalone_score(text)
    assert is_standalone("The episode is short enough to download quickly, and it plays without a connection.")


# --- Commands to the people in the room: steps of a walk-through, not insights ---------------


@pytest.mark.parametrize(
    "text",
    [
        "Type in a couple of lines of text, and then that turns into a thing.",  # Founders Talk #97
        "Just pretend you want to run Proxmox on it now.",  # Changelog & Friends #125
        "Learn the mistake, go down the wrong road for the learning, and make the prompt better.",  # The Changelog #673
    ],
)
def test_a_passage_opening_on_a_command_to_the_listener_is_marked_down(text: str) -> None:
    assert command_factor(words(text)) < 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Record a month of episodes in one week, because batching saves hours of setting up.",  # a tip with its reason
        "Trust takes years to build and a day to lose.",  # a noun that is also a verb, as the subject
        "Interviewing noteworthy guests that have a significant audience is actually one of our favorite marketing "
        "strategies for podcasters.",  # buzzsprout-example.srt (CC0)
    ],
)
def test_a_tip_with_its_reason_or_a_noun_subject_is_not_taken_for_a_command(text: str) -> None:
    assert command_factor(words(text)) == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "It's so easy to do that you can build something ridiculous and fun that you've always wanted to do.",  # #673
        "A lot of people will go back and forth whether you need it or not.",  # Changelog & Friends #125
    ],
)
def test_an_it_that_is_the_object_of_what_was_said_before_is_a_dangling_reference(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


def test_an_it_standing_for_the_infinitive_after_it_is_a_dummy_subject() -> None:
    assert is_standalone("It's important to do the research before you buy a microphone for your podcast.")


def test_a_period_the_machine_put_before_the_main_clause_counts_as_garble() -> None:
    # buzzsprout-example.srt (CC0): the passage that joins both halves stands alone, but reads broken.
    cut = (
        "Creating good audio is really key to keeping your podcast listeners engaged because no matter how good "
        "the content is, if your audio quality isn't good."
    )
    assert garble_factor(cut) <= 0.6
    assert garble_factor("No matter how good the content is, bad audio will turn listeners away.") == 1.0


@pytest.mark.parametrize(
    "text",
    [
        "Rather than one year later, Tim, we should talk in three months.",  # Changelog & Friends #125: said to a host
        "Let's go back to Chris from Crosstalk and what he said about running models at home.",  # after #125: a segue
        "You have to buy a card that can actually split that out into four individual lanes.",  # #125: 'that' said before
        "If you have a special vdev, you move it off of there so you can keep the metadata on NVMe.",  # after #125
    ],
)
def test_talk_to_the_other_speakers_segues_and_things_pointed_at_do_not_stand_alone(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


@pytest.mark.parametrize(
    "text",
    [
        "Docker, BuildKit and Compose are downloaded millions of times a month by developers.",
        "The one thing that up until now held teams back was the cost of running their own servers.",
    ],
)
def test_names_in_a_list_and_that_before_until_are_not_taken_for_talk_in_the_room(text: str) -> None:
    assert is_standalone(text), standalone_score(text)


def test_that_are_after_a_verb_of_saying_or_knowing_is_a_phrase_started_twice() -> None:
    said = (
        "Docker can be pretty complex, and we see that are our responsibility is to keep lowering the friction for "
        "new developers."
    )  # Founders Talk #97
    assert garble_factor(said) <= 0.6
    assert garble_factor("We know that teams which ship weekly learn faster than the ones that are careful.") == 1.0


def test_the_same_sort_of_thing_points_at_the_thing_said_before() -> None:
    text = (
        "Replicate, same sort of thing - when you contribute a model to Replicate and run the model in the cloud, "
        "you contribute it in a Docker container."
    )  # Founders Talk #97
    assert not is_standalone(text), standalone_score(text)


def test_the_opening_subject_said_again_after_a_dash_is_a_spoken_repair() -> None:
    said = "BuildKit, which is a subcomponent of the stack - BuildKit is downloaded 30 million times a month."  # FT #97
    assert garble_factor(said) <= 0.7
    assert garble_factor("BuildKit - the build engine inside Docker - is downloaded 30 million times a month.") == 1.0


def test_an_it_after_only_plural_nouns_has_nothing_to_stand_for() -> None:  # big-tent-s2e10
    assert standalone_score("For 3D printers it was probably the use of load cell data.") < 0.5
    assert standalone_score("For a 3D printer it was probably the use of load cell data that mattered most.") >= 0.5


@pytest.mark.parametrize(
    "text",
    [
        "There's possibly hundreds of queries that could technically work for what you're trying to do, and there's no single one that's guaranteed to be the right one.",  # ship-it-134
        "I think what you're hinting at is that the cost will go up.",  # changelog-672
    ],
)
def test_what_the_other_speaker_is_trying_to_do_or_hinting_at_needs_the_conversation(text: str) -> None:
    assert not is_standalone(text), standalone_score(text)


def test_what_you_are_doing_as_a_generic_you_is_not_a_pointer() -> None:  # ship-it-134
    text = "There's different garbage collectors, and you need to tune them in different manners, depending on what you're doing."
    assert is_standalone(text), standalone_score(text)


def test_the_speakers_spoken_to_as_you_both_is_talk_in_the_room() -> None:  # ship-it-134
    assert not is_standalone("You both do the eyebrow right before you say something shady, and it's the best.")
    assert is_standalone("Teams that deploy on Fridays need a rollback that all of you can run without asking anyone.")


def test_an_it_before_an_adjective_that_describes_a_noun_is_not_a_dummy_subject() -> None:  # ship-it-134, friends-125
    pointing = "It's just fundamental behavior of the garbage collector that needs to work a certain way compared to how you would want it to work in a battery-constrained device."
    dummy = (
        "It's very difficult right now to get your hands on server parts, because everyone is building data centers."
    )
    assert not is_standalone(pointing), standalone_score(pointing)
    assert is_standalone(dummy), standalone_score(dummy)
