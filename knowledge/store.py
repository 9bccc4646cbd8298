"""The document store of one workspace: each document's extracted text and chunk spans, as JSON files.

The manifest is the commit point: a document exists once the manifest lists it. Every file is
written to a temporary name and renamed into place, so a crash leaves the old state or the new
one, never half of either. The store, not the vector index, is the source of truth for chunks.

A document is committed as soon as it is parsed, before its dense vectors exist; `dense-pending.json`
lists the documents whose vectors are still to be written (searchable by words only until then).
It is a separate file so that marking a document embedded does not change the manifest, whose
version keys the in-memory BM25 index.
"""

from __future__ import annotations

import fcntl
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from ecocanvas.errors import IndexStoreError, NotFoundError
from ecocanvas.knowledge.chunking import chunk_id
from ecocanvas.knowledge.layout import table_context
from ecocanvas.knowledge.models import Chunk, Document


class ChunkSpan(BaseModel):
    id: str
    start: int
    end: int
    heading_path: list[str] = Field(default_factory=list)


class StoredDocument(BaseModel):
    document: Document
    chunks: list[ChunkSpan]

    def to_chunks(self) -> list[Chunk]:
        doc = self.document
        layout = doc.layout()
        return [
            Chunk(
                id=span.id,
                document_id=doc.id,
                document=doc.name,
                start=span.start,
                end=span.end,
                text=doc.text[span.start : span.end],
                heading_path=span.heading_path,
                page=doc.page_at(span.start),
                tables=table_context(layout.blocks, layout.tables, span.start, span.end),
            )
            for span in self.chunks
        ]


class ManifestEntry(BaseModel):
    id: str
    name: str
    chunks: int = Field(ge=0)

    def chunk_ids(self) -> list[str]:
        return [chunk_id(self.id, n) for n in range(self.chunks)]


class Manifest(BaseModel):
    format: int = 1
    documents: dict[str, ManifestEntry] = Field(default_factory=dict)


class PendingVectors(BaseModel):
    """Documents listed in the manifest whose dense vectors are not all written yet."""

    documents: list[str] = Field(default_factory=list)


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# Documents are named by the hash of their bytes, so a loaded one never goes stale: only its
# listing in the manifest can change, and that is checked on every load.
_LOADED_DOCUMENTS = 256


class DocumentStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._manifest_path = root / "manifest.json"
        self._pending_path = root / "dense-pending.json"
        self._documents_dir = root / "documents"
        self._cached: tuple[tuple[int, int, int] | None, Manifest] | None = None
        self._loaded: OrderedDict[str, StoredDocument] = OrderedDict()
        self._loaded_lock = threading.Lock()

    def version(self) -> tuple[int, int, int] | None:
        """Changes whenever the manifest is rewritten (each rewrite is a new inode)."""
        try:
            stat = self._manifest_path.stat()
        except FileNotFoundError:
            return None
        return (stat.st_ino, stat.st_mtime_ns, stat.st_size)

    @contextmanager
    def lock(self) -> Iterator[None]:
        """Exclusive across processes and threads: flock holds per open file, not per process."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    def manifest(self) -> Manifest:
        version = self.version()
        if self._cached is not None and self._cached[0] == version:
            return self._cached[1]
        if version is None:
            manifest = Manifest()
        else:
            try:
                manifest = Manifest.model_validate_json(self._manifest_path.read_bytes())
            except (ValidationError, OSError) as exc:
                raise IndexStoreError(f"document store manifest {self._manifest_path} is unreadable: {exc}") from exc
        self._cached = (version, manifest)
        return manifest

    def _write_manifest(self, manifest: Manifest) -> None:
        write_atomic(self._manifest_path, manifest.model_dump_json().encode("utf-8"))
        self._cached = None

    def _document_path(self, document_id: str) -> Path:
        return self._documents_dir / f"{document_id}.json"

    def ids(self) -> list[str]:
        return list(self.manifest().documents)

    def ids_named(self, name: str) -> list[str]:
        return [entry.id for entry in self.manifest().documents.values() if entry.name == name]

    def load(self, document_id: str) -> StoredDocument:
        if document_id not in self.manifest().documents:
            raise NotFoundError(f"no document {document_id!r} in this workspace")
        with self._loaded_lock:
            stored = self._loaded.get(document_id)
            if stored is not None:
                self._loaded.move_to_end(document_id)
                return stored
        try:
            stored = StoredDocument.model_validate_json(self._document_path(document_id).read_bytes())
        except FileNotFoundError as exc:
            if document_id not in self.manifest().documents:  # deleted since the check above
                raise NotFoundError(f"no document {document_id!r} in this workspace") from exc
            raise IndexStoreError(f"stored document {document_id} is missing: {exc}") from exc
        except (ValidationError, OSError) as exc:
            raise IndexStoreError(f"stored document {document_id} is unreadable: {exc}") from exc
        with self._loaded_lock:
            self._loaded[document_id] = stored
            while len(self._loaded) > _LOADED_DOCUMENTS:
                self._loaded.popitem(last=False)
        return stored

    def chunk_count(self, document_id: str) -> int:
        entry = self.manifest().documents.get(document_id)
        if entry is None:
            raise NotFoundError(f"no document {document_id!r} in this workspace")
        return entry.chunks

    def put(self, document: Document, chunks: list[Chunk]) -> None:
        """Write the document, mark its vectors pending, then list it in the manifest (the commit).

        Call under `lock()`. Pending first: a crash before the commit leaves an unlisted id there,
        which `pending()` ignores; the other order could leave a listed document nobody embeds.
        """
        if [c.id for c in chunks] != [chunk_id(document.id, n) for n in range(len(chunks))]:
            raise ValueError("chunk ids must follow knowledge.chunking.chunk_id")
        spans = [ChunkSpan(id=c.id, start=c.start, end=c.end, heading_path=c.heading_path) for c in chunks]
        stored = StoredDocument(document=document, chunks=spans)
        write_atomic(self._document_path(document.id), stored.model_dump_json().encode("utf-8"))
        self.mark_pending([document.id])
        manifest = self.manifest().model_copy(deep=True)
        manifest.documents[document.id] = ManifestEntry(id=document.id, name=document.name, chunks=len(chunks))
        self._write_manifest(manifest)

    def remove(self, document_id: str) -> None:
        """Unlist the document (the commit), then drop its file. Call under `lock()`."""
        manifest = self.manifest().model_copy(deep=True)
        if manifest.documents.pop(document_id, None) is None:
            raise NotFoundError(f"no document {document_id!r} in this workspace")
        self._write_manifest(manifest)
        self._document_path(document_id).unlink(missing_ok=True)
        self.mark_embedded([document_id])

    # -- documents whose vectors are pending -----------------------------------------------------

    def _read_pending(self) -> list[str]:
        try:
            return PendingVectors.model_validate_json(self._pending_path.read_bytes()).documents
        except FileNotFoundError:
            return []
        except (ValidationError, OSError) as exc:
            raise IndexStoreError(f"{self._pending_path} is unreadable: {exc}") from exc

    def _write_pending(self, ids: list[str]) -> None:
        if ids:
            write_atomic(self._pending_path, PendingVectors(documents=ids).model_dump_json().encode("utf-8"))
        else:
            self._pending_path.unlink(missing_ok=True)

    def pending(self) -> list[str]:
        """Listed documents whose dense vectors are not all written, oldest first."""
        listed = self.manifest().documents
        return [i for i in self._read_pending() if i in listed]

    def mark_pending(self, document_ids: list[str]) -> None:
        """Call under `lock()`."""
        current = self._read_pending()
        added = [i for i in dict.fromkeys(document_ids) if i not in current]
        if added:
            self._write_pending(current + added)

    def mark_embedded(self, document_ids: list[str]) -> None:
        """Call under `lock()`; also drops ids the manifest no longer lists."""
        current = self._read_pending()
        done, listed = set(document_ids), self.manifest().documents
        kept = [i for i in current if i not in done and i in listed]
        if kept != current:
            self._write_pending(kept)

    def chunk_ids(self) -> set[str]:
        return {cid for entry in self.manifest().documents.values() for cid in entry.chunk_ids()}
