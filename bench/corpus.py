"""A deterministic synthetic corpus of podcast insights for the search benchmark.

Words follow a Zipf-like law over a vocabulary of pronounceable pseudo-words plus a
few hundred real topical English words (placed among the common ranks so queries
look real), mixed with English function words so sentences read like sentences.
Everything derives from one seed: the same seed and size give the same corpus.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from insights.model import NewInsight

#: Real topical words by topic; each podcast covers one or two topics.
TOPICS: dict[str, str] = {
    "chips": "semiconductor chips export controls foundry wafer lithography fabrication supply chain "
    "tariffs silicon nanometer packaging memory processor",
    "macro": "inflation interest rates central bank recession bonds yields treasury monetary policy "
    "unemployment wages growth deficit currency",
    "ai": "artificial intelligence models training inference transformers datasets benchmarks "
    "alignment agents compute parameters reasoning multimodal embeddings",
    "climate": "climate carbon emissions renewable solar wind battery storage grid hydrogen methane "
    "warming adaptation drought wildfire",
    "health": "health vaccine clinical trials hospital nutrition sleep exercise longevity insulin "
    "microbiome diagnosis therapy pharmacy cardiology",
    "startups": "startups founders venture capital funding valuation seed series revenue growth "
    "hiring product market fit churn pricing",
    "security": "security encryption vulnerability breach ransomware phishing passwords firewall "
    "authentication malware patching incident forensics",
    "energy": "energy nuclear reactor uranium pipeline refinery crude oil gas electricity "
    "transmission utilities turbine fusion",
    "work": "remote teams documentation meetings async management culture burnout productivity "
    "onboarding feedback promotion hiring",
    "history": "history empire revolution archive medieval dynasty treaty colonial monarchy "
    "civilization manuscript archaeology migration",
    "space": "space rocket orbit satellite launch telescope asteroid lunar mars propulsion "
    "astronaut spacecraft payload",
    "science": "physics quantum particle experiment neuroscience genetics protein evolution "
    "chemistry molecule laboratory hypothesis",
    "markets": "markets stocks earnings dividends liquidity volatility hedge options futures "
    "commodities portfolio index arbitrage",
    "policy": "policy regulation antitrust legislation congress parliament election courts "
    "privacy copyright sanctions lobbying subsidies",
    "cities": "cities housing zoning transit rent density traffic bicycles suburbs mortgage "
    "construction infrastructure bridges",
    "food": "food agriculture farming fertilizer crops wheat coffee restaurants recipes "
    "fermentation livestock fisheries",
    "education": "education schools teachers universities students curriculum tuition literacy "
    "exams scholarships research lectures",
    "media": "media journalism newsletters advertising subscriptions streaming television "
    "podcasts audience algorithms creators",
    "software": "software databases compilers kubernetes latency caching migrations testing "
    "deployment observability refactoring open source",
    "sports": "sports football basketball coaching injuries training season playoffs "
    "contracts transfers analytics stadium",
}

FUNCTION_WORDS = ["the", "of", "and", "to", "in", "a", "is", "that", "for", "it", "as", "with", "was", "on", "be", "by", "this", "are", "at", "from", "or", "an", "have", "not", "but", "they", "we", "will", "can", "more", "their", "has", "which", "about", "would", "there", "been", "one", "all", "so", "if", "what", "when", "than", "only", "into", "most", "over", "also", "because", "could", "should", "through", "much", "many", "after", "before"]

SYLLABLE_ONSETS = ["b", "c", "d", "f", "g", "h", "j", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "z", "br", "cr", "dr", "fr", "gr", "pr", "tr", "bl", "cl", "fl", "gl", "pl", "sl", "st", "sk", "sp", "ch", "sh", "th"]
SYLLABLE_VOWELS = ["a", "e", "i", "o", "u", "a", "e", "i", "o", "u", "y", "ai", "ea", "io", "ou"]
SYLLABLE_CODAS = ["", "", "", "", "", "", "n", "r", "l", "s", "m", "x", "nd", "rt", "st"]

PODCAST_NOUNS = ["Weekly", "Hour", "Brief", "Signal", "Dispatch", "Review", "Report", "Podcast", "Show", "Radio", "Notes", "Lab"]


def pseudo_words(count: int, rng: random.Random) -> list[str]:
    """`count` distinct pronounceable non-English words of 2-4 syllables."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < count:
        syllables = rng.choice((2, 2, 2, 2, 2, 3, 3, 3, 3, 4))
        word = "".join(
            rng.choice(SYLLABLE_ONSETS) + rng.choice(SYLLABLE_VOWELS) + rng.choice(SYLLABLE_CODAS)
            for _ in range(syllables)
        )
        if 4 <= len(word) <= 14 and word not in seen:
            seen.add(word)
            out.append(word)
    return out


