"""Digests matched by meaning on the real model: stories told in other words, topics by sense.

Skipped (with the reason) without the `meaning` extra; CI installs it and sets
PODBRIEF_REQUIRE_MEANING=1, so there these run.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import ingest.meaning as meaning_module
from bot.digest.blocks import digest_item
from ingest.meaning import digest_meaning
from insights.digest import build_pool, select_digest
from insights.meaning import Meaning
from insights.model import Insight
from tests.meaning_model import real_encoder

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)
DATA = Path(__file__).resolve().parents[1] / "data" / "meaning"
SAMPLES = Path(__file__).resolve().parents[2] / "standin" / "data" / "sample_insights.jsonl"


def meaning() -> Meaning:
    encoder = real_encoder()
    return Meaning(encoder, encoder.model_id)


def six() -> list[Insight]:
    rows = json.loads((DATA / "six_examples.json").read_text())["insights"]
    return [Insight(r["id"], r["text"], r["podcast"], published_at=NOW) for r in rows]


def samples(first_id: int = 100) -> list[Insight]:
    rows = [json.loads(line) for line in SAMPLES.read_text().splitlines()]
    return [Insight(first_id + n, r["text"], r["podcast"], published_at=NOW) for n, r in enumerate(rows)]


def test_three_podcasts_telling_one_story_in_their_own_words_are_one_story_and_the_opposite_is_not() -> None:
    pool = build_pool(six(), NOW, meaning=meaning())
    cluster = {i.id: pool.cluster_key(p) for p, i in enumerate(pool.insights)}
    assert cluster[1] == cluster[2] == cluster[3]
    assert len({cluster[1], cluster[4], cluster[5], cluster[6]}) == 4
    assert pool.echoed_by(0) == ["Chip Lines", "The Policy Loop", "Trade Winds Weekly"]


def test_lexical_matching_sees_three_separate_claims_in_the_same_six() -> None:
    pool = build_pool(six(), NOW)
    assert len({pool.cluster_key(p) for p in range(len(pool))}) == 6


def test_a_digest_picks_one_insight_per_story_and_names_the_other_podcasts() -> None:
    picks = select_digest(build_pool(six(), NOW, meaning=meaning()), [], ())
    story = [p for p in picks if p.insight.id in (1, 2, 3)]
    assert len(story) == 1
    assert "echoed by 3 podcasts" in story[0].reasons and len(story[0].also_on) == 2
    assert any(p.insight.id == 4 for p in picks)  # the opposite claim is its own pick


def test_ai_policy_finds_regulation_export_control_and_treaty_insights_but_not_football_or_sleep() -> None:
    texts = {
        "regulation": "Regulating AI models by training compute is easy to measure but ages badly.",
        "export controls": "Export controls on AI chips have a blind spot once model weights are published.",
        "treaty": "A safety treaty between the leading AI powers would need inspections, like arms control.",
        "football": "Football clubs that rotate their squads suffer fewer muscle injuries late in the season.",
        "sleep": "Adults who keep a regular bedtime sleep better than those who sleep in at the weekend.",
    }
    window = [Insight(n, text, f"Podcast {n}", published_at=NOW) for n, text in enumerate(texts.values(), 1)]
    pool = build_pool(window, NOW, meaning=meaning())
    found = {pool.insights[p].id for _, _, p, _ in pool.ranked("ai policy")}
    assert found == {1, 2, 3}
    assert {pool.insights[p].id for _, _, p, _ in build_pool(window, NOW).ranked("ai policy")} == set()


def test_china_does_not_match_bone_china_but_still_matches_china() -> None:
    window = [
        Insight(1, "Bone china teacups should be washed by hand, because dishwasher detergent dulls the glaze.", "Home", published_at=NOW),
        Insight(2, "Chip export controls push China to pour state money into domestic fabs.", "Chip Lines", published_at=NOW),
    ]
    pool = build_pool(window, NOW, meaning=meaning())
    assert [pool.insights[p].id for _, _, p, _ in pool.ranked("china")] == [2]
    assert len(build_pool(window, NOW).ranked("china")) == 2  # lexical matching cannot tell


def test_a_channel_on_ai_policy_and_china_gets_ai_policy_picks_that_say_what_matched() -> None:
    window = samples()
    lexical = select_digest(build_pool(window, NOW), ["ai policy, china"], ())
    semantic = select_digest(build_pool(window, NOW, meaning=meaning()), ["ai policy, china"], ())
    assert sum(p.topic == "ai policy" for p in semantic) > sum(p.topic == "ai policy" for p in lexical)
    about = [r for p in semantic for r in p.reasons if r.startswith("about: ai policy (")]
    assert about, [p.reasons for p in semantic]
    pick = next(p for p in semantic if any(r.startswith("about: ") for r in p.reasons))
    context = digest_item(pick.insight, pick.reasons, pick.also_on).blocks[-1].to_dict()
    assert "Why: about: ai policy (" in json.dumps(context)


def test_without_the_extra_digests_stay_lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(meaning_module, "_loaded", [None])  # as when the model cannot load
    assert digest_meaning() is None
    window = samples()
    picks = select_digest(build_pool(window, NOW, meaning=digest_meaning()), ["ai policy, china"], ())
    assert [p.insight.id for p in picks] == [p.insight.id for p in select_digest(build_pool(window, NOW), ["ai policy, china"], ())]
    assert all(r.startswith(("matched:", "fresh:", "echoed")) for p in picks for r in p.reasons)


def test_a_rebuilt_pool_reuses_the_vectors_it_already_computed() -> None:
    encoder = real_encoder()
    texts: list[str] = []

    def counting(batch: Sequence[str]) -> Any:  # the real model, counting what it is asked
        texts.extend(batch)
        return encoder.encode(batch)

    cache: dict[int, object] = {}
    build_pool(six(), NOW, meaning=Meaning(counting, encoder.model_id, cached=cache))
    assert len(texts) == 6 and set(cache) == {1, 2, 3, 4, 5, 6}
    texts.clear()
    build_pool([*six(), Insight(7, "Heat pumps keep working well below freezing.", "Grid Notes", published_at=NOW)], NOW,
               meaning=Meaning(counting, encoder.model_id, cached=cache))
    assert texts == ["Heat pumps keep working well below freezing."]


def test_only_the_newest_insights_are_embedded_when_a_window_is_larger_than_the_bound() -> None:
    from datetime import timedelta

    encoder = real_encoder()
    asked: list[str] = []

    def counting(batch: Sequence[str]) -> Any:
        asked.extend(batch)
        return encoder.encode(batch)

    window = [
        Insight(1, "Old and naive in time.", "A", published_at=(NOW - timedelta(days=2)).replace(tzinfo=None)),
        Insight(2, "Newest of all.", "B", published_at=NOW),
        Insight(3, "In between.", "C", published_at=NOW - timedelta(days=1)),
    ]
    pool = build_pool(window, NOW, meaning=Meaning(counting, encoder.model_id, max_insights=2))
    assert sorted(asked) == ["In between.", "Newest of all."]
    assert len(pool) == 3
