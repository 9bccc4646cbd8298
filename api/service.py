"""What the routes do, as plain functions over the store, the knowledge base and the pipeline.

Routes parse HTTP and call one method here; the job runner calls `execute`. The generation path
is the same `generator.draft_canvas` and `rules.check` the CLI and the evals use.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import rules
from api.jobs import JobCancelled, JobRunner
from api.schemas import (
    CanvasVersion,
    DocumentOut,
    JobOut,
    JobRequest,
    Principal,
    SectionProgress,
    UploadError,
    UploadResult,
)
from api.store import Store, hash_key
from api.uploads import UploadedFile
from canvas.model import Canvas, CanvasResult, Finding
from canvas.review import ReviewAction, apply_review, keep_reviewed
from ecocanvas.errors import ConflictError, EcocanvasError, InputError, NotFoundError
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings
from generator import draft_canvas
from generator.sections import CALLS
from knowledge import Document, KnowledgeBase, error_kind
from knowledge.embedding import get_embedder

log = get_logger(__name__)

_KIND_STATUS = {"unsupported": 415, "too_large": 413}
_SECTION_STATUSES = {"ok", "failed", "skipped", "cached"}
_MERGE_ATTEMPTS = 5
# A revoked key keeps working for at most this long in a running server; in exchange most requests
# skip the key lookup.
AUTH_TTL_SECONDS = 10.0
_CACHED_KEYS = 1024
_CACHED_VERSIONS = 64


def document_out(kb: KnowledgeBase, doc: Document, lexical_only: bool = False) -> DocumentOut:
    return DocumentOut(
        id=doc.id,
        name=doc.name,
        date=doc.date.isoformat() if doc.date else None,
        media_type=doc.media_type,
        chars=len(doc.text),
        chunks=kb.chunk_count(doc.id),
        lexical_only=lexical_only,
    )


class _JobProgress:
    """The pipeline's progress callback for one job: events to the store, and the cancel check."""

    def __init__(self, store: Store, job_id: str) -> None:
        self.store = store
        self.job_id = job_id
        self.calls = {spec.name: spec.sections for spec in CALLS}

    def check(self) -> None:
        if self.store.cancel_requested(self.job_id):
            raise JobCancelled(self.job_id)

    def __call__(self, stage: str, message: str) -> None:
        self.check()
        sections: dict[str, SectionProgress] = {}
        if stage in self.calls:
            word = message.split(":", 1)[0].strip()
            status = word if word in _SECTION_STATUSES else "running"
            sections = {name: SectionProgress(status=status, message=message) for name in self.calls[stage]}  # type: ignore[arg-type]
        self.store.record(self.job_id, stage, message, sections)