class Corpus:
    """The vocabulary, podcasts and a seeded stream of insights."""

    def __init__(self, size: int, seed: int = 42, pseudo_count: int = 24_000, podcasts: int = 200) -> None:
        self.size = size
        self.seed = seed
        rng = random.Random(seed)
        topical = sorted({w for words in TOPICS.values() for w in words.split()})
        pseudo = pseudo_words(pseudo_count, rng)
        pseudo = [w for w in pseudo if w not in set(topical)]
        # Topical words take scattered ranks between 20 and ~4000: common, not dominant.
        ranked = list(pseudo)
        for i, word in enumerate(rng.sample(topical, len(topical))):
            ranked.insert(20 + i * 11 + rng.randrange(11), word)
        self.content_words = ranked
        weights = [1.0 / (rank + 2.7) for rank in range(len(ranked))]  # Zipf-Mandelbrot, s = 1
        self._cum_weights = list(itertools.accumulate(weights))
        topic_names = sorted(TOPICS)
        self.podcasts: list[tuple[str, tuple[str, ...]]] = []
        for i in range(podcasts):
            topics = tuple(sorted(set(rng.sample(topic_names, rng.choice((1, 1, 2))))))
            name = f"{rng.choice(TOPICS[topics[0]].split()).title()} {rng.choice(PODCAST_NOUNS)} {i + 1}"
            self.podcasts.append((name, topics))

    @property
    def vocabulary_size(self) -> int:
        return len(self.content_words)

    def insights(self) -> Iterator[NewInsight]:
        """The `size` insights, grouped by episode as a feed import would bring them."""
        rng = random.Random(self.seed * 7919 + 1)
        start = datetime(2019, 1, 1, tzinfo=UTC)
        produced, episode_no = 0, 0
        while produced < self.size:
            podcast, topics = self.podcasts[rng.randrange(len(self.podcasts))]
            episode_no += 1
            published = start + timedelta(minutes=rng.randrange(7 * 365 * 24 * 60))
            episode = f"Episode {episode_no}: {' '.join(self._content(rng, 3)).title()}"
            audio = f"https://cdn.example.com/{episode_no}.mp3"
            seconds = 0.0
            for _ in range(min(rng.randint(15, 45), self.size - produced)):
                seconds += rng.uniform(20, 240)
                yield NewInsight(
                    text=self._text(rng, topics),
                    podcast=podcast,
                    episode=episode,
                    url=f"https://example.com/episodes/{episode_no}",
                    audio_url=audio,
                    start_seconds=round(seconds, 1),
                    published_at=published,
                    topics=topics,
                )
                produced += 1

    def _content(self, rng: random.Random, k: int) -> list[str]:
        return rng.choices(self.content_words, cum_weights=self._cum_weights, k=k)

    def _text(self, rng: random.Random, topics: tuple[str, ...]) -> str:
        sentences = []
        count = rng.choice((1, 1, 2, 2, 3))
        total = rng.randint(max(9, 4 * count), 40)  # content words; with function words ~12-60
        for n in range(count):
            length = total // count + (1 if n < total % count else 0)
            content = self._content(rng, length)
            if rng.random() < 0.6:  # podcasts stay on topic: a topical word or two
                content[rng.randrange(length)] = rng.choice(TOPICS[rng.choice(topics)].split())
            words: list[str] = []
            for word in content:
                if rng.random() < 0.45:
                    words.append(rng.choice(FUNCTION_WORDS))
                words.append(word)
            if len(words) > 8 and rng.random() < 0.3:
                words[rng.randrange(3, len(words) - 2)] += ","
            sentences.append(" ".join(words).capitalize() + rng.choice(".....?!"))
        return " ".join(sentences)


def typo(word: str, rng: random.Random) -> str:
    """`word` with one deletion, transposition or substitution (never the first letter)."""
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("deletion", "transposition", "substitution"))
    if kind == "deletion":
        return word[:i] + word[i + 1 :]
    if kind == "transposition":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    letters = [c for c in "abcdefghijklmnopqrstuvwxyz" if c != word[i]]
    return word[:i] + rng.choice(letters) + word[i + 1 :]
