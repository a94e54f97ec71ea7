"""Extraction quality: how many picked insights a demanding reader would keep, on real transcripts.

    .venv/bin/python bench/extract_quality.py                          # the working tree's extractor vs LexRank
    .venv/bin/python bench/extract_quality.py --extractor builtin@0dc7f23   # the extractor as it was at a commit
    .venv/bin/python bench/extract_quality.py --extractor mypkg.mod:function  # any fn(segments, limit=N)
    .venv/bin/python bench/extract_quality.py --split tune --write-unlabelled new.jsonl
    .venv/bin/python bench/extract_quality.py --seal           # labels.jsonl: texts replaced by hashes
    .venv/bin/python bench/extract_quality.py --materialise --git-dir thechangelog/transcripts=DIR

The set (tests/data/extraction/): `manifest.json` lists the episodes (show, transcript file and
format, human-edited or machine-made, split `tune` or `heldout`) with each transcript's source
and sha256; `labels.jsonl` holds one judged pick a line: {episode, key, shingles, standalone,
substantive, well_formed, note}. The transcripts are not ours to commit, so neither is the
text of a pick: `key` is the SHA-256 of its normalised text (case, punctuation, spacing) and
`shingles` hashes of its word pairs. A labeller writes rows with a plain `text` (as
--write-unlabelled does, in a file outside git), and `--seal` replaces every text by its
hashes before the rows are committed. A pick takes the label with its key, else the closest
one of its episode at a similarity of at least FUZZY (Jaccard of shingles, 0-100), so a tiny
wording change keeps its label. Picks without a label are UNLABELLED: counted apart, never as
good or bad.

Held-out episodes are for measuring, not tuning: their figures are printed, but their
failures and unlabelled picks are shown (and written by --write-unlabelled) only with
--reveal-heldout.

The transcripts themselves are not in the repository: `--materialise` copies them from a
local git clone of their source (--git-dir) or downloads them from the raw URL in the manifest,
and checks each sha256. Missing transcripts are skipped with a note.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import io
import json
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
#: Set by `builtin@REV`: the child process imports the project from this exported tree instead.
SOURCE_ROOT_ENV = "PODBRIEF_SOURCE_ROOT"
sys.path.insert(0, os.environ.get(SOURCE_ROOT_ENV) or str(REPO))


from ingest.transcripts import parse_transcript  # noqa: E402
from insights.transcript import Segment  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "data" / "extraction"
CRITERIA = ("standalone", "substantive", "well_formed")
#: Jaccard similarity (0-100) of word-pair shingles from which a label still applies to a pick
#: (about one word in ten changed).
FUZZY = 80.0
#: Speaking rate used for the length of a transcript without times (words per second).
WORDS_PER_SECOND = 2.5
BASELINE = "lexrank"


@dataclass(frozen=True, slots=True)
class Episode:
    """One transcript of the set, as the manifest lists it."""

    id: str
    show: str
    path: Path
    format: str
    kind: str  # "human" or "machine"
    split: str  # "tune" or "heldout"
    sha256: str | None = None
    optional: bool = False


@dataclass(frozen=True, slots=True)
class Label:
    """A reader's judgement of one pick; a criterion is None while nobody has judged it."""

    episode: str
    text: str  # "" in a sealed row: only its key and shingles are stored
    standalone: bool | None
    substantive: bool | None
    well_formed: bool | None
    note: str = ""
    key: str = ""  # `text_key(text)`, filled from the text when the row has one
    shingles: frozenset[int] = frozenset()  # `text_shingles(text)`, for the fuzzy match

    def __post_init__(self) -> None:
        if self.text and not self.key:
            object.__setattr__(self, "key", text_key(self.text))
            object.__setattr__(self, "shingles", text_shingles(self.text))

    @property
    def complete(self) -> bool:
        return None not in (self.standalone, self.substantive, self.well_formed)

    @property
    def good(self) -> bool:
        return bool(self.standalone and self.substantive and self.well_formed)


