"""The in-memory vectors of hybrid search (numpy only, no model, no database): the block-wise sign-bit
distance equals a plain one across block edges, and the prefiltered nearest rows agree with the exact ones."""

from __future__ import annotations

import pytest

np = pytest.importorskip("numpy")

from storage import dense_index  # noqa: E402
from storage.dense_index import DenseIndex  # noqa: E402


def _unit(rng, rows: int, width: int):  # type: ignore[no-untyped-def]
    vectors = rng.standard_normal((rows, width)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


@pytest.mark.parametrize("rows", [1, 7, dense_index._HAMMING_BLOCK, 2 * dense_index._HAMMING_BLOCK + 5])
def test_hamming_by_blocks_equals_a_plain_popcount(rows: int) -> None:
    rng = np.random.default_rng(rows)
    bits = rng.integers(0, 2**63, size=(6, rows + 3), dtype=np.uint64)  # longer than n: only n rows count
    query = rng.integers(0, 2**63, size=6, dtype=np.uint64)

    distance = dense_index._hamming(np, bits, rows, query)

    plain = sum(np.bitwise_count(bits[w, :rows] ^ query[w]).astype(np.int64) for w in range(6))
    assert distance.dtype == np.uint16
    assert distance.tolist() == plain.tolist()


def test_prefiltered_nearest_finds_the_planted_neighbours_and_their_ids() -> None:
    rng = np.random.default_rng(3)
    width, rows = 64, 3 * dense_index._HAMMING_BLOCK // 2
    vectors = _unit(rng, rows, width)
    query = vectors[12_345]
    near = query + 0.05 * _unit(rng, 5, width)  # five rows very close to the query, spread over blocks
    planted = [40_001, 2, 33_000, 45_000, 17]
    vectors[planted] = near / np.linalg.norm(near, axis=1, keepdims=True)
    ids = np.arange(1_000, 1_000 + rows, dtype=np.int64)
    index = DenseIndex("m", rescore=500, exact_rows=1_000)
    index._add(ids, np.full(rows, -1, dtype=np.int64), vectors)
    exact = DenseIndex("m", exact_rows=10**9)
    exact._add(ids, np.full(rows, -1, dtype=np.int64), vectors)

    found = index.nearest(query, 6)
    best = exact.nearest(query, 6)

    assert set(found) == set(best) == {1_000 + r for r in [12_345, *planted]}
    for insight_id, cosine in found.items():
        assert cosine == pytest.approx(float(vectors[insight_id - 1_000] @ query), abs=0.02)


@pytest.mark.parametrize("scoped", [False, True])
def test_sampled_cutoff_keeps_every_row_the_exact_cutoff_keeps(scoped: bool) -> None:
    rng = np.random.default_rng(11)
    width, rows, rescore = 128, 40_000, 500  # rows >= _SAMPLE_STEP x rescore: the sampled histogram is used
    vectors = _unit(rng, rows, width)
    podcasts = np.arange(rows, dtype=np.int64) % 4
    index = DenseIndex("m", rescore=rescore, exact_rows=1_000)
    index._add(np.arange(rows, dtype=np.int64), podcasts, vectors)
    allowed = index._mask(frozenset({0, 1})) if scoped else None
    for query in _unit(rng, 20, width):
        centered = query - index._center
        kept = set(index._prefilter(index._bits, rows, centered, allowed).tolist())

        padded = np.zeros(index._bits.shape[0] * 64, dtype=bool)
        padded[:width] = centered > 0
        distance = dense_index._hamming(np, index._bits, rows, np.packbits(padded).view(np.uint64)).astype(np.int64)
        if allowed is not None:
            distance = np.maximum(distance, allowed.penalty)
        cutoff = int(np.sort(distance)[rescore - 1])  # the distance of the rescore-th nearest row in scope
        assert len(kept) >= rescore
        assert set(np.flatnonzero(distance <= cutoff).tolist()) <= kept
        assert all(podcasts[r] in (0, 1) for r in kept) or not scoped


def test_exact_search_and_cosines_give_each_insights_cosine_to_the_query() -> None:
    rng = np.random.default_rng(5)
    vectors = _unit(rng, 300, 384)
    ids = np.arange(10, 310, dtype=np.int64)
    index = DenseIndex("m")  # 300 rows: every cosine is computed
    index._add(ids, np.full(300, -1, dtype=np.int64), vectors)
    query = _unit(rng, 1, 384)[0]
    true = vectors @ query

    found = index.nearest(query, 5)
    scored = index.cosines([12, 309, 5], query)  # 5 has no vector

    assert set(found) == {10 + int(r) for r in np.argsort(-true)[:5]}
    assert set(scored) == {12, 309}
    for insight_id, cosine in {**found, **scored}.items():
        assert cosine == pytest.approx(float(true[insight_id - 10]), abs=0.01)
