"""Digest benchmark: every channel's top five over a 100k-insight recent window, against targets.

    .venv/bin/python bench/digest_bench.py
    .venv/bin/python bench/digest_bench.py --insights 20000 --channels 1000 --baseline-channels 5

The window is `bench/corpus.py`'s synthetic corpus re-dated into the last week (plus a
few stale insights the window must leave out), with a share of insights echoed by other
podcasts in other words (reordered, a filler word, a typo) so near-duplicate clusters
exist. Each channel follows 3 topics from a vocabulary of ~60 and has already received
30 insights. Timed: `build_pool` once, the topic lists once, `select_digest` per channel.
The baseline scores every insight of the window for a channel (no index, no shared
topic lists); it is measured on a few channels and extrapolated, and its picks are
checked against `select_digest`'s.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from corpus import TOPICS, Corpus, typo
from measure import peak_rss_mb, percentile

from insights.digest import DigestPool, build_pool, select_digest
from insights.model import Insight
from insights.topics import TopicDoc, channel_topics

TARGET_TOTAL_S = 20.0
TARGET_PER_CHANNEL_MS = 2.0
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
DELIVERED_PER_CHANNEL = 30
PHRASES = (
    "export controls, supply chain, interest rates, central bank, monetary policy, artificial intelligence, "
    "venture capital, product market fit, clinical trials, crude oil, open source, climate, renewable energy, "
    "supply chains, interest rate"
)
WORDS = (
    "semiconductors, inflation, recession, vaccine, nuclear, ransomware, rocket, quantum, housing, journalism, "
    "tariffs, fusion, encryption, satellites, wheat, teachers, streaming, kubernetes, football, election, "
    "antitrust, privacy, hydrogen, longevity, bonds, burnout, semiconducter, inflaton"
)
FILLERS = ("really", "actually", "basically", "so", "just")


@dataclass(frozen=True)
class Channel:
    topics: tuple[str, ...]
    delivered: frozenset[int]


def topic_vocabulary() -> list[str]:
    """~60 topics people type: the corpus's topic names, phrases, words, plurals and typos."""
    return channel_topics([*sorted(TOPICS), PHRASES, WORDS])


def paraphrase(text: str, rng: random.Random) -> str:
    """The same claim in slightly other words: two words swapped, a filler, maybe a typo."""
    tokens = text.rstrip(".?!").replace(",", "").lower().split()
    if len(tokens) > 3:
        i = rng.randrange(len(tokens) - 1)
        tokens[i], tokens[i + 1] = tokens[i + 1], tokens[i]
    tokens.insert(rng.randrange(len(tokens) + 1), rng.choice(FILLERS))
    if rng.random() < 0.3:
        i = rng.randrange(len(tokens))
        tokens[i] = typo(tokens[i], rng)
    return " ".join(tokens).capitalize() + "."


def make_window(size: int, seed: int, echo_rate: float, stale: int) -> tuple[list[Insight], dict[int, int]]:
    """`size` insights of the last week plus `stale` older ones; and which insight each echo repeats."""
    rng = random.Random(seed)
    corpus = Corpus(size + stale, seed=seed)
    podcasts = [name for name, _ in corpus.podcasts]
    window: list[Insight] = []
    echoes: dict[int, int] = {}
    for n, item in enumerate(corpus.insights(), 1):
        age = timedelta(days=rng.uniform(0, 6.9)) if n <= size else timedelta(days=rng.uniform(8, 60))
        insight = Insight(n, item.text, item.podcast, item.episode, item.url, item.audio_url,
                          item.start_seconds, NOW - age, item.topics)
        if n <= size and window and rng.random() < echo_rate:
            source = window[rng.randrange(len(window))]
            other = rng.choice([p for p in podcasts if p != source.podcast])
            insight = replace(insight, text=paraphrase(source.text, rng), podcast=other, topics=source.topics)
            echoes[n] = echoes.get(source.id, source.id)
        window.append(insight)
    return window, echoes