@dataclass(frozen=True, slots=True)
class Pick:
    """One insight an extractor chose, with the label that applies to it (None: unlabelled)."""

    rank: int
    text: str
    start: float | None
    label: Label | None = None
    similarity: float = 100.0


@dataclass(slots=True)
class EpisodeResult:
    """An extractor's picks on one episode."""

    episode: Episode
    picks: list[Pick]
    hours: float
    error: str | None = None

    @property
    def labelled(self) -> list[Pick]:
        return [p for p in self.picks if p.label is not None]

    @property
    def unlabelled(self) -> list[Pick]:
        return [p for p in self.picks if p.label is None]


def normalise(text: str) -> str:
    """Text as compared with labels: NFKC, case-folded, punctuation and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("’", "'").replace("‘", "'")
    text = re.sub(r"[^\w\s']", " ", text)
    return " ".join(text.replace("'", "").split())


def text_key(text: str) -> str:
    """A pick's identity in a sealed label: the SHA-256 of its normalised text (hex, 128 bits)."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()[:32]


def text_shingles(text: str) -> frozenset[int]:
    """Hashes (32 bits) of the normalised text's word pairs: enough to tell a reworded pick, not to read it."""
    words = normalise(text).split() or [""]
    pairs = [" ".join(words[i : i + 2]) for i in range(max(len(words) - 1, 1))]
    return frozenset(int.from_bytes(hashlib.sha256(pair.encode("utf-8")).digest()[:4], "big") for pair in pairs)


def similarity(a: frozenset[int], b: frozenset[int]) -> float:
    """Jaccard similarity of two shingle sets, 0-100."""
    return 100.0 * len(a & b) / len(a | b) if a or b else 0.0


class LabelBook:
    """Labels by episode, matched to picks by normalised text (its key), with a fuzzy fallback."""

    def __init__(self, labels: Iterable[Label], fuzzy: float = FUZZY) -> None:
        self.fuzzy = fuzzy
        self._by_episode: dict[str, dict[str, Label]] = {}
        for label in labels:
            self._by_episode.setdefault(label.episode, {})[label.key] = label

    def __len__(self) -> int:
        return sum(len(labels) for labels in self._by_episode.values())

    def match(self, episode: str, text: str) -> tuple[Label | None, float]:
        """The complete label for `text` in `episode` and its similarity (100 for the same text)."""
        labels = self._by_episode.get(episode, {})
        exact = labels.get(text_key(text))
        if exact is not None:
            return (exact, 100.0) if exact.complete else (None, 0.0)
        shingles = text_shingles(text)
        best, best_score = None, 0.0
        for label in labels.values():
            if not label.complete:
                continue
            score = similarity(shingles, label.shingles)
            if score > best_score:
                best, best_score = label, score
        return (best, best_score) if best is not None and best_score >= self.fuzzy else (None, 0.0)


def load_labels(path: Path) -> list[Label]:
    """Every row of a labels.jsonl file (blank lines skipped); a clear error on a bad row."""
    labels: list[Label] = []
    if not path.is_file():
        return labels
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            values = {c: row[c] for c in CRITERIA}
            if not all(v is None or isinstance(v, bool) for v in values.values()):
                raise ValueError("standalone, substantive and well_formed must be true, false or null")
            note = str(row.get("note") or "")
            if "text" in row:
                labels.append(Label(str(row["episode"]), str(row["text"]), **values, note=note))
            else:
                shingles = frozenset(int(h, 16) for h in row["shingles"])
                labels.append(Label(str(row["episode"]), "", **values, note=note, key=str(row["key"]), shingles=shingles))
        except (ValueError, KeyError, TypeError) as error:
            raise SystemExit(f"{path}:{number}: not a label row ({error})") from None
    return labels


def seal_labels(path: Path) -> int:
    """Rewrite `path` with every row's text replaced by its key and shingles; the number of rows sealed.

    Labels quote passages of transcripts that are not ours to commit: sealed rows keep only
    hashes, which tell a pick again when the transcript is at hand but cannot be read back.
    """
    rows, sealed = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if "text" in row:
            text = str(row.pop("text"))
            row = {"episode": row.pop("episode"), "key": text_key(text),
                   "shingles": sorted(f"{h:08x}" for h in text_shingles(text)), **row}  # fmt: skip
            sealed += 1
        rows.append(json.dumps(row, ensure_ascii=False))
    path.write_text("".join(row + "\n" for row in rows), encoding="utf-8")
    return sealed


