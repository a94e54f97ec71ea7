"""Matching by meaning against lexical matching, on the labelled sets in tests/data/meaning.

    .venv/bin/python bench/meaning_eval.py              # story pairs never tuned on (fresh4)
    .venv/bin/python bench/meaning_eval.py --split tune
    .venv/bin/python bench/meaning_eval.py --throughput # also texts/s and memory of the model

Topics: each insight's text (its tags hidden) against each topic; AUC of the relevance
scores and precision/recall at the digest's relevance floor, sense traps counted apart.
Stories: pairs merged per class (paraphrase / related / opposite / unrelated): lexical is
today's near-duplicate rule, semantic is close vectors confirmed by the story rule. Needs
the `meaning` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ingest.meaning import load_encoder
from insights.digest import DigestRules
from insights.meaning_stories import ClaimSigns, StoryRules, same_story
from insights.meaning_topics import MeaningRules, blend, mentions_topic, without_topic_words
from insights.near_duplicates import are_near_duplicates
from insights.topics import TopicDoc, doc_relevance, topic_stems

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "meaning"
CLASSES = ("paraphrase", "related", "opposite", "unrelated")
#: The story pairs: the first file's halves were both looked at while tuning; `fresh` pairs were
#: written from real transcripts before any score was run on them (then the rule was reworked on
#: them); `fresh2` pairs were written after that rework, before any score was run on them;
#: likewise `fresh3` (scored once, then tuned on) and `fresh4` (blind, scored once at 7dd60f2).
STORY_FILES = ("story_pairs.jsonl", "story_pairs_fresh.jsonl", "story_pairs_fresh2.jsonl",
               "story_pairs_fresh3.jsonl", "story_pairs_fresh4.jsonl")


def auc(scores: list[float], labels: list[bool]) -> float:
    """Probability that a relevant pair outscores an irrelevant one (ties count half)."""
    pos = [s for s, y in zip(scores, labels, strict=False) if y]
    neg = [s for s, y in zip(scores, labels, strict=False) if not y]
    wins = sum((p > n) + 0.5 * (p == n) for p in pos for n in neg)
    return wins / (len(pos) * len(neg))


def precision_recall(scores: list[float], labels: list[bool], floor: float) -> tuple[float, float]:
    chosen = [y for s, y in zip(scores, labels, strict=False) if s >= floor]
    hits = sum(chosen)
    return hits / max(1, len(chosen)), hits / max(1, sum(labels))


def topic_eval(encoder, split: str) -> None:
    data = json.loads((DATA / "topic_relevance.json").read_text())
    topics, docs = data["topics"], [d for d in data["insights"] if d["split"] == split]
    rules, floor = MeaningRules(), DigestRules().relevance_floor
    topic_vectors = encoder.encode(topics)
    doc_vectors = encoder.encode([d["text"] for d in docs])
    lexical, semantic, labels, traps = [], [], [], []
    for t, topic in enumerate(topics):
        mention = [k for k, d in enumerate(docs) if mentions_topic(d["text"], topic)]
        masked = encoder.encode([without_topic_words(docs[k]["text"], topic) for k in mention]) if mention else []
        rest = {k: float(v @ topic_vectors[t]) for k, v in zip(mention, masked, strict=False)}
        for k, doc in enumerate(docs):
            lex = doc_relevance(TopicDoc(topic_stems(doc["text"])), topic)
            sem = blend(lex, topic, float(doc_vectors[k] @ topic_vectors[t]), rest.get(k), rules)
            lexical.append(lex.relevance)
            semantic.append(sem.relevance)
            labels.append(topic in doc["relevant"])
            if doc["source"].endswith(f"sense trap for {topic}"):
                traps.append((lex.relevance >= floor, sem.relevance >= floor))
    print(f"\nTopics ({split}: {len(docs)} insights x {len(topics)} topics, {sum(labels)} relevant pairs; floor {floor})")
    print(f"{'':28}{'lexical':>10}{'semantic':>10}")
    print(f"{'AUC':28}{auc(lexical, labels):>10.3f}{auc(semantic, labels):>10.3f}")
    lp, lr = precision_recall(lexical, labels, floor)
    sp, sr = precision_recall(semantic, labels, floor)
    print(f"{'precision at the floor':28}{lp:>10.3f}{sp:>10.3f}")
    print(f"{'recall at the floor':28}{lr:>10.3f}{sr:>10.3f}")
    print(f"{'sense traps matched':28}{sum(a for a, _ in traps):>7}/{len(traps)}{sum(b for _, b in traps):>7}/{len(traps)}")
    ai = topics.index("ai policy")
    ai_labels = labels[ai * len(docs) : (ai + 1) * len(docs)]
    for name, scores in (("lexical", lexical), ("semantic", semantic)):
        found = sum(s >= floor and y for s, y in zip(scores[ai * len(docs) : (ai + 1) * len(docs)], ai_labels, strict=False))
        print(f"  'ai policy' insights found, {name}: {found} of {sum(ai_labels)}")


def story_eval(encoder, split: str) -> None:
    pairs = [json.loads(line) for name in STORY_FILES for line in (DATA / name).read_text().splitlines()]
    pairs = [p for p in pairs if p["split"] == split]
    a = encoder.encode([p["a"] for p in pairs])
    b = encoder.encode([p["b"] for p in pairs])
    cosines = (a * b).sum(axis=1).tolist()
    rules = StoryRules()
    print(f"\nStories ({split}: {len(pairs)} pairs; candidate cosine {rules.min_cosine})")
    print(f"{'pairs merged':28}{'lexical':>14}{'semantic':>14}")
    for label in CLASSES:
        chosen = [(p, c) for p, c in zip(pairs, cosines, strict=False) if p["label"] == label]
        lex = sum(are_near_duplicates(p["a"], p["b"]) for p, _ in chosen)
        sem = sum(same_story(ClaimSigns.of(p["a"]), ClaimSigns.of(p["b"]), c, rules) for p, c in chosen)
        n = len(chosen)
        print(f"{label:28}{lex:>5}/{n:<3} {lex / n:>4.0%}{sem:>5}/{n:<3} {sem / n:>4.0%}")


def rss_mb() -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def throughput() -> None:
    texts = [json.loads(line)["text"] for line in (Path(__file__).resolve().parents[1] / "standin" / "data" / "sample_insights.jsonl").read_text().splitlines()]
    batch = texts * 5
    before = rss_mb()
    print(f"\nThroughput ({len(batch)} insight texts, batches of 32)")
    loaded = None
    for threads in (1, 2):
        encoder = load_encoder(threads=threads)
        encoder.encode(texts[:8])  # warm up
        loaded = loaded or rss_mb()
        start = time.perf_counter()
        encoder.encode(batch)
        elapsed = time.perf_counter() - start
        print(f"  {threads} thread(s): {len(batch) / elapsed:.0f} texts/s")
    after = rss_mb()
    print(f"  RSS: {before:.0f} MB before loading, {loaded or 0:.0f} MB with one encoder loaded and run, "
          f"{after:.0f} MB with two")
    print(f"  load average while measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())} (2 cores)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", choices=("fresh4", "fresh3", "fresh2", "fresh", "heldout", "tune"), default="fresh4",
                        help="story pairs: fresh4 (untouched, default), fresh3, fresh2, fresh, heldout or tune; "
                             "topics use heldout for the fresh splits")
    parser.add_argument("--throughput", action="store_true")
    parser.add_argument("--throughput-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.throughput_only:  # a fresh process: its RSS is the model's alone
        throughput()
        return
    encoder = load_encoder()
    print(f"model: {encoder.model_id}")
    topic_eval(encoder, "heldout" if args.split.startswith("fresh") else args.split)
    story_eval(encoder, args.split)
    if args.throughput:
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--throughput-only"], check=True)


if __name__ == "__main__":
    main()
