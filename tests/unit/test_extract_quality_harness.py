"""bench/extract_quality.py: labels reach the right picks, unlabelled picks stay apart, the stored set holds together."""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

from insights.transcript import Segment

REPO = Path(__file__).resolve().parents[2]
STORED = REPO / "tests" / "data" / "extraction"


def _load_harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("extract_quality", REPO / "bench" / "extract_quality.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["extract_quality"] = module
    spec.loader.exec_module(module)
    return module


eq = _load_harness()


def first_segments(segments: Sequence[Segment], limit: int) -> list[str]:
    """A stand-in extractor for the end-to-end tests: the first `limit` segment texts."""
    return [s.text for s in segments[:limit]]


def _label(episode: str, text: str, good: bool | None = True, note: str = "") -> dict[str, object]:
    return {"episode": episode, "text": text, "standalone": good, "substantive": good, "well_formed": good, "note": note}


def test_a_pick_takes_the_label_of_the_same_text_whatever_its_case_punctuation_and_spacing() -> None:
    book = eq.LabelBook([eq.Label("ep", "Good audio keeps listeners listening.", True, True, True)])
    label, similarity = book.match("ep", "  good AUDIO keeps listeners — listening ")
    assert label is not None and label.good and similarity == 100.0


def test_a_slightly_reworded_pick_keeps_its_label_but_a_different_passage_does_not() -> None:
    text = "Generics in Go are a subset of the problem other languages have tried to solve with what they call generics."
    book = eq.LabelBook([eq.Label("ep", text, True, True, True)])
    reworded, similarity = book.match("ep", text.replace("Generics", "So, generics").replace("problem", "problem that"))
    assert reworded is not None and eq.FUZZY <= similarity < 100
    shortened, _ = book.match("ep", "Generics in Go are a subset of the problem other languages have tried to solve.")
    assert shortened is None  # a cut passage is another pick, to be judged again
    other, _ = book.match("ep", "Go modules made dependency management boring, which is exactly what you want from them.")
    assert other is None


def test_labels_apply_only_within_their_own_episode() -> None:
    book = eq.LabelBook([eq.Label("one", "Tests are documentation that cannot go stale.", True, True, True)])
    assert book.match("two", "Tests are documentation that cannot go stale.")[0] is None


def test_a_label_row_with_null_criteria_leaves_its_pick_unlabelled(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(_label("ep", "Half judged.", None)) + "\n", encoding="utf-8")
    book = eq.LabelBook(eq.load_labels(path))
    assert book.match("ep", "Half judged.") == (None, 0.0)


def test_a_malformed_label_row_names_its_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(_label("ep", "fine")) + "\n" + '{"episode": "ep", "text": "x", "standalone": "yes"}\n')
    with pytest.raises(SystemExit, match=r"labels\.jsonl:2"):
        eq.load_labels(path)


def test_the_lexrank_baseline_picks_central_sentences_up_to_the_limit() -> None:
    segments = [
        Segment("Caching makes reads fast. Caching also makes invalidation hard.", 0.0, 5.0, "A"),
        Segment("Invalidation of a cache is the hard part of caching. Lunch was good.", 5.0, 9.0, "B"),
        Segment("Reads from a cache are fast when the cache is warm.", 9.0, 12.0, "A"),
    ]
    picks = eq.lexrank_baseline(segments, 2)
    assert len(picks) == 2
    assert "Lunch was good." not in [text for text, _ in picks]
    assert all(start is not None for _, start in picks)


def _tiny_set(tmp_path: Path) -> Path:
    """Two invented episodes (one tune SRT, one held-out plain text) and labels for some first segments."""
    data = tmp_path / "set"
    (data / "transcripts").mkdir(parents=True)
    srt = (
        b"1\n00:00:00,000 --> 00:00:04,000\nTyped configuration catches mistakes before deploys do.\n\n"
        b"2\n00:00:04,000 --> 00:00:08,000\nYeah, so, like, anyway.\n\n"
        b"3\n00:00:08,000 --> 00:00:12,000\nCheck out our sponsor at example.com today.\n\n"
    )
    notes = b"Small teams ship faster when reviews are quick.\n\nThat one, yeah.\n"
    (data / "transcripts" / "a.srt").write_bytes(srt)
    (data / "transcripts" / "b.txt").write_bytes(notes)
    episodes = [
        {"id": "tune-ep", "show": "Show A", "file": "transcripts/a.srt", "format": "srt", "kind": "machine",
         "split": "tune", "sha256": hashlib.sha256(srt).hexdigest()},
        {"id": "held-ep", "show": "Show B", "file": "transcripts/b.txt", "format": "text", "kind": "human",
         "split": "heldout", "sha256": hashlib.sha256(notes).hexdigest()},
        {"id": "absent-ep", "show": "Show C", "file": "transcripts/none.srt", "format": "srt", "kind": "human",
         "split": "tune", "optional": True},
    ]  # fmt: skip
    (data / "manifest.json").write_text(json.dumps({"episodes": episodes}), encoding="utf-8")
    labels = [
        _label("tune-ep", "Typed configuration catches mistakes before deploys do."),
        _label("tune-ep", "Yeah, so, like, anyway.", False, "banter"),
        _label("held-ep", "That one, yeah.", False, "points back"),
        _label("held-ep", "Small teams ship faster when reviews are quick."),
    ]
    (data / "labels.jsonl").write_text("".join(json.dumps(row) + "\n" for row in labels), encoding="utf-8")
    return data