def load_manifest(data_dir: Path) -> list[Episode]:
    """The episodes of `data_dir/manifest.json`; transcript paths resolved against `data_dir`."""
    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    episodes = []
    for row in manifest["episodes"]:
        episodes.append(
            Episode(
                id=row["id"],
                show=row["show"],
                path=(data_dir / row["file"]).resolve(),
                format=row["format"],
                kind=row["kind"],
                split=row["split"],
                sha256=row.get("sha256"),
                optional=bool(row.get("optional", False)),
            )
        )
    return episodes


# --- extractors -------------------------------------------------------------------------------

Extract = Callable[[Sequence[Segment], int], list[tuple[str, float | None]]]


def builtin_extractor(segments: Sequence[Segment], limit: int) -> list[tuple[str, float | None]]:
    """The project's built-in extractor, as imported (the working tree, or an exported revision)."""
    from insights.extraction import extract_insights

    return [(found.text, found.start_seconds) for found in extract_insights(segments, limit=limit)]


def lexrank_baseline(segments: Sequence[Segment], limit: int) -> list[tuple[str, float | None]]:
    """Off-the-shelf LexRank: the `limit` most central sentences (tf-idf cosine > 0.1), no filter."""
    sentences = _baseline_sentences(segments)
    bags = [Counter(_content_words(text)) for text, _ in sentences]
    documents = Counter(word for bag in bags for word in bag)
    n = len(bags)
    idf = {word: math.log(n / count) + 1.0 for word, count in documents.items()}
    vectors = [{w: c * idf[w] for w, c in bag.items()} for bag in bags]
    norms = [math.sqrt(sum(v * v for v in vector.values())) for vector in vectors]
    postings: dict[str, list[int]] = {}
    for i, vector in enumerate(vectors):
        for word in vector:
            postings.setdefault(word, []).append(i)
    links: list[set[int]] = [set() for _ in range(n)]
    for i, vector in enumerate(vectors):
        if not norms[i]:
            continue
        dots: dict[int, float] = {}
        for word, weight in vector.items():
            for j in postings[word]:
                if j != i:
                    dots[j] = dots.get(j, 0.0) + weight * vectors[j][word]
        for j, dot in dots.items():
            if dot / (norms[i] * norms[j]) > 0.1:
                links[i].add(j)
    ranks = [1.0 / n] * n if n else []
    for _ in range(50):
        ranks = [0.15 / n + 0.85 * sum(ranks[j] / len(links[j]) for j in links[i]) for i in range(n)]
    order = sorted((i for i in range(n) if norms[i]), key=lambda i: (-ranks[i], i))[:limit]
    return [sentences[i] for i in order]


_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def _baseline_sentences(segments: Sequence[Segment]) -> list[tuple[str, float | None]]:
    """Sentences of each speaker's run of segments, with the start of the segment each begins in."""
    sentences: list[tuple[str, float | None]] = []
    run: list[Segment] = []
    for segment in [*segments, None]:
        if segment is not None and run and segment.speaker == run[-1].speaker and segment.start is not None:
            run.append(segment)
            continue
        if run:
            text, starts = "", []
            for part in run:
                starts.append((len(text), part.start))
                text += part.text.strip() + " "
            position = 0
            for piece in _SENTENCE_END.split(text):
                if piece.strip():
                    begin = text.find(piece, position)
                    start = next((s for offset, s in reversed(starts) if offset <= begin), None)
                    sentences.append((" ".join(piece.split()), start))
                    position = begin + len(piece)
        run = [segment] if segment is not None else []
    return sentences


def _content_words(text: str) -> list[str]:
    from insights.text import STOPWORDS, words

    return [w for w in words(text) if w not in STOPWORDS]