def cluster_quality(pool: DigestPool, echoes: dict[int, int]) -> tuple[int, int]:
    """Echoes clustered with the insight they repeat, and insights clustered with one they do not echo."""
    position = {insight.id: p for p, insight in enumerate(pool.insights)}
    cluster = {insight_id: pool.cluster_key(p) for insight_id, p in position.items()}
    found = sum(1 for echo, source in echoes.items() if cluster[echo] == cluster[source])
    claim_of = {p: echoes.get(i.id, i.id) for p, i in enumerate(pool.insights)}  # the original each insight says
    first: dict[int, int] = {}
    wrong = 0
    for p in range(len(pool)):
        wrong += first.setdefault(pool.cluster_key(p), claim_of[p]) != claim_of[p]
    return found, wrong


def make_channels(count: int, per_channel: int, ids: list[int], seed: int) -> list[Channel]:
    rng = random.Random(seed + 1)
    vocabulary = topic_vocabulary()
    return [
        Channel(tuple(rng.sample(vocabulary, per_channel)), frozenset(rng.sample(ids, DELIVERED_PER_CHANNEL)))
        for _ in range(count)
    ]


def naive_digest(pool: DigestPool, docs: list[TopicDoc], channel: Channel) -> list[int]:
    """The baseline: score every insight of the window for this channel, sort, then choose."""
    rules = pool.rules
    compiled = [pool.topic_index.compile(t) for t in channel_topics(channel.topics)]
    scored = []
    for position, doc in enumerate(docs):
        relevance = max(c.score(doc).relevance for c in compiled)
        if relevance > 0 and relevance >= rules.relevance_floor:
            score = rules.relevance_weight * relevance + pool.base[position]
            scored.append((-score, pool.insights[position].id, position))
    scored.sort()
    blocked = pool.blocked_clusters(channel.delivered)
    picks: list[int] = []
    clusters: set[int] = set()
    per_podcast: dict[str, int] = {}
    for _, insight_id, position in scored:
        cluster, podcast = pool.cluster_key(position), pool.podcast_key(position)
        if cluster in blocked or cluster in clusters or per_podcast.get(podcast, 0) >= rules.max_per_podcast:
            continue
        picks.append(insight_id)
        clusters.add(cluster)
        per_podcast[podcast] = per_podcast.get(podcast, 0) + 1
        if len(picks) == rules.size:
            break
    return picks




