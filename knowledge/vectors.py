"""The dense half of retrieval: one chromadb collection per workspace, fed with our own vectors.

chromadb's default embedding function downloads a model on first use, so the collection gets
our embedder; vectors are computed by us and passed in, for both writes and queries.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings

from ecocanvas.errors import IndexStoreError
from knowledge.chunking import document_of
from knowledge.embedding import Embedder, Vectors, get_embedder
from knowledge.models import Chunk

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


@lru_cache(maxsize=64)
def _client(path: str) -> Any:
    return chromadb.PersistentClient(path=path, settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False))


class VectorIndex:
    def __init__(self, path: Path, embedder: Embedder) -> None:
        path.mkdir(parents=True, exist_ok=True)
        try:
            self._client = _client(str(path))
            # One collection per embedder: vectors of different models never mix.
            self._collection = self._client.get_or_create_collection(
                f"chunks-{embedder.name}",
                embedding_function=_ChromaEmbedding(embedder.name),
                metadata={"hnsw:space": "cosine"},
            )
            self.max_batch = int(self._client.get_max_batch_size())
        except Exception as exc:
            raise IndexStoreError(f"cannot open the vector index at {path}: {exc}") from exc

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
