"""A learned quality score for the built-in extractor, trained on the sealed tune labels and measured out of fold.

    .venv/bin/python bench/train_extract_score.py          # rule score vs learned, cross-validated
    .venv/bin/python bench/train_extract_score.py --grid   # ...and a range of L2 penalties, with and without the rule prior

Only the TUNE split is read (the held-out transcripts and labels are never opened). Every
candidate passage of a tune episode (`insights.extraction.extract.scored_candidates`) takes the
label of the judged pick it matches (the harness's `LabelBook`: same text, or word-pair Jaccard
>= 80); the labelled ones train an L2-regularised logistic regression (numpy, Newton steps) over
the candidate's `FEATURES` (the logs of the rule score's factors, its length). The penalty pulls
the weights toward the rule score's own (every log factor weighing 1) unless --grid says otherwise.

Adopt it in the extractor only if it beats the rule score out of fold (it did not, as of
bench/README.md's figures: the extractor still ranks by the rule score).

Honest figures: leave-one-episode-out and leave-one-show-out, each episode's candidates are
scored by a model fitted on the other episodes (shows) only. Printed beside the rule score, for
the pooled labelled candidates: ROC AUC, and the precision of the top-k non-overlapping picks
each score would make per episode (a quota: k = max(3, ceil(3 per hour)), at most 6; for the rule score also the extractor's
own policy, everything from PUBLISH_THRESHOLD up, else down to FLOOR for 3 an hour), counting labelled picks only
(the unlabelled ones are counted apart: a pick nobody judged is neither good nor bad).
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from extract_quality import DEFAULT_DATA, LabelBook, load_labels, load_manifest, read_segments, talk_hours  # noqa: E402

from insights.extraction.extract import FEATURES, FLOOR, MIN_PER_HOUR, PUBLISH_THRESHOLD, Candidate, scored_candidates  # noqa: E402

#: L2 penalty on the standardised weights (strong: a few hundred labels, ~30 features).
L2 = 100.0
EPSILON = 1e-3


@dataclass(slots=True)
class EpisodeData:
    """One tune episode's candidates, their features and labels (None: no label matches)."""

    id: str
    show: str
    kind: str
    hours: float
    candidates: list[Candidate]
    x: np.ndarray
    labels: list[bool | None]


def transform(features: Sequence[float]) -> list[float]:
    """A candidate's features as the model sees them: the log of each factor, the lengths as they are."""
    factors = len(FEATURES) - 2
    return [math.log(max(f, EPSILON)) for f in features[:factors]] + list(features[factors:])


def load(data: Path) -> list[EpisodeData]:
    """The tune episodes whose transcripts are present, with every candidate labelled where a label matches."""
    book = LabelBook(load_labels(data / "labels.jsonl"))
    found = []
    for episode in load_manifest(data):
        if episode.split != "tune" or not episode.path.is_file():
            continue
        segments = read_segments(episode)
        candidates = scored_candidates(segments)
        labels: list[bool | None] = []
        for candidate in candidates:
            label, _ = book.match(episode.id, candidate.text)
            labels.append(None if label is None else label.good)
        x = np.array([transform(c.features) for c in candidates], dtype=float).reshape(len(candidates), len(FEATURES))
        found.append(EpisodeData(episode.id, episode.show, episode.kind, talk_hours(segments), candidates, x, labels))
    return found


