"""Dense vectors written in the background: a document is searchable by its words once stored, by meaning once here.

One backlog per workspace and embedder per process. Documents are queued as they are committed to
the store; a worker thread embeds their chunks in batches that span documents (a run of small files
still fills the encoder's threads while the next files are parsed) and writes the vectors, then marks
the documents embedded in the store. What a stopped process leaves here is still listed as pending in
the store, and the next `KnowledgeBase` opened on the workspace queues it again: nothing is lost.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path

from ecocanvas.errors import IndexStoreError
from ecocanvas.knowledge.embedding import Embedder
from ecocanvas.knowledge.lexical import retrieval_text
from ecocanvas.knowledge.models import Chunk
from ecocanvas.knowledge.store import DocumentStore
from ecocanvas.knowledge.vectors import VectorIndex
from ecocanvas.logs import get_logger

# Chunks per embedding batch: ~0.5 s of MiniLM work on two cores, so a waiter sees progress often
# and a chroma upsert is amortised over many vectors.
BATCH_CHUNKS = 32

Progress = Callable[[int, int], None]

log = get_logger(__name__)


class DenseBacklog:
    def __init__(self, store: DocumentStore, vectors: VectorIndex, embedder: Embedder, workspace: str) -> None:
        self._store = store
        self._vectors = vectors
        self._embedder = embedder
        self._workspace = workspace
        self._changed = threading.Condition()
        self._queued: OrderedDict[str, list[Chunk]] = OrderedDict()  # chunks not yet taken, per document
        self._remaining: dict[str, int] = {}  # chunks not yet written (queued or being embedded)
        self._failed: dict[str, str] = {}
        self._worker: threading.Thread | None = None
        self._pauses = 0

    def add(self, document_id: str, chunks: list[Chunk]) -> None:
        """Queue a stored document's chunks (all of them, or those without vectors; at least one).

        May be called under the store's lock: the lock order is the store's, then this backlog's.
        """
        if not chunks:
            raise ValueError("nothing to embed: mark the document embedded instead")
        with self._changed:
            self._failed.pop(document_id, None)
            in_flight = self._remaining.get(document_id, 0) - len(self._queued.get(document_id, []))
            self._queued[document_id] = list(chunks)
            self._remaining[document_id] = in_flight + len(chunks)
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name=f"embed-{self._workspace}", daemon=True)
                self._worker.start()

    def forget(self, document_id: str) -> None:
        """The document was deleted: drop what is queued of it (a batch under way checks the store)."""
        with self._changed:
            taken = self._remaining.get(document_id, 0) - len(self._queued.pop(document_id, []))
            if taken > 0:
                self._remaining[document_id] = taken
            else:
                self._remaining.pop(document_id, None)
            self._changed.notify_all()

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No new batch starts inside (one under way finishes): documents committed meanwhile stay
        searchable by their words only. For tests and benchmarks that look at that state."""
        with self._changed:
            self._pauses += 1
        try:
            yield
        finally:
            with self._changed:
                self._pauses -= 1
                self._changed.notify_all()

    def has(self, document_id: str) -> bool:
        with self._changed:
            return document_id in self._remaining

    def wait(self, document_ids: Collection[str], on_progress: Progress | None = None, total: int = 0) -> None:
        """Until these documents' vectors are written; `on_progress(done, total)` in chunks, where
        `total` is the chunks the caller counts (at least those still to write)."""
        targets = set(document_ids)
        with self._changed:
            total = max(total, sum(self._remaining.get(i, 0) for i in targets))
            reported = -1
            while True:
                left = sum(self._remaining.get(i, 0) for i in targets)
                if on_progress is not None and left != reported:
                    on_progress(total - left, total)
                    reported = left
                if not left:
                    break
                self._changed.wait(timeout=1.0)
            failed = {i: self._failed[i] for i in targets if i in self._failed}
        if failed:
            raise IndexStoreError(f"embedding {len(failed)} document(s) failed: {next(iter(failed.values()))}")

    def _take(self) -> list[tuple[str, Chunk]]:
        batch: list[tuple[str, Chunk]] = []
        while self._queued and len(batch) < BATCH_CHUNKS:
            document_id, chunks = next(iter(self._queued.items()))
            room = BATCH_CHUNKS - len(batch)
            batch.extend((document_id, chunk) for chunk in chunks[:room])
            if len(chunks) > room:
                self._queued[document_id] = chunks[room:]
            else:
                del self._queued[document_id]
        return batch

    def _run(self) -> None:
        while True:
            with self._changed:
                while self._pauses:
                    self._changed.wait()
                batch = self._take()
                if not batch:
                    self._worker = None
                    self._changed.notify_all()
                    return
            try:
                finished = self._write(batch)
            except Exception as exc:  # the documents stay pending in the store; the next open retries
                log.warning("dense_embedding_failed", workspace=self._workspace, error=str(exc))
                with self._changed:
                    for document_id in {d for d, _ in batch}:
                        self._queued.pop(document_id, None)
                        self._remaining.pop(document_id, None)
                        self._failed[document_id] = str(exc)
                    self._changed.notify_all()
                continue
            with self._changed:
                self._changed.notify_all()
            if finished:
                log.info("documents_embedded", workspace=self._workspace, documents=len(finished))

    def _write(self, batch: list[tuple[str, Chunk]]) -> list[str]:
        vectors = self._embedder.embed([retrieval_text(chunk) for _, chunk in batch])
        with self._store.lock():
            listed = self._store.manifest().documents
            keep = [n for n, (document_id, _) in enumerate(batch) if document_id in listed]
            if keep:
                self._vectors.add([batch[n][1] for n in keep], vectors[keep])
            with self._changed:
                finished = []
                for document_id in dict.fromkeys(d for d, _ in batch):
                    written = sum(1 for d, _ in batch if d == document_id)
                    left = self._remaining.get(document_id, 0) - written
                    if left > 0:
                        self._remaining[document_id] = left
                    else:
                        self._remaining.pop(document_id, None)
                        finished.append(document_id)
            self._store.mark_embedded(finished)
        return finished


_lock = threading.Lock()
_backlogs: dict[tuple[str, str], DenseBacklog] = {}


def backlog_for(root: Path, store: DocumentStore, vectors: VectorIndex, embedder: Embedder) -> DenseBacklog:
    """The process's backlog of this workspace and embedder (every KnowledgeBase on it shares one)."""
    key = (str(root.resolve()), embedder.name)
    with _lock:
        backlog = _backlogs.get(key)
        if backlog is None:
            backlog = _backlogs[key] = DenseBacklog(store, vectors, embedder, root.name)
        return backlog
