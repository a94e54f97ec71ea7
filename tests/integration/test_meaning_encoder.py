"""The embedding model as packaged: verified files, no network, unit vectors, order kept."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from ingest.meaning import MeaningUnavailable, load_encoder
from ingest.meaning import encoder as encoder_module
from tests.meaning_model import real_encoder


def test_vectors_are_unit_length_one_per_text_in_the_order_given() -> None:
    model = real_encoder()
    texts = ["Interest rates will rise next year.", "", "A much longer sentence " * 40, "Heat pumps work below freezing."]
    vectors = model.encode(texts)
    assert vectors.shape == (4, model.dimension)
    assert abs(float((vectors * vectors).sum(axis=1).min()) - 1.0) < 1e-4
    one_by_one = [model.encode([t])[0] for t in texts]
    for batched, alone in zip(vectors, one_by_one, strict=True):
        assert float(batched @ alone) > 0.999  # padding in a batch changes nothing


def test_a_paraphrase_is_closer_than_an_unrelated_claim() -> None:
    model = real_encoder()
    a, b, c = model.encode([
        "AI labs are working together to stop Chinese firms from copying their models.",
        "American AI companies now cooperate against Chinese copycats distilling their models.",
        "Adults need seven to nine hours of sleep a night.",
    ])
    assert float(a @ b) > 0.6 > 0.2 > float(a @ c)


def test_the_model_runs_with_the_network_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    real_encoder()

    def refuse(*args: object, **kwargs: object) -> None:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    fresh = load_encoder(threads=1)
    assert fresh.encode(["no download needed"]).shape == (1, fresh.dimension)


def test_an_altered_model_file_is_refused_with_the_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    real_encoder()
    forged = tmp_path / "tokenizer.json"
    forged.write_text("{}")
    monkeypatch.setattr(encoder_module, "TOKENIZER_PATH", forged)
    with pytest.raises(MeaningUnavailable, match="does not match its pinned sha256"):
        load_encoder()


def test_a_missing_extra_is_a_clear_reason_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def without_onnxruntime(name: str, *args: object, **kwargs: object) -> object:
        if name == "onnxruntime":
            raise ImportError("No module named 'onnxruntime'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", without_onnxruntime)
    monkeypatch.setattr(encoder_module.importlib, "import_module", lambda name: without_onnxruntime(name))
    with pytest.raises(MeaningUnavailable, match=r"pip install 'podbrief\[meaning\]'"):
        load_encoder()
