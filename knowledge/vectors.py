"""The dense half of retrieval: one chromadb collection per workspace, fed with our own vectors.

chromadb's default embedding function downloads a model on first use, so the collection gets
our embedder; vectors are computed by us and passed in, for both writes and queries.

Two ways to hold the collections: embedded (the default), a `PersistentClient` in each workspace's
directory, or a Chroma server (`chroma run`) by URL (`ECOCANVAS_CHROMA_URL`) that every API process
and worker talks to. The embedded store is not safe for two processes, not even a reader beside a
writer (a second process sees stale vectors, and two writers corrupt the index), so a process that
opens a workspace's embedded store holds a lock on it until it exits; another process is refused
with the holder's pid.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from ecocanvas.errors import ConfigError, IndexStoreError
from ecocanvas.logs import get_logger
from knowledge.chunking import document_of
from knowledge.embedding import Embedder, Vectors, get_embedder
from knowledge.models import Chunk

log = get_logger(__name__)

# Up to this many chunks, a document-filtered search fetches their vectors and scores them exactly.
_EXACT_SEARCH_LIMIT = 1000


class _ChromaEmbedding(EmbeddingFunction[Documents]):
    """Lets chroma call our embedder if it ever embeds by itself, instead of downloading its own."""

    def __init__(self, embedder_name: str) -> None:
        self._name = embedder_name

    def __call__(self, input: Documents) -> Embeddings:
        return list(get_embedder(self._name).embed(list(input)))

    @staticmethod
    def name() -> str:
        return "ecocanvas"

    def get_config(self) -> dict[str, Any]:
        return {"embedder": self._name}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> _ChromaEmbedding:
        return _ChromaEmbedding(str(config.get("embedder", "minilm")))


def _chroma_settings() -> ChromaSettings:
    # A new object for each client: chromadb's client constructors write the mode, path, host and port into
    # the settings they are given, so one shared object would turn a later embedded client into an HTTP one.
    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


# The open lock files of the embedded stores this process holds, by path: kept open until the process exits.
_held: dict[str, IO[str]] = {}
_held_lock = threading.Lock()


def _hold(path: Path) -> None:
    """Take the embedded store at `path` for this process, or refuse: another process has it open."""
    key = str(path.resolve())
    with _held_lock:
        if key in _held:
            return
        handle = path.with_name(path.name + ".lock").open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise IndexStoreError(
                f"the vector index at {path} is open in another process (pid {holder}); the embedded store is "
                "safe for one process at a time: stop that process, or run a Chroma server for every process to "
                "share and set ECOCANVAS_CHROMA_URL (docs/deploy.md)"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        _held[key] = handle


@lru_cache(maxsize=64)
def _embedded(path: str) -> Any:
    return chromadb.PersistentClient(path=path, settings=_chroma_settings())


@lru_cache(maxsize=4)
def _server(url: str) -> Any:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"ECOCANVAS_CHROMA_URL must be http(s)://host:port, not {url!r}")
    port = parts.port or (443 if parts.scheme == "https" else 8000)
    return chromadb.HttpClient(host=parts.hostname, port=port, ssl=parts.scheme == "https", settings=_chroma_settings())


def collection_name(workspace: str, embedder: str) -> str:
    """The workspace's collection on a shared server: readable, unique, and within Chroma's 3-63 characters."""
    digest = hashlib.sha256(workspace.encode("utf-8")).hexdigest()[:8]
    return f"{workspace[: 63 - len(embedder) - len(digest) - 2]}-{digest}-{embedder}"


def _drop_legacy(client: Any, path: Path) -> None:
    """Collections named by embedder ("chunks-minilm") held vectors of whichever runtime that name
    meant when they were written (torch, later ONNX int8). They are dropped; the index's reconcile
    on open then finds the vectors missing and embeds the documents again in the background."""
    for collection in client.list_collections():
        if collection.name.startswith("chunks-"):
            client.delete_collection(collection.name)
            log.info("vector_collection_dropped", path=str(path), collection=collection.name)


class VectorIndex:
    def __init__(self, path: Path, embedder: Embedder, *, server: str | None = None, workspace: str = "") -> None:
        """The workspace's vectors: embedded at `path`, or in the Chroma server at URL `server`."""
        try:
            if server:
                self._client = _server(server)
                name = collection_name(workspace or path.parent.name, embedder.space)
                # An older release named the collection by embedder: drop it, reconcile embeds again.
                legacy = collection_name(workspace or path.parent.name, embedder.name)
                if legacy != name:
                    try:
                        self._client.delete_collection(legacy)
                        log.info("vector_collection_dropped", server=server, collection=legacy)
                    except chromadb.errors.NotFoundError:
                        pass
            else:
                path.mkdir(parents=True, exist_ok=True)
                _hold(path)
                self._client = _embedded(str(path))
                # One collection per vector space: vectors of different models or runtimes never mix.
                name = f"vectors-{embedder.space}"
                _drop_legacy(self._client, path)
            self._collection = self._client.get_or_create_collection(
                name,
                embedding_function=_ChromaEmbedding(embedder.name),
                metadata={"hnsw:space": "cosine"},
            )
            self.max_batch = int(self._client.get_max_batch_size())
        except (IndexStoreError, ConfigError):
            raise
        except Exception as exc:
            where = f"{server} ({workspace})" if server else str(path)
            raise IndexStoreError(f"cannot open the vector index at {where}: {exc}") from exc

    def count(self) -> int:
        return int(self._collection.count())

    def ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def add(self, chunks: Sequence[Chunk], vectors: Vectors) -> None:
        """Upsert in batches within chroma's limit; on failure remove what this call wrote."""
        written: list[str] = []
        try:
            for i in range(0, len(chunks), self.max_batch):
                batch = chunks[i : i + self.max_batch]
                self._collection.upsert(
                    ids=[c.id for c in batch],
                    embeddings=vectors[i : i + self.max_batch],
                    metadatas=[
                        {
                            "document_id": c.document_id,
                            "document": c.document,
                            "start": c.start,
                            "end": c.end,
                            "heading": " > ".join(c.heading_path),
                        }
                        for c in batch
                    ],
                )
                written.extend(c.id for c in batch)
        except Exception as exc:
            self.delete_ids(written)
            raise IndexStoreError(f"writing vectors failed: {exc}") from exc

    def delete_ids(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), self.max_batch):
            self._collection.delete(ids=list(ids[i : i + self.max_batch]))

    def delete_document(self, document_id: str) -> None:
        self._collection.delete(where={"document_id": document_id})

    def query(self, vector: Vectors, n: int, chunk_ids: Sequence[str] | None = None) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity), best first; `chunk_ids` limits the search to those chunks."""
        if n <= 0:
            return []
        if chunk_ids is not None:
            return self._query_among(vector, n, list(chunk_ids))
        # No count() first: it costs ~12 ms at 100k vectors, and chroma caps n_results itself.
        return self._nearest(vector, n, None)

    def _nearest(self, vector: Vectors, n: int, where: dict[str, Any] | None) -> list[tuple[str, float]]:
        result = self._collection.query(query_embeddings=[vector], n_results=n, where=where, include=["distances"])
        distances = (result.get("distances") or [[]])[0]
        return [(cid, 1.0 - float(d)) for cid, d in zip(result["ids"][0], distances, strict=False)]

    def _query_among(self, vector: Vectors, n: int, chunk_ids: list[str]) -> list[tuple[str, float]]:
        """Exact search over a few documents' chunks.

        A metadata `where` filter scans the whole collection (~85 ms at 100k chunks); fetching a
        few hundred vectors by id and scoring them here costs ~12 ms and is exact.
        """
        if not chunk_ids:
            return []
        if len(chunk_ids) > _EXACT_SEARCH_LIMIT:
            documents = sorted({document_of(cid) for cid in chunk_ids})
            where: dict[str, Any] = (
                {"document_id": documents[0]} if len(documents) == 1 else {"document_id": {"$in": documents}}
            )
            return self._nearest(vector, n, where)
        found = self._collection.get(ids=chunk_ids, include=["embeddings"])
        if not found["ids"]:
            return []
        matrix = np.asarray(found["embeddings"], dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1) * float(np.linalg.norm(vector))
        scores = (matrix @ vector) / np.where(norms == 0, 1.0, norms)
        order = np.argsort(-scores)[:n]
        return [(str(found["ids"][i]), float(scores[i])) for i in order]
