"""TextRank-style centrality: sentences that share words with many other sentences rank high.

The graph links two sentences by their shared content words, weighted as in TextRank
(shared / (log |a| + log |b|)); words said in a large share of the sentences are left
out of the links, which keeps the graph sparse and meaningful. PageRank by power
iteration, standard library only.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from operator import mul, sub

DAMPING = 0.85
MAX_ITERATIONS = 60
TOLERANCE = 1e-4
#: Words found in more than this share of the sentences do not link them (from 20 sentences on).
MAX_SHARE = 0.25


def centrality(term_sets: Sequence[frozenset[str]]) -> list[float]:
    """Centrality of each sentence (given as its set of content terms); 1.0 is average."""
    n = len(term_sets)
    if n == 0:
        return []
    weights = _edges(term_sets)
    out_weight = [sum(edges.values()) for edges in weights]
    # the graph is symmetric: a node's neighbours are also the nodes that vote for it
    sources = [list(edges) for edges in weights]
    shares = [[w / out_weight[i] for i, w in edges.items()] for edges in weights]
    ranks = [1.0 / n] * n
    for _ in range(MAX_ITERATIONS):
        dangling = sum(r for r, w in zip(ranks, out_weight, strict=True) if not w)
        base = (1.0 - DAMPING) / n + DAMPING * dangling / n
        new = [base + DAMPING * sum(map(mul, share, map(ranks.__getitem__, source))) for source, share in zip(sources, shares, strict=True)]
        delta = sum(map(abs, map(sub, new, ranks)))
        ranks = new
        if delta < TOLERANCE:
            break
    return [r * n for r in ranks]


def _edges(term_sets: Sequence[frozenset[str]]) -> list[dict[int, float]]:
    """Symmetric weighted adjacency: for each sentence, {other sentence: weight}."""
    n = len(term_sets)
    postings: dict[str, list[int]] = defaultdict(list)
    for i, terms in enumerate(term_sets):
        for term in terms:
            postings[term].append(i)
    limit = max(2, int(MAX_SHARE * n)) if n >= 20 else n
    shared: list[dict[int, int]] = [defaultdict(int) for _ in range(n)]
    for members in postings.values():
        if 1 < len(members) <= limit:
            for a_position, a in enumerate(members):
                row = shared[a]
                for b in members[a_position + 1 :]:
                    row[b] += 1
    weights: list[dict[int, float]] = [{} for _ in range(n)]
    logs = [math.log(len(t) + 1) for t in term_sets]
    for a, row in enumerate(shared):
        for b, count in row.items():
            weight = count / (logs[a] + logs[b])
            weights[a][b] = weight
            weights[b][a] = weight
    return weights