def import_extractor(spec: str) -> Extract:
    """`module:function` taking (segments, limit=N) and returning objects with .text (or strings)."""
    module_name, _, name = spec.partition(":")
    function = getattr(importlib.import_module(module_name), name)

    def run(segments: Sequence[Segment], limit: int) -> list[tuple[str, float | None]]:
        found = function(segments, limit=limit)
        return [_as_pick(item) for item in found]

    return run


def _as_pick(item: Any) -> tuple[str, float | None]:
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict):
        return str(item["text"]), item.get("start_seconds", item.get("start"))
    return str(item.text), getattr(item, "start_seconds", getattr(item, "start", None))


def local_extractor(spec: str) -> Extract:
    """`builtin`, `lexrank` or `module:function`, run in this process."""
    if spec == "builtin":
        return builtin_extractor
    if spec == BASELINE:
        return lexrank_baseline
    if ":" in spec:
        return import_extractor(spec)
    raise SystemExit(f"unknown extractor {spec!r}: use builtin, lexrank, builtin@REV or module:function")


# --- running ----------------------------------------------------------------------------------


def read_segments(episode: Episode) -> list[Segment]:
    """The episode's transcript parsed as the product parses it."""
    return parse_transcript(episode.path.read_bytes(), episode.format)


def talk_hours(segments: Sequence[Segment]) -> float:
    """How long the talk lasts: its last time, else its words at a speaking rate."""
    times = [t for s in segments for t in (s.start, s.end) if t is not None]
    if times:
        return max(times) / 3600
    return sum(len(s.text.split()) for s in segments) / WORDS_PER_SECOND / 3600


def run_picks(episodes: Sequence[Episode], spec: str, limit: int) -> dict[str, list[tuple[str, float | None]] | str]:
    """Each episode's picks by extractor `spec` (an error message instead when it failed)."""
    if "@" in spec:
        return _picks_at_revision(episodes, spec, limit)
    extract = local_extractor(spec)
    found: dict[str, list[tuple[str, float | None]] | str] = {}
    for episode in episodes:
        try:
            found[episode.id] = extract(read_segments(episode), limit)
        except Exception as error:
            found[episode.id] = f"{type(error).__name__}: {error}"
    return found


def _picks_at_revision(episodes: Sequence[Episode], spec: str, limit: int) -> dict[str, Any]:
    """Picks by the project as it was at a git revision (`builtin@REV`), in a child process."""
    name, _, revision = spec.partition("@")
    archive = subprocess.run(["git", "-C", str(REPO), "archive", revision], capture_output=True, check=False)
    if archive.returncode:
        raise SystemExit(f"cannot export revision {revision!r}: {archive.stderr.decode(errors='replace').strip()}")
    with tempfile.TemporaryDirectory(prefix="extract-quality-") as root:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(root, filter="data")
        listing = [{"id": e.id, "path": str(e.path), "format": e.format} for e in episodes]
        child = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--picks-json", json.dumps(listing), "--extractor", name,
             "--limit", str(limit)],
            capture_output=True, check=False, env={**os.environ, SOURCE_ROOT_ENV: root}, cwd=root,
        )  # fmt: skip
    if child.returncode:
        raise SystemExit(f"extractor {spec} failed:\n{child.stderr.decode(errors='replace')}")
    picks = json.loads(child.stdout)
    return {key: value if isinstance(value, str) else [tuple(p) for p in value] for key, value in picks.items()}


def evaluate(
    episodes: Sequence[Episode], picks: dict[str, Any], book: LabelBook, hours: dict[str, float]
) -> list[EpisodeResult]:
    """The picks of each episode with their labels."""
    results = []
    for episode in episodes:
        found = picks.get(episode.id, [])
        if isinstance(found, str):
            results.append(EpisodeResult(episode, [], hours.get(episode.id, 0.0), error=found))
            continue
        matched = []
        for rank, (text, start) in enumerate(found, 1):
            label, similarity = book.match(episode.id, text)
            matched.append(Pick(rank, text, start, label, similarity))
        results.append(EpisodeResult(episode, matched, hours.get(episode.id, 0.0)))
    return results