def log(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Figures:
    """What one run measured."""

    window: int
    generated: int
    topics: int
    build_s: float
    lists_s: float
    select_ms: list[float]
    picks: list[int]
    clusters: int
    echoed: int
    select_cpu_s: float
    baseline_ms: list[float]
    baseline_agree: int
    echoes: int
    echoes_found: int
    wrongly_merged: int

    @property
    def total_s(self) -> float:
        return self.build_s + self.lists_s + sum(self.select_ms) / 1000


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    log(f"generating {args.insights:,} insights (+{args.insights // 20:,} stale) and {args.channels:,} channels")
    window, echoes = make_window(args.insights, args.seed, args.echo_rate, args.insights // 20)
    channels = make_channels(args.channels, args.topics, [i.id for i in window[: args.insights]], args.seed)
    started = time.perf_counter()
    pool = build_pool(window, NOW)
    build_s = time.perf_counter() - started
    log(f"pool built in {build_s:.2f} s")
    vocabulary = sorted({t for c in channels for t in c.topics})
    started = time.perf_counter()
    pool.warm(vocabulary)
    lists_s = time.perf_counter() - started
    cpu = time.process_time()
    select_ms, results = _select_all(pool, channels)
    select_cpu_s = time.process_time() - cpu
    log(f"{len(channels):,} digests selected in {sum(select_ms) / 1000:.2f} s")
    baseline_ms, agree = _baseline(pool, channels[: args.baseline_channels], results)
    roots = [p for p in range(len(pool)) if pool.cluster_key(p) == p]
    echoed = sum(1 for p in roots if len(pool.echoed_by(p)) > 1)
    figures = Figures(len(pool), len(window), len(vocabulary), build_s, lists_s, select_ms,
                      [len(r) for r in results], len(roots), echoed, select_cpu_s, baseline_ms, agree,
                      len(echoes), *cluster_quality(pool, echoes))
    _report(figures, args)
    return 0


def _select_all(pool: DigestPool, channels: list[Channel]) -> tuple[list[float], list[list[int]]]:
    """Each channel's digest, timed one by one (milliseconds)."""
    timings: list[float] = []
    results: list[list[int]] = []
    for channel in channels:
        started = time.perf_counter()
        picks = select_digest(pool, channel.topics, channel.delivered)
        timings.append((time.perf_counter() - started) * 1000)
        results.append([p.insight.id for p in picks])
    return timings, results


def _baseline(pool: DigestPool, channels: list[Channel], fast: list[list[int]]) -> tuple[list[float], int]:
    """Milliseconds per channel of the naive selection, and on how many channels it agrees."""
    docs = list(pool.topic_index.docs)
    timings, agree = [], 0
    for n, channel in enumerate(channels):
        started = time.perf_counter()
        picks = naive_digest(pool, docs, channel)
        timings.append((time.perf_counter() - started) * 1000)
        agree += picks == fast[n]
        log(f"baseline {n + 1}/{len(channels)}: {timings[-1]:,.0f} ms")
    return timings, agree


def _report(f: Figures, args: argparse.Namespace) -> None:
    ms, channels = f.select_ms, len(f.select_ms)
    everything_ms = f.total_s * 1000 / channels
    print(f"\n== digest bench: {f.window:,} insights in the window ({f.generated:,} generated, the stale ones "
          f"left out); {channels:,} channels x {args.topics} topics from {f.topics}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} ==")
    print(f"{'pool build (clusters, scores, index)':40} {f.build_s:9.2f} s    "
          f"{f.clusters:,} clusters, {f.echoed:,} claims echoed by 2+ podcasts; {f.echoes_found:,}/{f.echoes:,} "
          f"injected echoes found, {f.wrongly_merged:,} insights merged with a claim they do not echo")
    print(f"{f'topic lists ({f.topics} topics, once)':40} {f.lists_s:9.2f} s")
    print(f"{f'select_digest x {channels:,}':40} {sum(ms) / 1000:9.2f} s    ({f.select_cpu_s:.2f} s CPU) per channel: "
          f"mean {statistics.fmean(ms):.3f} ms, p50 {percentile(ms, 50):.3f}, p95 {percentile(ms, 95):.3f}, "
          f"p99 {percentile(ms, 99):.3f}, max {max(ms):.2f}")
    print(f"{'total: build + lists + every channel':40} {f.total_s:9.2f} s    "
          f"target <= {TARGET_TOTAL_S:.0f} s: {verdict(f.total_s <= TARGET_TOTAL_S)}")
    print(f"{'per channel, all of the above included':40} {everything_ms:9.3f} ms   "
          f"target <= {TARGET_PER_CHANNEL_MS:.0f} ms: {verdict(everything_ms <= TARGET_PER_CHANNEL_MS)} "
          f"(select alone, p99: {verdict(percentile(ms, 99) <= TARGET_PER_CHANNEL_MS)})")
    print(f"picks per channel: mean {statistics.fmean(f.picks):.2f}; channels with fewer than 5: "
          f"{sum(1 for n in f.picks if n < 5):,}; peak RSS {peak_rss_mb():,.0f} MB")
    if f.baseline_ms:
        mean = statistics.fmean(f.baseline_ms)
        print(f"naive baseline (score every insight for each channel): mean {mean:,.0f} ms/channel over "
              f"{len(f.baseline_ms)} channels -> {channels:,} channels ~ {mean * channels / 60_000:,.0f} min "
              f"(extrapolated, not run), {mean / statistics.fmean(ms):,.0f}x select_digest's mean")
        print(f"baseline picks identical to select_digest's on {f.baseline_agree}/{len(f.baseline_ms)} channels")




def verdict(good: bool) -> str:
    return "OK" if good else "MISSED"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--insights", type=int, default=100_000, help="insights in the recent window (default 100000)")
    parser.add_argument("--channels", type=int, default=10_000, help="channels (default 10000)")
    parser.add_argument("--topics", type=int, default=3, help="topics per channel (default 3)")
    parser.add_argument("--baseline-channels", type=int, default=20, help="channels for the baseline (default 20)")
    parser.add_argument("--echo-rate", type=float, default=0.05, help="share of echoes (default 0.05)")
    parser.add_argument("--seed", type=int, default=42)
    return parser


if __name__ == "__main__":
    sys.exit(main())