class Service:
    def __init__(self, settings: Settings, store: Store, runner: JobRunner | None = None) -> None:
        self.settings = settings
        self.store = store
        self.runner = runner
        self._kbs: dict[str, KnowledgeBase] = {}
        self._kb_lock = threading.Lock()
        self._keys: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        # Stored versions never change: (workspace id, canvas id, version) -> the parsed version, and its JSON.
        self._parsed: OrderedDict[tuple[str, str, int], CanvasVersion] = OrderedDict()
        self._json: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.warm = threading.Event()

    def warm_up(self) -> None:
        """Load what the first job would otherwise load while requests wait on the interpreter lock:
        the embedding model and, with a model configured, litellm (several seconds of imports)."""
        started = time.perf_counter()
        try:
            get_embedder(self.settings.embedder).embed_query("warm up")
            if self.settings.model is not None:
                importlib.import_module("generator.llm")
        except Exception:
            # The first job will meet the same problem and report it on the job; nothing waits on this.
            log.exception("warm_up_failed")
        finally:
            self.warm.set()
        log.info("warmed_up", seconds=round(time.perf_counter() - started, 2))

    # -- keys ------------------------------------------------------------------------------------

    def cached_principal(self, key: str) -> Principal | None:
        with self._cache_lock:
            hit = self._keys.get(hash_key(key))
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def authenticate(self, key: str) -> Principal | None:
        who = self.store.authenticate(key)
        if who is not None:
            with self._cache_lock:
                self._keys[hash_key(key)] = (time.monotonic() + AUTH_TTL_SECONDS, who)
                while len(self._keys) > _CACHED_KEYS:
                    self._keys.popitem(last=False)
        return who

    # -- canvases --------------------------------------------------------------------------------

    def version(self, who: Principal, canvas_id: str, version: int | None = None) -> CanvasVersion:
        """A stored version (the latest by default); versions never change, so parsed ones are kept."""
        number = self.store.latest_version(who.workspace_id, canvas_id) if version is None else version
        # Keyed by workspace too: an entry was loaded under that workspace's check, so a hit needs none.
        key = (who.workspace_id, canvas_id, number)
        with self._cache_lock:
            found = self._parsed.get(key)
        if found is None:
            found = self.store.version(who.workspace_id, canvas_id, number)
            self._remember(who.workspace_id, found)
        return found

    def version_json(self, who: Principal, canvas_id: str, version: int | None = None) -> tuple[int, bytes]:
        """(version number, the version as JSON): the API's read path, serialised once per version."""
        found = self.version(who, canvas_id, version)
        key = (who.workspace_id, canvas_id, found.version)
        with self._cache_lock:
            body = self._json.get(key)
        if body is None:
            body = found.model_dump_json().encode()
            with self._cache_lock:
                self._json[key] = body
                while len(self._json) > _CACHED_VERSIONS:
                    self._json.popitem(last=False)
        return found.version, body

    def _remember(self, workspace_id: str, version: CanvasVersion) -> None:
        with self._cache_lock:
            self._parsed[(workspace_id, version.canvas_id, version.version)] = version
            while len(self._parsed) > _CACHED_VERSIONS:
                self._parsed.popitem(last=False)

    # -- documents -------------------------------------------------------------------------------

    def kb(self, workspace: str) -> KnowledgeBase:
        """One KnowledgeBase per workspace per process: opening the vector index is not free."""
        with self._kb_lock:
            kb = self._kbs.get(workspace)
            if kb is None:
                kb = self._kbs[workspace] = KnowledgeBase(self.settings, workspace)
            return kb

    def add_files(self, who: Principal, files: Sequence[UploadedFile]) -> UploadResult:
        """Each file alone: one that cannot be read is reported and the others are kept."""
        kb = self.kb(who.workspace)
        result = UploadResult()
        for upload in files:
            if upload.too_large:
                error = f"file is over the limit of {self.settings.max_file_bytes:,} bytes"
                result.errors.append(UploadError(name=upload.name, kind="too_large", status=413, error=error))
                continue
            try:
                # Stored and searchable by its words on return; the dense vectors follow in the
                # background (a generation job waits for them).
                doc = kb.ingest_bytes(upload.name, bytes(upload.data), wait=False)
            except InputError as exc:
                kind = error_kind(exc)
                status = _KIND_STATUS.get(kind, 422)
                result.errors.append(UploadError(name=upload.name, kind=kind, status=status, error=str(exc)))
                log.info("upload_refused", workspace=who.workspace, name=upload.name, kind=kind)
                continue
            result.documents.append(document_out(kb, doc, lexical_only=bool(kb.lexical_only([doc.id]))))
        return result

    # -- jobs ------------------------------------------------------------------------------------

    def start_job(self, who: Principal, request: JobRequest, idempotency_key: str | None) -> tuple[JobOut, bool]:
        kb = self.kb(who.workspace)
        if request.document_ids is not None:
            known = {d.id for d in kb.documents()}
            missing = [i for i in request.document_ids if i not in known]
            if missing:
                raise NotFoundError(f"no document {missing[0]!r} in this workspace")
            if not request.document_ids:
                raise InputError("document_ids is empty: name at least one document, or send null for all")
        elif not kb.documents():
            raise InputError("the workspace has no documents yet: upload some first")
        if request.canvas_id is not None and not self.store.canvas_exists(who.workspace_id, request.canvas_id):
            raise NotFoundError(f"no canvas {request.canvas_id!r} in this workspace")
        if request.max_tokens is not None and self.settings.max_tokens is not None:
            request = request.model_copy(update={"max_tokens": min(request.max_tokens, self.settings.max_tokens)})
        job, created = self.store.create_job(who.workspace_id, request, idempotency_key)
        if created and self.runner is not None:
            self.runner.submit(job.id)
        return job, created

    def execute(self, job_id: str) -> None:
        """Run one job to its end; every way it can end is written to the store."""
        workspace_id, workspace = self.store.job_owner(job_id)
        if not self.store.claim(job_id):
            return
        job = self.store.job(workspace_id, job_id)
        progress = _JobProgress(self.store, job_id)
        log.info("job_started", job_id=job_id, workspace=workspace, attempt=job.attempts)
        try:
            version = self._generate(workspace_id, workspace, job, progress)
        except JobCancelled:
            self.store.finish(job_id, "cancelled", error="cancelled on request")
            log.info("job_cancelled", job_id=job_id)
        except EcocanvasError as exc:
            self.store.finish(job_id, "failed", error=str(exc))
            log.warning("job_failed", job_id=job_id, error=str(exc))
        except Exception as exc:
            self.store.finish(job_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
            log.exception("job_crashed", job_id=job_id)
        else:
            sections = {
                name: SectionProgress(status=run.status, message=run.error or run.status)
                for name, run in version.canvas.generator.sections.items()
            }
            self.store.finish(
                job_id, "succeeded", canvas_id=version.canvas_id, version=version.version, sections=sections
            )
            log.info("job_succeeded", job_id=job_id, canvas_id=version.canvas_id, version=version.version)

    def _generate(self, workspace_id: str, workspace: str, job: JobOut, progress: _JobProgress) -> CanvasVersion:
        request = job.request
        kb = self.kb(workspace)
        docs = [kb.get(i) for i in request.document_ids] if request.document_ids else kb.documents()
        if not docs:
            raise InputError("the workspace has no documents: upload some first")
        settings = self.settings
        if request.max_tokens is not None:
            settings = settings.model_copy(update={"max_tokens": request.max_tokens})
        progress("ingest", f"{len(docs)} documents")
        canvas = draft_canvas(kb, docs, settings, progress)
        if request.title:
            canvas.title = request.title
        progress.check()
        action: dict[str, Any] = {"action": "generate", "job_id": job.id, "documents": [d.id for d in docs]}
        if request.canvas_id is None:
            canvas_id = self.store.create_canvas(workspace_id, canvas.title)
            result = CanvasResult(canvas=canvas, findings=rules.check(canvas))
            return self.store.add_version(workspace_id, canvas_id, result, action, based_on=0)
        # A person may review while the job runs: merge onto whatever version is newest when we write.
        for _ in range(_MERGE_ATTEMPTS):
            previous = self.store.version(workspace_id, request.canvas_id)
            merged = keep_reviewed(canvas, previous.canvas)
            findings = rules.carry_over(rules.check(merged), previous.findings)
            try:
                return self.store.add_version(
                    workspace_id, request.canvas_id, CanvasResult(canvas=merged, findings=findings), action,
                    based_on=previous.version,
                )  # fmt: skip
            except ConflictError:
                continue
        raise ConflictError("the canvas kept changing while the new draft was being saved; run the job again")

    # -- review ----------------------------------------------------------------------------------

    def review(self, who: Principal, canvas_id: str, action: ReviewAction, based_on: int) -> CanvasVersion:
        latest = self.store.latest_version(who.workspace_id, canvas_id)
        if latest != based_on:
            raise ConflictError(
                f"the canvas is at version {latest}; your change was based on version {based_on}. "
                "Reload it and apply your change again."
            )
        current = self.version(who, canvas_id, based_on)
        canvas, findings = apply_review(current.canvas, current.findings, action)
        findings = recheck(canvas, findings)
        record = {**action.model_dump(mode="json"), "based_on": based_on}
        saved = self.store.add_version(
            who.workspace_id, canvas_id, CanvasResult(canvas=canvas, findings=findings), record, based_on=based_on
        )
        self._remember(who.workspace_id, saved)
        return saved


def recheck(canvas: Canvas, findings: list[Finding]) -> list[Finding]:
    """Findings of the edited canvas, keeping what a person decided about the ones still there."""
    return rules.carry_over(rules.check(canvas), findings, keep=("dismissed", "resolved"))