# --- reporting --------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Passes per criterion over labelled picks, plus picks and talk time."""

    picks: int = 0
    labelled: int = 0
    unlabelled: int = 0
    hours: float = 0.0
    passed: Counter[str] = field(default_factory=Counter)

    def add(self, result: EpisodeResult) -> None:
        self.picks += len(result.picks)
        self.unlabelled += len(result.unlabelled)
        self.hours += result.hours
        for pick in result.labelled:
            assert pick.label is not None
            self.labelled += 1
            for criterion in CRITERIA:
                self.passed[criterion] += bool(getattr(pick.label, criterion))
            self.passed["all"] += pick.label.good

    def share(self, criterion: str) -> str:
        if not self.labelled:
            return "-"
        return f"{100 * self.passed[criterion] / self.labelled:.0f}%"

    def row(self, name: str) -> str:
        per_hour = f"{self.picks / self.hours:.1f}" if self.hours else "-"
        good = f"{self.passed['all']}/{self.labelled}"
        return (
            f"{name:28} {self.picks:>5} {good:>7} {self.share('all'):>5} {self.share('standalone'):>6} "
            f"{self.share('substantive'):>6} {self.share('well_formed'):>6} {per_hour:>6} {self.unlabelled:>6}"
        )


HEADER = f"{'':28} {'picks':>5} {'good':>7} {'all3':>5} {'stand':>6} {'subst':>6} {'form':>6} {'/hour':>6} {'unlab':>6}"


def tallies(results: Sequence[EpisodeResult]) -> dict[str, Tally]:
    """Totals overall, by split, by kind and by split and kind."""
    groups: dict[str, Tally] = {}
    for result in results:
        e = result.episode
        for key in ("overall", e.split, e.kind, f"{e.split} {e.kind}"):
            groups.setdefault(key, Tally()).add(result)
    return groups


def report(name: str, results: Sequence[EpisodeResult], reveal_heldout: bool, out: Any) -> dict[str, Tally]:
    """Print one extractor's per-episode table, its totals, its failures and its unlabelled picks."""
    print(f"\n=== {name} ===", file=out)
    print(HEADER, file=out)
    for result in results:
        tally = Tally()
        tally.add(result)
        e = result.episode
        line = tally.row(f"{e.id} ({e.split[0]}/{e.kind[0]})")
        print(line + (f"  ERROR {result.error}" if result.error else ""), file=out)
    groups = tallies(results)
    print("-" * len(HEADER), file=out)
    for key in ("tune human", "tune machine", "heldout human", "heldout machine", "tune", "heldout", "human",
                "machine", "overall"):  # fmt: skip
        if key in groups:
            print(groups[key].row(key), file=out)
    shown = [r for r in results if reveal_heldout or r.episode.split != "heldout"]
    failures = [(r, p) for r in shown for p in r.labelled if p.label is not None and not p.label.good]
    if failures:
        print(f"\n{name}: failures ({len(failures)}), verbatim", file=out)
        for result, pick in failures:
            assert pick.label is not None
            missed = ",".join(c for c in CRITERIA if not getattr(pick.label, c))
            fuzzy = f" ~{pick.similarity:.0f}" if pick.similarity < 100 else ""
            print(f"- {result.episode.id} #{pick.rank} [{missed}]{fuzzy} {pick.label.note}", file=out)
            print(f"    {pick.text}", file=out)
    carried = [(r, p) for r in shown for p in r.labelled if p.similarity < 100]
    if carried:
        print(f"\n{name}: labels carried over by similarity ({len(carried)}; check them, --exact turns this off)", file=out)
        for result, pick in carried:
            assert pick.label is not None
            print(f"- {result.episode.id} #{pick.rank} ~{pick.similarity:.0f}: {pick.text}", file=out)
            print(f"    label: {pick.label.text or '(sealed: only its hashes are stored)'} {pick.label.note}", file=out)
    unlabelled = [(r, p) for r in shown for p in r.unlabelled]
    if unlabelled:
        print(f"\n{name}: UNLABELLED ({len(unlabelled)})", file=out)
        for result, pick in unlabelled:
            print(f"- {result.episode.id} #{pick.rank}: {pick.text}", file=out)
    hidden = sum(len(r.unlabelled) for r in results if r not in shown)
    if hidden:
        print(f"\n{name}: {hidden} held-out picks are unlabelled (not shown; --reveal-heldout shows them)", file=out)
    return groups


