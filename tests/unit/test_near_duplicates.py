"""Near-duplicate claims: the same thing in other words clusters; opposites and containment do not."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from insights.model import Insight
from insights.near_duplicates import (
    DuplicateRules,
    are_near_duplicates,
    candidate_pairs,
    cluster_claims,
    cluster_insights,
    make_claim,
    polarity,
    same_claim,
)
from insights.text import words

SAME = [
    ("Interest rates will rise next year.", "Next year, interest rates are going to rise."),
    ("Interest rates will rise next year.", "Interest rates will go up next year."),
    (
        "New export controls will squeeze Chinese chipmakers next year.",
        "Next year the new export controls will really squeeze Chinese chipmakers.",
    ),
    (
        "Battery storage makes solar power dispatchable at night.",
        "Solar power becomes dispatchable at night thanks to battery storage.",
    ),
    ("Remote teams need written documentation.", "Remote teams need written documentation!"),
    ("Interest rates won't rise next year.", "Interest rates will not rise next year."),
    ("Semiconductor tariffs hurt carmakers.", "Semiconductor tarifs hurt carmakers."),
]

OPPOSITE = [
    ("Interest rates will rise next year.", "Interest rates will fall next year."),
    ("Chip prices will go up this year.", "Chip prices will go down this year."),
    ("Tariffs increase the cost of every car.", "Tariffs decrease the cost of every car."),
    ("Companies will hire more engineers.", "Companies will hire fewer engineers."),
    ("Companies will hire more engineers.", "Companies will hire less engineers."),
    ("Bond yields end the year higher.", "Bond yields end the year lower."),
    ("The cloud market will grow in Europe.", "The cloud market will shrink in Europe."),
    ("Open models will win the enterprise market.", "Open models will lose the enterprise market."),
    ("Interest rates will rise next year.", "Interest rates will not rise next year."),
    ("Interest rates will rise next year.", "Interest rates won't rise next year."),
    ("Nuclear power will be cheap again.", "Nuclear power will never be cheap again."),
    ("There is a recession coming in Germany.", "There is no recession coming in Germany."),
    ("The merger is good for consumers.", "The merger is bad for consumers."),
]

CONTAINED = [
    (
        "AI will replace call centres.",
        "AI will replace call centres in rich countries first, but the jobs will move to logistics and care.",
    ),
    (
        "Remote teams need written documentation.",
        "Remote teams need written documentation, clear meeting notes and async updates.",
    ),
    ("Rates will rise.", "Rates will rise because wages and rents keep climbing across Europe."),
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_the_same_claim_in_other_words_is_a_near_duplicate(a: str, b: str) -> None:
    assert are_near_duplicates(a, b)
    assert are_near_duplicates(b, a)


@pytest.mark.parametrize(("a", "b"), OPPOSITE)
def test_opposite_claims_are_not_near_duplicates(a: str, b: str) -> None:
    assert not are_near_duplicates(a, b)
    assert not are_near_duplicates(b, a)


@pytest.mark.parametrize(("short", "long"), CONTAINED)
def test_a_short_claim_contained_in_a_longer_one_is_not_its_duplicate(short: str, long: str) -> None:
    assert not are_near_duplicates(short, long)
    assert not are_near_duplicates(long, short)


def test_unrelated_claims_are_not_near_duplicates() -> None:
    assert not are_near_duplicates("Wheat prices doubled this spring.", "Interest rates will rise next year.")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rates will rise.", (("direction", 1), ("negated", 0))),
        ("Rates won't rise.", (("direction", 1), ("negated", 1))),
        ("Rates will not fall, they will never fall.", (("direction", -1), ("negated", 0))),
        ("The Lakers won the final.", (("negated", 0), ("outcome", 1))),
        ("Chip stocks are a great story.", (("negated", 0),)),
    ],
)
def test_polarity_reads_direction_words_and_negation(text: str, expected: tuple[tuple[str, int], ...]) -> None:
    assert sorted(polarity(words(text))) == sorted(expected)


def test_near_duplicates_from_different_podcasts_form_one_cluster_and_opposites_stay_apart() -> None:
    insights = [
        Insight(1, "Interest rates will rise next year.", "Macro Hour"),
        Insight(2, "Next year, interest rates are going to rise.", "Rate Watch"),
        Insight(3, "Interest rates will go up next year.", "Money Talk"),
        Insight(4, "Interest rates will fall next year.", "Bear Case"),
        Insight(5, "Next year interest rates will fall.", "Rate Watch"),
        Insight(6, "Interest rates will rise next year because wages keep climbing across Europe.", "Macro Hour"),
        Insight(7, "Wheat prices doubled this spring.", "Farm Radio"),
    ]
    groups = [tuple(i.id for i in group) for group in cluster_insights(insights)]
    assert groups == [(1, 2, 3), (4, 5), (6,), (7,)]


def claim_texts(rng: random.Random, count: int) -> list[str]:
    """Short claims from a small vocabulary, many of them reworded copies of each other."""
    nouns = ["rates", "chips", "tariffs", "wages", "rents", "bonds", "models", "clouds", "grids", "batteries"]
    verbs = ["rise", "fall", "squeeze", "help", "hurt", "drive"]
    extra = ["europe", "china", "next", "year", "again", "quickly", "slowly", "banks", "voters"]
    texts: list[str] = []
    for _ in range(count):
        if texts and rng.random() < 0.5:
            tokens = rng.choice(texts).split()
            rng.shuffle(tokens)
            if rng.random() < 0.5:
                tokens[rng.randrange(len(tokens))] = rng.choice(extra)
        else:
            tokens = [*rng.sample(nouns, 2), rng.choice(verbs), *rng.sample(extra, rng.randint(1, 5))]
        texts.append(" ".join(tokens))
    return texts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_blocking_misses_no_pair_that_all_pairs_would_merge(seed: int) -> None:
    claims = [make_claim(n, t) for n, t in enumerate(claim_texts(random.Random(seed), 300))]
    rules = DuplicateRules()
    everything = {(a, b) for a, b in combinations(range(len(claims)), 2) if same_claim(claims[a], claims[b], rules)}
    proposed = {tuple(sorted(pair)) for pair in candidate_pairs(claims, rules)}
    assert len(everything) > 50  # the data has plenty of near-duplicates
    assert everything <= proposed
    assert len(proposed) < len(claims) * (len(claims) - 1) / 2 / 10  # ... found without comparing all pairs


def test_clusters_are_the_connected_near_duplicates_named_by_their_smallest_id() -> None:
    claims = [make_claim(n + 10, t) for n, t in enumerate(claim_texts(random.Random(7), 200))]
    parent = {c.id: c.id for c in claims}

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for a, b in combinations(claims, 2):
        if same_claim(a, b):
            low, high = sorted((root(a.id), root(b.id)))
            parent[high] = low
    assert cluster_claims(claims) == {c.id: root(c.id) for c in claims}
