"""Ingest files and folders into a KnowledgeBase as a pipeline, reporting each failure by file.

Files are read, parsed and chunked a few at a time in threads (PDF, DOCX and HTML in the sandbox's
worker processes), and committed in the order given, each one searchable by its words once
committed. Their dense vectors are written meanwhile by the workspace's backlog in batches that
span documents, so parsing the next files overlaps embedding the last ones and both cores work.

A file that cannot be read is recorded in the report and skipped; the others go on. Inside a
folder only document files (by extension) are picked up; a file named explicitly is tried unless
its extension names a type we do not read (`.csv`, `.xlsx`...: a CSV's bytes are text, so only its
name tells). Its bytes, not its name, decide how it is read.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextvars import Context, copy_context
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol

from ecocanvas.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EcocanvasError,
    EmptyDocumentError,
    UnsupportedDocumentError,
)
from ecocanvas.knowledge.models import AddResult, FileError, IngestReport, Prepared
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings

if TYPE_CHECKING:
    from ecocanvas.knowledge.backlog import Progress

DOCUMENT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})
SUPPORTED_TYPES = "PDF (.pdf), Word (.docx), HTML (.html, .htm), Markdown (.md, .markdown) and plain text (.txt)"
# What reads as a file type: a letter, then letters or digits ("v2.1" or "notes.2024" name none).
_TYPE_SUFFIX = re.compile(r"^\.[a-z][a-z0-9]{0,9}$")

_ERROR_KINDS: tuple[tuple[type[Exception], str], ...] = (
    (UnsupportedDocumentError, "unsupported"),
    (DocumentTooLargeError, "too_large"),
    (EmptyDocumentError, "empty"),
    (CorruptDocumentError, "corrupt"),
    (FileNotFoundError, "not_found"),
    (OSError, "unreadable"),
)

# Files parsed ahead of the one being committed: enough to keep the parse workers and the encoder
# busy, few enough that a large folder is not all held in memory at once.
_PARSE_THREADS = max(2, min(4, os.cpu_count() or 1))
_LOOKAHEAD = 2 * _PARSE_THREADS

log = get_logger(__name__)


def error_kind(exc: Exception) -> str:
    for cls, kind in _ERROR_KINDS:
        if isinstance(exc, cls):
            return kind
    return "invalid" if isinstance(exc, EcocanvasError) else "internal"


def check_supported_name(name: str) -> None:
    """UnsupportedDocumentError when the name's extension is a file type we do not read; no extension is fine."""
    suffix = PurePosixPath(name).suffix.lower()
    if _TYPE_SUFFIX.match(suffix) and suffix not in DOCUMENT_SUFFIXES:
        raise UnsupportedDocumentError(f"{suffix} files are not supported; supported types: {SUPPORTED_TYPES}")


def collect_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(path, document name) pairs; a folder's files are named by their path inside that folder."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                relative = candidate.relative_to(path)
                if any(part.startswith(".") for part in relative.parts):
                    continue
                if candidate.is_file() and candidate.suffix.lower() in DOCUMENT_SUFFIXES:
                    found.append((candidate, relative.as_posix()))
        else:
            found.append((path, path.name))
    return found


def _read(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size > max_bytes:  # refuse before reading a huge file into memory
        raise DocumentTooLargeError(f"file is {size:,} bytes, over the limit of {max_bytes:,}")
    return path.read_bytes()


class Sink(Protocol):
    """Where ingested files go: what `KnowledgeBase` offers the pipeline (it is the one sink)."""

    settings: Settings

    def prepare(self, name: str, data: bytes) -> Prepared: ...

    def commit(self, prepared: Prepared) -> AddResult: ...

    def wait_for_vectors(
        self, document_ids: Collection[str] | None = None, on_progress: Progress | None = None
    ) -> None: ...


def ingest_paths(
    kb: Sink,
    paths: Sequence[Path],
    on_progress: Callable[[str, int, int], None] | None = None,
    *,
    wait: bool = True,
    on_embedded: Progress | None = None,
) -> IngestReport:
    files = collect_files([Path(p) for p in paths])
    report = IngestReport()
    max_bytes = kb.settings.max_file_bytes

    def prepare(context: Context, path: Path, name: str) -> Prepared:
        def read_and_parse() -> Prepared:
            check_supported_name(name)
            return kb.prepare(name, _read(path, max_bytes))

        return context.run(read_and_parse)

    with ThreadPoolExecutor(max_workers=_PARSE_THREADS, thread_name_prefix="parse") as pool:
        ahead: deque[tuple[Path, Future[Prepared]]] = deque()
        todo = iter(files)
        for number in range(1, len(files) + 1):
            while len(ahead) < _LOOKAHEAD and (item := next(todo, None)) is not None:
                # In a copy of the caller's context: its parse tenant (knowledge.sandbox.parse_tenant)
                # holds in the threads too.
                ahead.append((item[0], pool.submit(prepare, copy_context(), *item)))
            path, future = ahead.popleft()
            report.files += 1
            try:
                result = kb.commit(future.result())
            except (EcocanvasError, OSError) as exc:
                kind = error_kind(exc)
                message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
                report.errors.append(FileError(path=str(path), error=message, kind=kind))
                log.warning("ingest_file_failed", path=str(path), kind=kind, error=message)
            else:
                report.documents.append(result.document)
                report.chunks += result.chunks
                if result.status == "added":
                    report.added += 1
                elif result.status == "replaced":
                    report.replaced += 1
                else:
                    report.unchanged += 1
            if on_progress is not None:
                on_progress(str(path), number, len(files))
    if wait:
        kb.wait_for_vectors([d.id for d in report.documents], on_embedded)
    return report