def write_unlabelled(path: Path, results_by_name: dict[str, list[EpisodeResult]], reveal_heldout: bool) -> int:
    """Append every unlabelled pick (once) to `path` in the labels format, criteria null."""
    seen: set[tuple[str, str]] = set()
    rows = []
    for name, results in results_by_name.items():
        for result in results:
            if result.episode.split == "heldout" and not reveal_heldout:
                continue
            for pick in result.unlabelled:
                key = (result.episode.id, normalise(pick.text))
                if key in seen:
                    continue
                seen.add(key)
                row = {"episode": result.episode.id, "text": pick.text, "standalone": None, "substantive": None,
                       "well_formed": None, "note": "", "picked_by": name}  # fmt: skip
                rows.append(json.dumps(row, ensure_ascii=False))
    with path.open("a", encoding="utf-8") as file:
        file.writelines(row + "\n" for row in rows)
    return len(rows)


# --- getting the transcripts ------------------------------------------------------------------


def materialise(data_dir: Path, git_dirs: dict[str, str], download: bool) -> int:
    """Put every missing transcript in place from a local git dir or its URL; 1 if any is still missing."""
    manifest = json.loads((data_dir / "manifest.json").read_text(encoding="utf-8"))
    missing = 0
    for row in manifest["episodes"]:
        target = (data_dir / row["file"]).resolve()
        source = row.get("source", {})
        if target.is_file() and _sha256(target.read_bytes()) == row.get("sha256"):
            continue
        data = None
        if source.get("repo") in git_dirs:
            shown = subprocess.run(["git", "--git-dir", git_dirs[source["repo"]], "show",
                                    f"{source['commit']}:{source['path']}"], capture_output=True, check=False)  # fmt: skip
            data = shown.stdout if shown.returncode == 0 else None
        elif download and source.get("url"):
            import httpx

            data = httpx.get(source["url"], timeout=60, follow_redirects=True).raise_for_status().content
        if data is not None and source.get("cues"):
            data = _first_cues(data, int(source["cues"]))
        if data is None and row.get("optional"):
            print(f"optional, absent: {row['id']} ({target})")
            continue
        if data is None or _sha256(data) != row.get("sha256"):
            why = "no --git-dir for its repository and no --download" if data is None else "sha256 differs"
            print(f"missing: {row['id']} ({why}; {source.get('repo')}:{source.get('path')})")
            missing += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        print(f"ok: {row['id']} -> {target.relative_to(data_dir)}")
    return 1 if missing else 0