@dataclass(frozen=True, slots=True)
class Model:
    """Standardisation and weights of a fitted logistic regression."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float

    def logit(self, x: np.ndarray) -> np.ndarray:
        logits: np.ndarray = ((x - self.mean) / self.scale) @ self.weights + self.bias
        return logits


def prior(scale: np.ndarray) -> np.ndarray:
    """The rule score as standardised weights: each log factor weighs 1 (its product), the lengths 0."""
    factors = len(FEATURES) - 2
    weights: np.ndarray = np.array([1.0] * factors + [0.0, 0.0]) * scale
    return weights


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2, toward_rule: bool = True) -> Model:
    """L2-regularised logistic regression (bias unpenalised), by Newton's method on standardised features.

    With `toward_rule`, the penalty pulls the weights toward the rule score's (`prior`), not
    toward 0: with few labels the model stays the rule score, corrected only where the labels insist.
    """
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    center = np.append(prior(scale) if toward_rule else np.zeros(len(FEATURES)), 0.0)
    w = center.copy()
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(z @ w)))
        gradient = z.T @ (p - y) + penalty * (w - center)
        hessian = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return Model(mean, scale, w[:-1], float(w[-1]))


def training(episodes: Sequence[EpisodeData]) -> tuple[np.ndarray, np.ndarray]:
    """The labelled candidates of `episodes` as (features, good)."""
    rows = [e.x[i] for e in episodes for i, label in enumerate(e.labels) if label is not None]
    ys = [float(label) for e in episodes for label in e.labels if label is not None]
    return np.array(rows).reshape(len(rows), len(FEATURES)), np.array(ys)


def auc(by_episode: Sequence[tuple[Sequence[float], Sequence[bool]]]) -> float:
    """ROC AUC over pairs of one episode: the chance a good candidate outscores a bad one of its episode (ties half).

    Pairs across episodes are not compared: out of fold, each episode has its own model, whose
    intercept follows the base rate of the others and says nothing about ranking.
    """
    wins = pairs = 0.0
    for scores, good in by_episode:
        pos = [s for s, g in zip(scores, good, strict=True) if g]
        neg = [s for s, g in zip(scores, good, strict=True) if not g]
        wins += sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
        pairs += len(pos) * len(neg)
    return wins / pairs if pairs else float("nan")


def top_picks(candidates: Sequence[Candidate], scores: Sequence[float], k: int) -> list[int]:
    """Indices of the best `k` candidates by `scores`, none sharing a sentence (the extractor's selection, minus near-duplicates)."""
    chosen: list[int] = []
    for i in sorted(range(len(candidates)), key=lambda i: (-scores[i], candidates[i].first, -candidates[i].last)):
        if len(chosen) == k:
            break
        c = candidates[i]
        if any(candidates[j].first <= c.last and c.first <= candidates[j].last for j in chosen):
            continue
        chosen.append(i)
    return chosen


def quota(hours: float) -> int:
    """Picks per episode under a quota: max(3, ceil(3 per hour)), at most 6."""
    return min(6, max(3, math.ceil(3 * hours)))


def floor_policy(episode: EpisodeData, scores: Sequence[float]) -> list[int]:
    """The extractor's own policy on the rule score: all from PUBLISH_THRESHOLD up (at most 6), else down to FLOOR for 3 an hour."""
    chosen = [i for i in top_picks(episode.candidates, scores, 6) if scores[i] >= PUBLISH_THRESHOLD]
    wanted = min(6, math.ceil(MIN_PER_HOUR * episode.hours))
    if len(chosen) < wanted:
        chosen = [i for i in top_picks(episode.candidates, scores, wanted) if scores[i] >= FLOOR]
    return chosen


def quota_policy(episode: EpisodeData, scores: Sequence[float]) -> list[int]:
    """The best `quota` picks by the score, whatever it is."""
    return top_picks(episode.candidates, scores, quota(episode.hours))


def evaluate(
    name: str,
    episodes: Sequence[EpisodeData],
    score_of: Callable[[EpisodeData], list[float]],
    policy: Callable[[EpisodeData, Sequence[float]], list[int]] = quota_policy,
) -> None:
    """Print AUC over labelled candidates and top-k precision for one score."""
    pooled: list[tuple[list[float], list[bool]]] = []
    tallies = {"human": [0, 0, 0], "machine": [0, 0, 0]}  # good, labelled, unlabelled
    ranks = [[0, 0] for _ in range(6)]
    for episode in episodes:
        scores = score_of(episode)
        judged = [(s, label) for s, label in zip(scores, episode.labels, strict=True) if label is not None]
        pooled.append(([s for s, _ in judged], [bool(label) for _, label in judged]))
        for rank, i in enumerate(policy(episode, scores)):
            tally = tallies[episode.kind]
            label = episode.labels[i]
            if label is None:
                tally[2] += 1
            else:
                tally[0] += label
                tally[1] += 1
                ranks[rank][0] += label
                ranks[rank][1] += 1
    parts = [f"{name:<34} AUC {auc(pooled):.3f}"]
    for kind, (g, n, u) in tallies.items():
        parts.append(f"{kind} top-k {g}/{n} ({100 * g / max(n, 1):.0f}%) +{u} unlabelled")
    print("  ".join(parts))
    print(" " * 35 + "by rank: " + "  ".join(f"{r + 1}:{g}/{n}" for r, (g, n) in enumerate(ranks) if n))


def out_of_fold(
    episodes: Sequence[EpisodeData], group: Callable[[EpisodeData], str], l2: float, toward_rule: bool = True
) -> Callable[[EpisodeData], list[float]]:
    """Scores of each episode by a model fitted without its group (episode or show)."""
    cache: dict[str, Model] = {}

    def score(episode: EpisodeData) -> list[float]:
        key = group(episode)
        if key not in cache:
            x, y = training([e for e in episodes if group(e) != key])
            cache[key] = fit(x, y, l2, toward_rule)
        return list(cache[key].logit(episode.x)) if len(episode.x) else []

    return score


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--l2", type=float, default=L2)
    parser.add_argument("--grid", action="store_true", help="also cross-validate a range of L2 penalties, with and without the rule prior")
    args = parser.parse_args(argv)
    episodes = load(args.data)
    x, y = training(episodes)
    print(f"tune episodes {len(episodes)}, candidates {sum(len(e.candidates) for e in episodes)}, labelled {len(y)} ({int(y.sum())} good)")
    rule = lambda e: [c.score for c in e.candidates]  # noqa: E731
    evaluate("rule score, threshold + floor", episodes, rule, floor_policy)
    evaluate("rule score, quota top-k", episodes, rule)
    if args.grid:
        for l2 in (1.0, 3.0, 10.0, 30.0, 100.0, 300.0):
            for toward in (False, True):
                evaluate(f"LOEO l2={l2:g} {'->rule' if toward else '->0'}", episodes, out_of_fold(episodes, lambda e: e.id, l2, toward))
    evaluate("learned, leave-one-episode-out", episodes, out_of_fold(episodes, lambda e: e.id, args.l2))
    evaluate("learned, leave-one-show-out", episodes, out_of_fold(episodes, lambda e: e.show, args.l2))
    model = fit(x, y, args.l2)
    evaluate("learned, in-sample", episodes, lambda e: list(model.logit(e.x)) if len(e.x) else [])
    order = np.argsort(-np.abs(model.weights))
    print("weights (standardised): " + ", ".join(f"{FEATURES[i]} {model.weights[i]:+.2f}" for i in order))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
