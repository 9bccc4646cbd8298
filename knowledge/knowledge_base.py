"""KnowledgeBase: one workspace's documents, their chunks, and hybrid search over them.

Layout under `settings.workspaces_dir / workspace`: `manifest.json` + `documents/` (the document
store, source of truth) and `chroma/` (the vectors). A parsed document is committed to the store
first, which makes it searchable by its words at once, and queued for its dense vectors
(`knowledge.backlog`), which a background thread writes in batches across documents. Until they
are written the document is listed in `lexical_only()`; `wait_for_vectors` waits for them. A crash
at any point is repaired on the next open by reconciling the vector ids with the store: stray
vectors are removed and documents missing vectors are queued again.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Literal

from ecocanvas.errors import IndexStoreError, InputError, NotFoundError
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings
from knowledge.backlog import Progress, backlog_for
from knowledge.chunking import chunk_document, document_of
from knowledge.embedding import get_embedder
from knowledge.encoder_fit import fit_to_encoder
from knowledge.fusion import reciprocal_rank_fusion
from knowledge.ingest import ingest_paths
from knowledge.layout import PARSER_VERSION
from knowledge.lexical import LexicalIndex
from knowledge.models import AddResult, Chunk, Document, Hit, IngestReport, Prepared
from knowledge.parsing import ParseLimits, parse_bytes
from knowledge.store import DocumentStore
from knowledge.vectors import VectorIndex

SearchMode = Literal["hybrid", "bm25", "dense"]

_WORKSPACE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")
# Each retriever proposes its best max(k, 5) before fusion. Deeper lists mostly add the weaker
# retriever's noise: on the paraphrase set, recall@5 was 0.93 at depth 5 and 0.87 at depth 10-30.
_FUSION_DEPTH = 5
_CACHED_WORKSPACES = 8

log = get_logger(__name__)

# A hybrid search scores BM25 here while the caller's thread embeds the query and asks the vector
# index (onnxruntime releases the GIL). This way round, the longer path (embedding, then the dense
# lookup) never waits for a thread to be scheduled, and BM25 (~0.5 ms at 100k chunks) is done
# before it is needed; the other way round put two thread hand-offs on that path.
_LEXICAL_BESIDE = ThreadPoolExecutor(max_workers=2, thread_name_prefix="bm25-beside")

_lexical_lock = threading.Lock()
_lexical_cache: OrderedDict[str, tuple[object, LexicalIndex]] = OrderedDict()


class KnowledgeBase:
    def __init__(self, settings: Settings, workspace: str | None = None) -> None:
        name = workspace if workspace is not None else settings.workspace
        if not _WORKSPACE.match(name) or ".." in name:
            raise InputError(f"invalid workspace name {name!r}: letters, digits, '_', '.', '-' (max 63)")
        self.settings = settings
        self.workspace = name
        self.root: Path = settings.workspaces_dir / name
        self._store = DocumentStore(self.root)
        self._embedder = get_embedder(settings.embedder, settings.cache_dir)
        self._vectors = VectorIndex(self.root / "chroma", self._embedder, server=settings.chroma_url, workspace=name)
        self._backlog = backlog_for(self.root, self._store, self._vectors, self._embedder)
        # Resolved once: each search looks its BM25 index up by it (resolve() costs ~0.1 ms).
        self._lexical_key = str(self.root.resolve())
        self._reconcile()

    # -- writing -------------------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[Path],
        on_progress: Callable[[str, int, int], None] | None = None,
        *,
        wait: bool = True,
        on_embedded: Progress | None = None,
    ) -> IngestReport:
        """Parse, chunk and store every file (searchable by words as each is stored), embedding them
        meanwhile; with `wait`, return once their vectors are written too (`on_embedded(done, total)`)."""
        return ingest_paths(self, paths, on_progress, wait=wait, on_embedded=on_embedded)

    def ingest_bytes(self, name: str, data: bytes, *, wait: bool = True) -> Document:
        """Parse, chunk, store and embed one file's bytes; raises an InputError subclass if unreadable."""
        return self.add_bytes(name, data, wait=wait).document

    def add_bytes(self, name: str, data: bytes, *, wait: bool = True) -> AddResult:
        result = self.commit(self.prepare(name, data))
        if wait:
            self.wait_for_vectors([result.document.id])
        return result

    def prepare(self, name: str, data: bytes) -> Prepared:
        """Parse and chunk (the CPU part, safe to run in several threads); nothing is written."""
        doc = parse_bytes(name, data, ParseLimits.from_settings(self.settings))
        if self._current(doc.id):
            return Prepared(doc, None)
        return Prepared(doc, fit_to_encoder(doc, chunk_document(doc, self.settings.chunk_chars), self._embedder))

    def commit(self, prepared: Prepared) -> AddResult:
        """Store the document (searchable by words from here on) and queue its dense vectors."""
        doc, chunks = prepared.document, prepared.chunks
        if chunks is None:
            return AddResult(self._store.load(doc.id).document, "unchanged", 0)
        with self._store.lock():
            if self._current(doc.id):  # another writer got there first
                return AddResult(self._store.load(doc.id).document, "unchanged", 0)
            previous = [i for i in self._store.ids_named(doc.name) if i != doc.id]
            if doc.id in self._store.manifest().documents:
                # Stored by an older parser: the same bytes now read differently, so they are read again.
                self._remove(doc.id)
                previous.append(doc.id)
            try:
                self._store.put(doc, chunks)
            except Exception as exc:
                raise IndexStoreError(f"storing {doc.name!r} failed: {exc}") from exc
            if chunks:
                self._backlog.add(doc.id, chunks)
            else:
                self._store.mark_embedded([doc.id])
            for old in previous:  # same name, new content: the new version replaces the old
                if old != doc.id:
                    self._remove(old)
        log.info("document_added", workspace=self.workspace, document_id=doc.id, name=doc.name, chunks=len(chunks))
        return AddResult(doc, "replaced" if previous else "added", len(chunks))

    def lexical_only(self, document_ids: Collection[str] | None = None) -> list[str]:
        """Documents (of `document_ids`, else all) whose dense vectors are still being written:
        search finds them by their words only until then."""
        pending = self._store.pending()
        return pending if document_ids is None else [i for i in pending if i in set(document_ids)]

    def wait_for_vectors(
        self, document_ids: Collection[str] | None = None, on_progress: Progress | None = None
    ) -> None:
        """Until every listed document (of `document_ids`, else all) has its dense vectors.

        `on_progress(done, total)` counts the chunks of `document_ids` (else of the pending documents).
        """
        pending = self.lexical_only(document_ids)
        if not pending:
            return
        for document_id in pending:  # queued by a process that stopped: this one takes them over
            if not self._backlog.has(document_id):
                self._queue_missing(document_id)
        listed = self._store.manifest().documents
        counted = pending if document_ids is None else [i for i in dict.fromkeys(document_ids) if i in listed]
        self._backlog.wait(pending, on_progress, total=sum(listed[i].chunks for i in counted if i in listed))

    def _queue_missing(self, document_id: str, missing: set[str] | None = None) -> None:
        try:
            stored = self._store.load(document_id)
        except NotFoundError:  # deleted meanwhile
            return
        chunks = [c for c in stored.to_chunks() if missing is None or c.id in missing]
        if chunks:
            self._backlog.add(document_id, chunks)
        else:
            with self._store.lock():
                self._store.mark_embedded([document_id])

    def _current(self, document_id: str) -> bool:
        """The document is stored, and by the parser this code runs."""
        if document_id not in self._store.manifest().documents:
            return False
        return self._store.load(document_id).document.parser >= PARSER_VERSION

    def delete(self, document_id: str) -> None:
        with self._store.lock():
            self._remove(document_id)

    def _remove(self, document_id: str) -> None:
        self._store.remove(document_id)
        self._backlog.forget(document_id)
        self._vectors.delete_document(document_id)

    def _reconcile(self) -> None:
        """Repair what a stop left: stray vectors are removed, documents missing vectors queued again."""
        expected = self._store.chunk_ids()
        pending = self._store.pending()
        if not pending and self._vectors.count() == len(expected):
            return
        with self._store.lock():
            expected = self._store.chunk_ids()
            present = self._vectors.ids()
            stray = sorted(present - expected)
            if stray:
                self._vectors.delete_ids(stray)
            missing = expected - present
            incomplete = {document_of(cid) for cid in missing}
            self._store.mark_pending(sorted(incomplete))
            # Listed as pending, yet every vector is there (a stop between the two writes).
            self._store.mark_embedded(
                [i for i in self._store.pending() if i not in incomplete and not self._backlog.has(i)]
            )
        queued = 0
        for document_id in sorted(incomplete):
            if not self._backlog.has(document_id):
                self._queue_missing(document_id, missing)
                queued += 1
        if stray or queued:
            log.info("vector_index_reconciled", workspace=self.workspace, removed=len(stray), queued=queued)

    # -- reading -------------------------------------------------------------------------------

    def documents(self) -> list[Document]:
        docs = [self._store.load(document_id).document for document_id in self._store.ids()]
        return sorted(docs, key=lambda doc: (doc.name, doc.id))

    def get(self, document_id: str) -> Document:
        return self._store.load(document_id).document

    def chunks(self, document_id: str) -> list[Chunk]:
        return self._store.load(document_id).to_chunks()

    def chunk_count(self, document_id: str) -> int:
        return self._store.chunk_count(document_id)

    def _lexical(self) -> LexicalIndex:
        key, version = self._lexical_key, self._store.version()
        with _lexical_lock:
            cached = _lexical_cache.get(key)
            if cached is not None and cached[0] == version:
                _lexical_cache.move_to_end(key)
                return cached[1]
            chunks = [c for i in self._store.ids() for c in self._store.load(i).to_chunks()]
            index = LexicalIndex(chunks)
            _lexical_cache[key] = (version, index)
            while len(_lexical_cache) > _CACHED_WORKSPACES:
                _lexical_cache.popitem(last=False)
            return index

    def search(
        self,
        query: str,
        k: int = 8,
        document_ids: Sequence[str] | None = None,
        *,
        mode: SearchMode = "hybrid",
    ) -> list[Hit]:
        """Best k chunks for `query`, optionally only from `document_ids`."""
        if not query.strip():
            raise InputError("the search query is empty")
        if k < 1:
            raise InputError(f"k must be at least 1, not {k}")
        # One reading of the manifest for the check and the scope: a document deleted in between is
        # then unknown (NotFoundError), never a KeyError halfway through.
        manifest = self._store.manifest().documents
        if document_ids is not None:
            unknown = [i for i in document_ids if i not in manifest]
            if unknown:
                raise NotFoundError(f"no document {unknown[0]!r} in workspace {self.workspace!r}")
            if not document_ids:
                return []
        lexical = self._lexical()
        depth = max(k, _FUSION_DEPTH)
        if mode == "bm25":
            return [Hit(chunk=c, score=s) for c, s in lexical.search(query, depth, document_ids)[:k]]
        beside: Future[list[tuple[Chunk, float]]] | None = None
        if mode == "hybrid":
            beside = _LEXICAL_BESIDE.submit(lexical.search, query, depth, document_ids)
        vector = self._embedder.embed_query(query)
        scope = None
        if document_ids is not None:
            # A document named twice is one scope: chroma refuses duplicate ids in a get.
            scope = [cid for doc_id in dict.fromkeys(document_ids) for cid in manifest[doc_id].chunk_ids()]
        dense_hits: list[tuple[Chunk, float]] = []
        for chunk_id, score in self._vectors.query(vector, depth, scope):
            position = lexical.positions.get(chunk_id)
            if position is not None:  # a stray vector of an unlisted document never surfaces
                dense_hits.append((lexical.chunks[position], score))
        if beside is None:
            return [Hit(chunk=c, score=s) for c, s in dense_hits[:k]]
        lexical_hits = beside.result()
        by_id = {c.id: c for c, _ in lexical_hits + dense_hits}
        fused = reciprocal_rank_fusion([[c.id for c, _ in lexical_hits], [c.id for c, _ in dense_hits]])
        return [Hit(chunk=by_id[chunk_id], score=score) for chunk_id, score in fused[:k]]
