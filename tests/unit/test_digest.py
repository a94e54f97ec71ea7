"""Choosing a channel's top five from the recent window."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from insights.digest import DigestPick, DigestRules, agreement, build_pool, freshness, select_digest
from insights.model import Insight
from insights.topics import topic_relevance

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def insight(id: int, text: str, podcast: str, days_old: float = 1.0, topics: tuple[str, ...] = ()) -> Insight:
    return Insight(id, text, podcast=podcast, published_at=NOW - timedelta(days=days_old), topics=topics)


WINDOW = [
    insight(1, "New export controls will squeeze Chinese chipmakers next year.", "Chip Lines"),
    insight(2, "Next year the new export controls will really squeeze Chinese chipmakers.", "Macro Hour"),
    insight(3, "Export controls on lithography tools will slow Chinese foundries.", "Policy Pod"),
    insight(4, "Interest rates will rise next year.", "Macro Hour"),
    insight(5, "Interest rates will fall next year.", "Rate Watch"),
    insight(6, "The AI policy debate in Brussels is about liability.", "Policy Pod", topics=("AI Policy",)),
    insight(7, "Semiconductor tariffs will hit carmakers.", "Chip Lines", days_old=3),
    insight(8, "Semiconductor subsidies will help foundries.", "Chip Lines", days_old=3),
    insight(9, "Semiconductor startups struggle to raise money.", "Chip Lines", days_old=3),
    insight(10, "Old news: semiconductors were cheap once.", "Chip Lines", days_old=12),
    insight(11, "Wheat prices doubled this spring across Europe.", "Farm Radio", days_old=0.5),
    insight(12, "Semiconductor tariffs will hit carmakers harder than anyone expects.", "Factory Floor", days_old=2),
    insight(13, "Export controls on lithography tools will slow Chinese foundries.", "Rate Watch", days_old=2),
    insight(14, "Export controls on lithography tools will slow the Chinese foundries.", "Money Talk", days_old=2),
]


def ids(picks: list[DigestPick]) -> list[int]:
    return [p.insight.id for p in picks]


def digest(topics: list[str], exclude: set[int] | None = None, **kwargs: object) -> list[DigestPick]:
    return select_digest(build_pool(WINDOW, NOW), topics, exclude or set(), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("topics", "exclude", "expected"),
    [
        # a claim three podcasts echo comes first, shown once; the paraphrased pair, once too
        (["export controls"], set(), [3, 1]),
        # one already delivered: its rewordings never come back either
        (["export controls"], {2}, [3]),
        (["export controls"], {14}, [1]),
        (["export controls"], {1, 13}, []),
        # two per podcast at most: Chip Lines has three relevant insights
        (["semiconductors"], set(), [12, 9, 7]),
        # opposite claims are different claims: both may come
        (["interest rates"], set(), [4, 5]),
        # the relevance floor: fewer than five rather than filler
        (["ai policy"], set(), [6]),
        (["quantum computing"], set(), []),
        # several topics, typed any way
        (["AI-Policy, Semiconductors"], set(), [6, 12, 9, 7]),
        # ids that are not in the window are simply not there
        (["ai policy"], {999}, [6]),
    ],
)
def test_a_channel_gets_the_best_relevant_insights_once_each(
    topics: list[str], exclude: set[int], expected: list[int]
) -> None:
    assert ids(digest(topics, exclude)) == expected


def test_an_echoed_claim_says_where_else_it_was_said() -> None:
    first = digest(["export controls"])[0]
    assert first.insight.id == 3
    assert first.also_on == ("Money Talk", "Rate Watch")
    assert first.reasons == ("matched: export controls", "echoed by 3 podcasts", "fresh: 1 day old")


def test_agreement_ranks_an_echoed_claim_above_a_fresher_lone_one() -> None:
    window = [
        insight(1, "Battery storage makes solar power dispatchable at night.", "Grid Talk", days_old=2),
        insight(2, "Solar power becomes dispatchable at night thanks to battery storage.", "Energy Hour", days_old=2),
        insight(3, "Battery storage makes solar power dispatchable at night!", "Climate Desk", days_old=2),
        insight(4, "Battery storage prices halve every four years.", "Grid Talk", days_old=1),
    ]
    picks = select_digest(build_pool(window, NOW), ["battery storage"], set())
    assert ids(picks) == [2, 4]  # the cluster's best-scoring wording stands for it
    assert picks[0].also_on == ("Climate Desk", "Grid Talk")
    assert "echoed by 3 podcasts" in picks[0].reasons


def test_no_topics_gives_the_best_of_everything_in_the_window() -> None:
    picks = digest([])
    assert ids(picks) == [3, 1, 11, 6, 4]
    assert all(not r.startswith("matched") for p in picks for r in p.reasons)


def test_stale_and_future_insights_are_left_out_of_the_window() -> None:
    future = insight(20, "Semiconductor tariffs will double.", "Chip Lines", days_old=-2)
    pool = build_pool([*WINDOW, future], NOW)
    assert 10 not in pool and 20 not in pool and 12 in pool
    assert 10 not in ids(select_digest(pool, ["semiconductors"], set(), preferences={"podcast:Chip Lines": 1}))


def test_an_insight_without_a_published_date_counts_by_when_it_was_added() -> None:
    added_2_days_ago = Insight(30, "Rice yields fell in the delta this spring.", "Farm Radio",
                               added_at=NOW - timedelta(days=2))
    added_12_days_ago = Insight(31, "Rice exports were banned for a month.", "Farm Radio",
                                added_at=NOW - timedelta(days=12))
    never_stored = Insight(32, "Rice prices rose in every market.", "Farm Radio")
    pool = build_pool([*WINDOW, added_2_days_ago, added_12_days_ago, never_stored], NOW)
    assert 30 in pool and 31 not in pool and 32 not in pool
    [pick] = select_digest(pool, ["rice"], set())
    assert pick.insight.id == 30 and pick.reasons[-1] == "fresh: 2 days old"


def test_a_published_date_wins_over_when_the_insight_was_added() -> None:
    reimported = Insight(33, "Rice yields fell in the delta this spring.", "Farm Radio",
                         published_at=NOW - timedelta(days=12), added_at=NOW - timedelta(hours=1))
    assert 33 not in build_pool([*WINDOW, reimported], NOW)


def test_reasons_say_which_topic_matched_and_how_fresh_it_is() -> None:
    picks = digest(["ai policy", "semiconductors"])
    assert picks[0].reasons == ("matched: ai policy", "fresh: 1 day old")
    assert picks[1].reasons == ("matched: semiconductors", "fresh: 2 days old")
    assert [p.topic for p in picks] == ["ai policy", "semiconductors", "semiconductors", "semiconductors"]


@pytest.mark.parametrize(
    ("preferences", "expected", "liked"),
    [
        (None, [4, 5], None),
        ({"podcast:Rate Watch": 1.0}, [5, 4], "your team liked Rate Watch"),
        ({"podcast:macro hour": -1.0}, [5, 4], None),
        ({"podcast:Macro Hour": 0.5}, [4, 5], None),  # already first: no reason to credit the like
    ],
)
def test_preferences_lift_what_a_team_liked_and_sink_what_it_did_not(
    preferences: dict[str, float] | None, expected: list[int], liked: str | None
) -> None:
    picks = digest(["interest rates"], preferences=preferences)
    assert ids(picks) == expected
    assert (picks[0].reasons[-1] if liked else None) == liked
    assert not any(r.startswith("your team liked") for p in picks[1:] for r in p.reasons)


def test_a_liked_topic_lifts_its_insights() -> None:
    picks = digest(["ai policy", "semiconductors"], preferences={"topic:Semiconductors": 1.0})
    assert ids(picks) == [12, 9, 7, 6]
    assert [p.reasons[-1] for p in picks[:3]] == ["your team liked semiconductors"] * 3
    assert "your team liked" not in " ".join(picks[3].reasons)


def test_a_disliked_podcast_can_fall_out_of_the_digest() -> None:
    rules = DigestRules(size=2)
    pool = build_pool(WINDOW, NOW, rules)
    assert ids(select_digest(pool, ["semiconductors"], set())) == [12, 9]
    assert ids(select_digest(pool, ["semiconductors"], set(), preferences={"podcast:Factory Floor": -1})) == [9, 7]


def test_equal_scores_are_ordered_by_id_whatever_the_input_order() -> None:
    twins = [
        insight(31, "Semiconductor subsidies will help foundries.", "Chip Lines"),
        insight(30, "Semiconductor tariffs will hurt carmakers.", "Fab Talk"),
    ]
    for window in (twins, twins[::-1]):
        picks = select_digest(build_pool(window, NOW), ["semiconductors"], set())
        assert ids(picks) == [30, 31]
        assert picks[0].score == picks[1].score


def test_selection_is_deterministic_across_pools_and_repeated_calls() -> None:
    shuffled = WINDOW[:]
    random.Random(3).shuffle(shuffled)
    first = digest(["semiconductors", "export controls"])
    again = select_digest(build_pool(shuffled, NOW), ["semiconductors", "export controls"], set())
    pool = build_pool(WINDOW, NOW)
    assert first == again == select_digest(pool, ["semiconductors", "export controls"], set())
    assert select_digest(pool, ["semiconductors", "export controls"], set()) == first


@pytest.mark.parametrize(
    ("age_days", "expected"), [(0.0, 1.0), (3.0, 0.5), (6.0, 0.25), (-1.0, 1.0)]
)
def test_freshness_halves_every_half_life(age_days: float, expected: float) -> None:
    assert freshness(age_days, 3.0) == pytest.approx(expected)


@pytest.mark.parametrize(("podcasts", "expected"), [(0, 0.0), (1, 0.0), (2, 1 / 3), (3, 0.5), (9, 0.8)])
def test_agreement_grows_with_the_podcasts_that_echo_a_claim(podcasts: int, expected: float) -> None:
    assert agreement(podcasts) == pytest.approx(expected)


def reference_digest(window: list[Insight], topics: list[str], exclude: set[int], prefs: dict[str, float]) -> list[int]:
    """Score every insight of the pool for the channel, then choose: what the fast path must equal."""
    pool = build_pool(window, NOW)
    rules = pool.rules
    scored = []
    for position, item in enumerate(pool.insights):
        if topics:
            relevance = topic_relevance(item, topics).relevance
            if relevance < rules.relevance_floor or relevance == 0:
                continue
        else:
            relevance = 1.0
        like = prefs.get(f"podcast:{item.podcast}", 0.0)
        score = (rules.relevance_weight * relevance + pool.base[position]) * (1 + rules.preference_strength * like)
        scored.append((-score, item.id, position))
    blocked = pool.blocked_clusters(exclude)
    picks: list[int] = []
    clusters: set[int] = set()
    podcasts: dict[str, int] = {}
    for _, item_id, position in sorted(scored):
        cluster, podcast = pool.cluster_key(position), pool.podcast_key(position)
        if cluster in blocked or cluster in clusters or podcasts.get(podcast, 0) >= rules.max_per_podcast:
            continue
        picks.append(item_id)
        clusters.add(cluster)
        podcasts[podcast] = podcasts.get(podcast, 0) + 1
    return picks[: rules.size]


def synthetic_window(rng: random.Random, count: int) -> list[Insight]:
    subjects = ["semiconductor tariffs", "export controls", "interest rates", "battery storage", "ai policy", "wheat prices"]
    verbs = ["will rise", "will fall", "hurt carmakers", "help foundries", "squeeze startups", "worry voters"]
    places = ["in Europe", "in China", "next year", "this spring", "for banks", ""]
    podcasts = [f"Show {n}" for n in range(8)]
    window = []
    for n in range(1, count + 1):
        text = f"{rng.choice(subjects).capitalize()} {rng.choice(verbs)} {rng.choice(places)}".strip() + "."
        window.append(insight(n, text, rng.choice(podcasts), days_old=rng.uniform(0, 8)))
    return window


@pytest.mark.parametrize("seed", range(4))
def test_the_fast_selection_equals_scoring_every_insight(seed: int) -> None:
    rng = random.Random(seed)
    window = synthetic_window(rng, 400)
    pool = build_pool(window, NOW)
    channels = [["semiconductors", "ai policy"], ["interest rates"], ["export control", "wheat"], [], ["batteries"]]
    for topics in channels:
        exclude = set(rng.sample(range(1, 401), 40))
        prefs = {f"podcast:Show {rng.randrange(8)}": rng.choice([-1.0, -0.5, 0.5, 1.0])}
        for preferences in ({}, prefs):
            fast = ids(select_digest(pool, topics, exclude, preferences=preferences))
            assert fast == reference_digest(window, topics, exclude, preferences), (topics, preferences)
            assert len(fast) == 5
