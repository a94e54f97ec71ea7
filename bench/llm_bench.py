"""The language-model path on the real transcripts of the extraction set: what it reads, what it costs.

    .venv/bin/python bench/llm_bench.py                     # coverage and requests per episode, no model needed
    .venv/bin/python bench/llm_bench.py --context-tokens 4096

Per episode: how much of the talk the model saw before (one request, the first 60,000
characters) and now (the share of the words said that some request holds), the requests an episode takes and per hour of talk, and
the largest request. No model is called: this is the cost side. For the quality side, run
the extraction harness with a real model (an OpenAI-compatible endpoint, e.g. Ollama):

    LLM_BASE_URL=http://localhost:11434/v1 LLM_MODEL=qwen2.5:7b-instruct \\
        .venv/bin/python bench/extract_quality.py --extractor bench.llm_bench:extract

(`extract` reads LLM_BASE_URL, LLM_MODEL, LLM_API_KEY and LLM_CONTEXT_TOKENS; written
insights carry new wording, so many of their picks come out unlabelled there.)
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.extract_quality import DEFAULT_DATA, load_manifest, read_segments, talk_hours  # noqa: E402
from ingest.llm.chunks import chunk_chars_for, chunk_transcript  # noqa: E402
from ingest.llm.prompt import SYSTEM_PROMPT  # noqa: E402
from ingest.llm_extractor import LlmExtractor  # noqa: E402
from insights.extraction import transcript_sentences  # noqa: E402
from insights.transcript import Extracted, Segment  # noqa: E402

#: What the extractor sent at most before chunking (one request per episode).
OLD_CAP_CHARS = 60_000


def extract(segments: Sequence[Segment], limit: int = 6) -> list[Extracted]:
    """The LLM extractor configured from the environment, for `extract_quality.py --extractor`."""
    context = int(os.environ.get("LLM_CONTEXT_TOKENS", "8192"))
    with LlmExtractor(
        os.environ["LLM_BASE_URL"],
        os.environ["LLM_MODEL"],
        os.environ.get("LLM_API_KEY"),
        chunk_chars=chunk_chars_for(context),
        timeout=float(os.environ.get("LLM_TIMEOUT_SECONDS", "300")),
        episode_deadline=60.0 * float(os.environ.get("LLM_EPISODE_MINUTES", "60")),
    ) as extractor:
        return extractor.extract(segments, limit=limit)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with manifest.json")
    parser.add_argument("--context-tokens", type=int, default=8192, help="the model's context (LLM_CONTEXT_TOKENS)")
    args = parser.parse_args(argv)
    size = chunk_chars_for(args.context_tokens)
    print(f"chunks of {size:,} characters (context {args.context_tokens:,} tokens); before: one request, "
          f"the first {OLD_CAP_CHARS:,} characters\n")  # fmt: skip
    print(f"{'episode':28} {'kind':7} {'hours':>5} {'chars':>8} {'seen before':>11} {'seen now':>8} "
          f"{'requests':>8} {'per hour':>8} {'largest':>8}")  # fmt: skip
    total_hours = total_requests = 0.0
    for episode in load_manifest(args.data):
        if not episode.path.exists():
            print(f"{episode.id:28} (transcript missing: run extract_quality.py --materialise)")
            continue
        segments = read_segments(episode)
        sentences = [s for s in transcript_sentences(segments) if s.text]
        chars = sum(len(s.text) + 1 for s in sentences)
        chunks = chunk_transcript(sentences, size)
        said = Counter(w for s in sentences for w in s.text.split())
        sent = Counter(w for c in chunks for w in c.text.split())
        seen = sum((said & sent).values()) / max(1, sum(said.values()))  # words said that some request holds
        hours = talk_hours(segments)
        largest = max(len(c.text) for c in chunks) + len(SYSTEM_PROMPT)
        total_hours += hours
        total_requests += len(chunks)
        print(f"{episode.id:28} {episode.kind:7} {hours:5.2f} {chars:8,} {min(1.0, OLD_CAP_CHARS / chars):11.0%} "
              f"{seen:8.0%} {len(chunks):8} {len(chunks) / hours:8.1f} {largest:8,}")  # fmt: skip
    if total_hours:
        print(f"\nall: {total_requests:.0f} requests for {total_hours:.1f} hours of talk = "
              f"{total_requests / total_hours:.1f} requests per hour")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