def _run(*argv: str) -> str:
    out = io.StringIO()
    assert eq.main(list(argv), out=out) == 0
    return out.getvalue()


def test_the_harness_scores_labelled_picks_and_counts_the_unlabelled_apart(tmp_path: Path) -> None:
    data = _tiny_set(tmp_path)
    printed = _run("--data", str(data), "--extractor", f"{__name__}:first_segments", "--limit", "3", "--no-baseline")
    rows = {line.split()[0]: line.split() for line in printed.splitlines() if line.split()}
    # tune-ep: 3 picks, 2 labelled (1 good), 1 unlabelled (the sponsor line)
    assert rows["tune-ep"][2:5] == ["3", "1/2", "50%"] and rows["tune-ep"][-1] == "1"
    assert rows["held-ep"][2:5] == ["2", "1/2", "50%"] and rows["held-ep"][-1] == "0"
    assert rows["overall"][1:4] == ["5", "2/4", "50%"]
    assert "Yeah, so, like, anyway." in printed  # a tune failure, verbatim
    assert "That one, yeah." not in printed  # held-out failures stay hidden
    assert "tune-ep #3: Check out our sponsor at example.com today." in printed
    assert "absent-ep" not in printed  # optional and absent: skipped quietly


def test_reveal_heldout_shows_held_out_failures(tmp_path: Path) -> None:
    data = _tiny_set(tmp_path)
    printed = _run("--data", str(data), "--extractor", f"{__name__}:first_segments", "--no-baseline", "--reveal-heldout")
    assert "That one, yeah." in printed and "points back" in printed


def test_write_unlabelled_appends_rows_a_labeller_can_fill_and_the_harness_reads_back(tmp_path: Path) -> None:
    data = _tiny_set(tmp_path)
    out = tmp_path / "todo.jsonl"
    _run("--data", str(data), "--extractor", f"{__name__}:first_segments", "--no-baseline", "--write-unlabelled", str(out))
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["episode"], r["text"], r["standalone"]) for r in rows] == [
        ("tune-ep", "Check out our sponsor at example.com today.", None)
    ]
    labels = eq.load_labels(out)
    assert labels and not labels[0].complete


def test_a_transcript_that_is_not_the_labelled_one_is_skipped_with_a_reason(tmp_path: Path) -> None:
    data = _tiny_set(tmp_path)
    (data / "transcripts" / "b.txt").write_bytes(b"Someone edited this file.\n")
    printed = _run("--data", str(data), "--extractor", f"{__name__}:first_segments", "--no-baseline")
    assert "skipped held-ep" in printed and "sha256" in printed
    assert "held-ep (h/h)" not in printed


def test_the_stored_set_has_twelve_episodes_split_by_show_and_every_label_names_one_of_them() -> None:
    episodes = [e for e in eq.load_manifest(STORED) if not e.optional]
    assert len(episodes) >= 12 and len({e.show for e in episodes}) >= 6
    tune = [e for e in episodes if e.split == "tune"]
    held = [e for e in episodes if e.split == "heldout"]
    assert len(tune) >= 6 and len(held) >= 6
    assert not {e.show for e in tune} & {e.show for e in held}
    assert sum(e.kind == "machine" for e in tune) >= 1 and sum(e.kind == "machine" for e in held) >= 2
    assert all(e.sha256 for e in episodes)
    ids = {e.id for e in eq.load_manifest(STORED)}
    labels = eq.load_labels(STORED / "labels.jsonl")
    assert labels and all(label.episode in ids and label.complete for label in labels)
    judged: dict[tuple[str, str], tuple[object, ...]] = {}
    for label in labels:
        verdict = (label.standalone, label.substantive, label.well_formed)
        key = (label.episode, label.key)
        assert judged.setdefault(key, verdict) == verdict, f"two different labels for {key}"


def test_the_harness_runs_on_the_stored_transcripts_that_are_materialised() -> None:
    # tune episodes only: the held-out ones are unlabelled until an independent labeller has judged them
    present = [e for e in eq.load_manifest(STORED) if not e.optional and e.split == "tune" and e.path.is_file()]
    if not present:
        pytest.skip("no stored transcript materialised (bench/extract_quality.py --materialise)")
    episode = min(present, key=lambda e: e.path.stat().st_size)
    printed = _run("--data", str(STORED), "--episode", episode.id, "--extractor", "lexrank", "--no-baseline")
    line = next(line for line in printed.splitlines() if line.startswith(f"{episode.id} ("))
    assert line.split()[2] == "6" and "/6" in line.split()[3]  # six picks, all labelled (the baseline was judged)


