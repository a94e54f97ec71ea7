"""Hybrid search ranking: lexical matches and nearest vectors fused by reciprocal rank.

Each insight gets `weight / (K + rank)` from each list it is in (its rank among lexical matches,
and its rank by cosine among everything proposed), and the lists' sum decides. The lexical
list weighs more: a query that shares words with its answer keeps it near where lexical search
put it, while an answer with no word in common can still come up through its meaning. A
proposal only by meaning must be close enough (`MIN_DENSE_COSINE`), so a query about nothing
the insights hold still finds nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from insights.model import Insight, Match

#: Reciprocal-rank-fusion constant (the usual 60 flattens ranks too much for a 5-result answer).
K = 10.0
LEXICAL_WEIGHT = 1.5
DENSE_WEIGHT = 1.0
#: A candidate only the vectors propose must be at least this close to the query.
MIN_DENSE_COSINE = 0.30


@dataclass(frozen=True, slots=True)
class FusionWeights:
    k: float = K
    lexical: float = LEXICAL_WEIGHT
    dense: float = DENSE_WEIGHT
    min_dense_cosine: float = MIN_DENSE_COSINE


def fuse(lexical: Sequence[Match], cosines: Mapping[int, float], limit: int,
         weights: FusionWeights = FusionWeights()) -> list[Match]:
    """The best `limit` of `lexical` (ranked, best first) united with the insights of `cosines`
    (insight id -> cosine to the query, for every proposed insight that has a vector), best first.

    A match keeps its lexical score and terms; one found only by meaning scores its cosine x 100
    and has no matched terms. A lexical match with no vector yet (still waiting to be embedded)
    counts as ranked by meaning where lexical search ranks it.
    """
    if limit <= 0:
        return []
    lexical_rank = {m.insight.id: r for r, m in enumerate(lexical)}
    by_meaning = sorted(cosines.items(), key=lambda item: (-item[1], -item[0]))
    dense_rank = {insight_id: r for r, (insight_id, _) in enumerate(by_meaning)}
    fused: dict[int, float] = {}
    for insight_id, rank in lexical_rank.items():
        fused[insight_id] = weights.lexical / (weights.k + rank + 1)
    for insight_id, rank in dense_rank.items():
        if insight_id not in lexical_rank and cosines[insight_id] < weights.min_dense_cosine:
            continue
        fused[insight_id] = fused.get(insight_id, 0.0) + weights.dense / (weights.k + rank + 1)
    for insight_id, rank in lexical_rank.items():
        if insight_id not in cosines:  # not embedded yet: the meaning side is taken to agree, so it does not sink
            fused[insight_id] += weights.dense / (weights.k + rank + 1)
    matches = {m.insight.id: m for m in lexical}
    order = sorted(fused, key=lambda i: (-fused[i], lexical_rank.get(i, len(lexical)), -i))[:limit]
    return [
        matches.get(i) or Match(Insight(id=i, text=""), round(max(0.0, cosines[i]) * 100, 2))
        for i in order
    ]