def _first_cues(data: bytes, cues: int) -> bytes:
    """An SRT cut after its first `cues` cues (an excerpt the manifest names)."""
    blocks = data.split(b"\n\n")
    return b"\n\n".join(blocks[:cues]) + b"\n\n"


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- main -------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None, out: Any = None) -> int:
    """Run the extractors on the set and print their precision; 0 on success."""
    out = out or sys.stdout
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--extractor", action="append", help="builtin (default), lexrank, builtin@REV or module:function; repeatable")
    parser.add_argument("--no-baseline", action="store_true", help=f"do not also run the {BASELINE} baseline")
    parser.add_argument("--limit", type=int, default=6, help="insights asked for per episode (default 6)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder with manifest.json and labels.jsonl")
    parser.add_argument("--labels", type=Path, help="labels file (default DATA/labels.jsonl)")
    parser.add_argument("--split", choices=("tune", "heldout", "all"), default="all")
    parser.add_argument("--episode", action="append", help="only this episode id; repeatable")
    parser.add_argument("--exact", action="store_true", help="match labels by normalised text only (no fuzzy fallback)")
    parser.add_argument("--reveal-heldout", action="store_true", help="show held-out failures and unlabelled picks")
    parser.add_argument("--write-unlabelled", type=Path, metavar="FILE", help="append unlabelled picks as label rows (null criteria)")
    parser.add_argument("--materialise", action="store_true", help="fetch missing transcripts (see --git-dir, --download)")
    parser.add_argument("--git-dir", action="append", default=[], metavar="OWNER/NAME=DIR", help="local git dir of a source repository")
    parser.add_argument("--download", action="store_true", help="with --materialise, download from the manifest's URLs")
    parser.add_argument("--seal", action="store_true", help="replace the text of every label row by its hashes, then stop")
    parser.add_argument("--picks-json", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    specs = args.extractor or ["builtin"]

    if args.picks_json:  # child of builtin@REV: print picks as JSON and stop
        listing = json.loads(args.picks_json)
        episodes = [Episode(e["id"], "", Path(e["path"]), e["format"], "", "") for e in listing]
        print(json.dumps(run_picks(episodes, specs[0], args.limit)), file=out)
        return 0
    if args.seal:
        path = args.labels or args.data / "labels.jsonl"
        print(f"{seal_labels(path)} label rows of {path} sealed", file=out)
        return 0
    if args.materialise:
        git_dirs = dict(item.split("=", 1) for item in args.git_dir)
        return materialise(args.data, git_dirs, args.download)

    episodes = [e for e in load_manifest(args.data) if args.split in ("all", e.split)]
    if args.episode:
        episodes = [e for e in episodes if e.id in args.episode]
    present = []
    for episode in episodes:
        if not episode.path.is_file():
            if not episode.optional:
                print(f"skipped {episode.id}: {episode.path} is absent (run with --materialise)", file=out)
            continue
        if episode.sha256 and _sha256(episode.path.read_bytes()) != episode.sha256:
            print(f"skipped {episode.id}: {episode.path.name} is not the transcript the labels were made on (sha256)", file=out)
            continue
        present.append(episode)
    if not present:
        print("no transcripts to measure", file=out)
        return 1
    book = LabelBook(load_labels(args.labels or args.data / "labels.jsonl"), fuzzy=101.0 if args.exact else FUZZY)
    hours = {e.id: talk_hours(read_segments(e)) for e in present}
    human = sum(e.kind == "human" for e in present)
    print(f"{len(present)} episodes ({human} human-edited, {len(present) - human} machine), "
          f"{len({e.show for e in present})} shows, {sum(hours.values()):.1f} h of talk, {len(book)} labels; "
          f"limit {args.limit}", file=out)  # fmt: skip
    if not args.no_baseline and BASELINE not in specs:
        specs = [*specs, BASELINE]
    results: dict[str, list[EpisodeResult]] = {}
    groups: dict[str, dict[str, Tally]] = {}
    for spec in specs:
        results[spec] = evaluate(present, run_picks(present, spec, args.limit), book, hours)
        groups[spec] = report(spec, results[spec], args.reveal_heldout, out)
    if len(specs) > 1:
        print("\n=== ours vs baseline: picks passing all three criteria (good/labelled), by part ===", file=out)
        keys = [k for k in ("tune human", "tune machine", "heldout human", "heldout machine", "overall")
                if any(k in g for g in groups.values())]  # fmt: skip
        print(f"{'':18}" + "".join(f"{spec[:26]:>28}" for spec in specs), file=out)
        for key in keys:
            cells = []
            for spec in specs:
                t = groups[spec].get(key)
                cell = f"{t.passed['all']}/{t.labelled} {t.share('all')}" if t and t.labelled else "-"
                cells.append(cell + (f" ({t.unlabelled} unlab.)" if t and t.unlabelled else ""))
            print(f"{key:18}" + "".join(f"{cell:>28}" for cell in cells), file=out)
    if args.write_unlabelled:
        written = write_unlabelled(args.write_unlabelled, results, args.reveal_heldout)
        print(f"\n{written} unlabelled picks appended to {args.write_unlabelled}", file=out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