def test_materialise_copies_a_missing_transcript_from_a_local_git_dir_and_checks_its_sha256(tmp_path: Path) -> None:
    import subprocess

    source = tmp_path / "source"
    source.mkdir()
    body = b"1\n00:00:00,000 --> 00:00:02,000\nA cue.\n\n2\n00:00:02,000 --> 00:00:04,000\nAnother cue.\n\n"
    (source / "ep.srt").write_bytes(body)
    git = ["git", "-C", str(source), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "ep.srt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "ep"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    data = tmp_path / "set"
    data.mkdir()
    source_row = {"repo": "someone/podcast", "path": "ep.srt", "commit": commit}
    episodes = [
        {"id": "whole", "show": "S", "file": "transcripts/whole.srt", "format": "srt", "kind": "machine",
         "split": "tune", "sha256": hashlib.sha256(body).hexdigest(), "source": source_row},
        {"id": "first-cue", "show": "S", "file": "transcripts/first.srt", "format": "srt", "kind": "machine",
         "split": "tune", "sha256": hashlib.sha256(body.split(b"\n\n")[0] + b"\n\n").hexdigest(),
         "source": {**source_row, "cues": 1}},
        {"id": "tampered", "show": "S", "file": "transcripts/bad.srt", "format": "srt", "kind": "machine",
         "split": "tune", "sha256": "0" * 64, "source": source_row},
    ]  # fmt: skip
    (data / "manifest.json").write_text(json.dumps({"episodes": episodes}), encoding="utf-8")
    status = eq.main(["--data", str(data), "--materialise", "--git-dir", f"someone/podcast={source / '.git'}"], out=io.StringIO())
    assert status == 1  # one transcript could not be had as labelled
    assert (data / "transcripts" / "whole.srt").read_bytes() == body
    assert (data / "transcripts" / "first.srt").read_bytes().endswith(b"A cue.\n\n")
    assert not (data / "transcripts" / "bad.srt").exists()


def test_sealed_labels_keep_only_hashes_and_still_reach_their_picks(tmp_path: Path) -> None:
    text = "Generics in Go are a subset of the problem other languages have tried to solve with what they call generics."
    path = tmp_path / "labels.jsonl"
    path.write_text(json.dumps(_label("ep", text, note="a fact")) + "\n", encoding="utf-8")
    assert eq.main(["--seal", "--labels", str(path)], out=io.StringIO()) == 0
    stored = path.read_text(encoding="utf-8")
    assert "generics" not in stored.casefold() and '"text"' not in stored
    book = eq.LabelBook(eq.load_labels(path))
    exact, _ = book.match("ep", text.upper())
    reworded, similarity = book.match("ep", text.replace("problem", "problem that"))
    assert exact is not None and exact.good and exact.note == "a fact"
    assert reworded is not None and similarity < 100


# --- the learned-score bench (bench/train_extract_score.py) ------------------------------------


def _load_trainer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_extract_score", REPO / "bench" / "train_extract_score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_extract_score"] = module
    spec.loader.exec_module(module)
    return module


def test_auc_compares_candidates_within_an_episode_only() -> None:
    trainer = _load_trainer()
    # each episode ranks its good candidate first; across episodes the scales differ
    episodes = [([0.9, 0.1], [True, False]), ([5.0, 4.0, 3.0], [True, False, False])]
    assert trainer.auc(episodes) == 1.0
    assert trainer.auc([([0.1, 0.9], [True, False])]) == 0.0
    assert trainer.auc([([1.0, 1.0], [True, False])]) == 0.5


def test_a_strong_pull_toward_the_rule_keeps_the_rule_scores_order_and_a_weak_one_learns_the_labels() -> None:
    import numpy as np

    trainer = _load_trainer()
    width = len(trainer.FEATURES)
    rng = np.random.default_rng(7)
    x = np.log(rng.uniform(0.3, 1.0, size=(200, width)))
    x[:, -2:] = rng.uniform(0, 1, size=(200, 2))
    y = (x[:, -1] > 0.5).astype(float)  # the labels follow a length feature, not the factors
    rule = x[:, :-2].sum(axis=1)
    pulled = trainer.fit(x, y, l2=1e6, toward_rule=True).logit(x)
    learned = trainer.fit(x, y, l2=1.0, toward_rule=False).logit(x)
    assert np.corrcoef(pulled, rule)[0, 1] > 0.99
    assert trainer.auc([(list(learned), [bool(v) for v in y])]) > 0.95
