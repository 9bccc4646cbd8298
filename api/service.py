"""What the routes do, as plain functions over the store, the knowledge base and the pipeline.

Routes parse HTTP and call one method here; the job runner calls `execute`. The generation path
is the same `ecocanvas.generator.draft_canvas` and `ecocanvas.rules.check` the CLI and the evals use.
"""

from __future__ import annotations

import functools
import importlib
import os
import socket
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from ecocanvas import rules
from ecocanvas.api.jobs import CancelWatch, JobCancelled, JobRunner, Lease, LeaseLost
from ecocanvas.api.partners import PartnerService, findings_with
from ecocanvas.api.schemas import (
    CanvasSummary,
    CanvasVersion,
    CheckRequest,
    DocumentOut,
    JobEvent,
    JobOut,
    JobRequest,
    Principal,
    SectionProgress,
    UploadedDocument,
    UploadError,
    UploadResult,
    VersionSummary,
    WorkspaceOut,
)
from ecocanvas.api.store import Store, hash_key
from ecocanvas.api.uploads import UploadedFile
from ecocanvas.canvas.acceptance import CanvasAcceptance, WorkspaceAcceptance, canvas_acceptance, workspace_acceptance
from ecocanvas.canvas.citations import citation_problem, citations
from ecocanvas.canvas.model import Canvas, CanvasResult, Finding
from ecocanvas.canvas.review import Restore, ReviewAction, Undo, apply_review, keep_reviewed
from ecocanvas.errors import (
    ConflictError,
    EcocanvasError,
    GenerationCancelled,
    InputError,
    InvalidFieldsError,
    NotFoundError,
)
from ecocanvas.evals.from_reviews import ReviewCase, case_files, case_from_review
from ecocanvas.generator import draft_canvas
from ecocanvas.generator.progress import ProgressEvent
from ecocanvas.knowledge import (
    SUPPORTED_TYPES,
    Document,
    KnowledgeBase,
    check_supported_name,
    error_kind,
    parse_tenant,
)
from ecocanvas.knowledge.embedding import get_embedder
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings

log = get_logger(__name__)

_KIND_STATUS = {"unsupported": 415, "too_large": 413}
_OUTCOMES = {
    "added": "added",
    "replaced": "added; it replaces the earlier file of the same name",
    "unchanged": "already in the workspace",
}
_SECTION_STATUSES = {"ok", "failed", "skipped", "cached"}
_MERGE_ATTEMPTS = 5
_CACHED_KEYS = 1024
_CACHED_VERSIONS = 64
# A case folder's files by relative path.
Files = dict[str, bytes]


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

    def check(self) -> None:
        if self.store.cancel_requested(self.job_id):
            raise JobCancelled(self.job_id)

    def __call__(self, event: ProgressEvent) -> None:
        self.check()
        # Only the steps that draft sections say which; their status is the event's own field.
        sections: dict[str, SectionProgress] = {
            name: SectionProgress(status=event.status, message=event.message, seconds=event.seconds)
            for name in event.sections
        }
        self.store.record(
            self.job_id, event.stage, event.message, sections,
            status=event.status, seconds=event.seconds, elapsed=event.elapsed,
        )  # fmt: skip


class _LeasedProgress:
    """The job's progress callback, which also stops the job once another process has taken it over."""

    def __init__(self, progress: _JobProgress, lease: Lease) -> None:
        self.progress = progress
        self.lease = lease

    def check(self) -> None:
        self.lease.check()
        self.progress.check()

    def __call__(self, event: ProgressEvent) -> None:
        self.lease.check()
        self.progress(event)


def process_name() -> str:
    """Who holds a lease: host, pid and a random part (a pid is reused, a host name may be shared)."""
    return f"{socket.gethostname()[:32]}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


class Service:
    def __init__(self, settings: Settings, store: Store, runner: JobRunner | None = None) -> None:
        self.settings = settings
        self.store = store
        self.runner = runner
        # This process's name on the leases of the jobs it runs.
        self.owner = process_name()
        self._kbs: dict[str, KnowledgeBase] = {}
        self._kb_lock = threading.Lock()
        self._keys: OrderedDict[str, tuple[float, Principal]] = OrderedDict()
        # Stored versions never change: (workspace id, canvas id, version) -> the parsed version, and its JSON.
        self._parsed: OrderedDict[tuple[str, str, int], CanvasVersion] = OrderedDict()
        self._json: OrderedDict[tuple[str, str, int], bytes] = OrderedDict()
        self._cache_lock = threading.Lock()
        self.warm = threading.Event()
        self.partners = PartnerService(store, self._remember)

    def warm_up(self) -> None:
        """Load what the first job would otherwise load while requests wait on the interpreter lock:
        the embedding model and, with a model configured, litellm (several seconds of imports)."""
        started = time.perf_counter()
        try:
            get_embedder(self.settings.embedder).embed_query("warm up")
            if self.settings.model is not None:
                importlib.import_module("ecocanvas.generator.llm")
        except Exception:
            # The first job will meet the same problem and report it on the job; nothing waits on this.
            log.exception("warm_up_failed")
        finally:
            self.warm.set()
        log.info("warmed_up", seconds=round(time.perf_counter() - started, 2))

    # -- keys ------------------------------------------------------------------------------------

    def cached_principal(self, key: str) -> Principal | None:
        """The key's principal if this process verified it less than `key_cache_seconds` ago.

        Most requests skip the database this way; the price is that a key revoked meanwhile keeps working
        here until its entry runs out (docs/api.md).
        """
        if self.settings.key_cache_seconds <= 0:
            return None
        with self._cache_lock:
            hit = self._keys.get(hash_key(key))
        return hit[1] if hit is not None and hit[0] > time.monotonic() else None

    def authenticate(self, key: str) -> Principal | None:
        who = self.store.authenticate(key)
        ttl = self.settings.key_cache_seconds
        if who is None:
            with self._cache_lock:
                self._keys.pop(hash_key(key), None)  # revoked: its expired entry goes too
        elif ttl > 0:
            with self._cache_lock:
                self._keys[hash_key(key)] = (time.monotonic() + ttl, who)
                while len(self._keys) > _CACHED_KEYS:
                    self._keys.popitem(last=False)
        return who

    def workspace(self, who: Principal) -> WorkspaceOut:
        canvases, jobs = self.store.counts(who.workspace_id)
        return WorkspaceOut(
            name=who.workspace,
            created_at=self.store.workspace_created(who.workspace_id),
            documents=len(self.kb(who.workspace).documents()),
            canvases=canvases,
            jobs=jobs,
            can_write=who.can_write,
        )

    # -- canvases --------------------------------------------------------------------------------

    def canvases(self, who: Principal) -> list[CanvasSummary]:
        return self.store.canvases(who.workspace_id)

    def versions(self, who: Principal, canvas_id: str, limit: int, before: int | None) -> list[VersionSummary]:
        return self.store.versions(who.workspace_id, canvas_id, limit, before)

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
        # Parse workers are shared fairly between workspaces (knowledge.sandbox.FairSlots).
        with parse_tenant(who.workspace_id):
            for upload in files:
                if upload.too_large:
                    error = f"file is over the limit of {self.settings.max_file_bytes:,} bytes"
                    result.errors.append(UploadError(name=upload.name, kind="too_large", status=413, error=error))
                    continue
                try:
                    check_supported_name(upload.name)
                    # Stored and searchable by its words on return; the dense vectors follow in the
                    # background (a generation job waits for them).
                    added = kb.add_bytes(upload.name, bytes(upload.data), wait=False)
                except InputError as exc:
                    kind = error_kind(exc)
                    status = _KIND_STATUS.get(kind, 422)
                    supported = SUPPORTED_TYPES if kind == "unsupported" else None
                    result.errors.append(
                        UploadError(name=upload.name, kind=kind, status=status, error=str(exc), supported=supported)
                    )
                    log.info("upload_refused", workspace=who.workspace, name=upload.name, kind=kind)
                    continue
                out = document_out(kb, added.document, lexical_only=bool(kb.lexical_only([added.document.id])))
                # A later file of the same name replaces an earlier one of this request too.
                result.documents = [d for d in result.documents if d.name != out.name or d.id == out.id]
                result.documents.append(
                    UploadedDocument(**out.model_dump(), outcome=added.status, message=_OUTCOMES[added.status])
                )
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
            # The request is fine; the workspace is not ready for it (the same request succeeds later).
            raise ConflictError("the workspace has no documents yet: upload some first")
        if request.canvas_id is not None and not self.store.canvas_exists(who.workspace_id, request.canvas_id):
            raise NotFoundError(f"no canvas {request.canvas_id!r} in this workspace")
        if request.max_tokens is not None and self.settings.max_tokens is not None:
            request = request.model_copy(update={"max_tokens": min(request.max_tokens, self.settings.max_tokens)})
        job, created = self.store.create_job(who.workspace_id, request, idempotency_key)
        if created and self.runner is not None:
            self.runner.submit(job.id)
        return job, created

    def jobs(self, who: Principal) -> list[JobOut]:
        return self.store.jobs(who.workspace_id)

    def job(self, who: Principal, job_id: str) -> JobOut:
        return self.store.job(who.workspace_id, job_id)

    def cancel_job(self, who: Principal, job_id: str) -> JobOut:
        return self.store.request_cancel(who.workspace_id, job_id)

    def job_progress(self, who: Principal, job_id: str, after: int) -> tuple[list[JobEvent], JobOut]:
        """The job's events after `after`, then the job (read second: an ended job has all its events).
        NotFoundError when the job is not in the caller's workspace."""
        events = self.store.events(job_id, after)
        return events, self.store.job(who.workspace_id, job_id)

    def execute(self, job_id: str) -> float | None:
        """Run one job to its end; every way it can end is written to the store.

        Safe to call for the same job any number of times, from any process: only the holder of the
        job's lease runs it, and only the holder may write its result. Returns None, or the seconds
        after which to deliver the job again because another process holds its lease (it may die).
        """
        lease_seconds = self.settings.job_lease_seconds
        # A job whose process died goes back to the queue first (the attempt counted), then is claimed.
        self.store.requeue_expired(self.settings.job_max_attempts, job_id=job_id)
        job = self.store.claim(job_id, self.owner, lease_seconds)
        if job is None:
            left = self.store.lease_left(job_id)
            return None if left is None else left + 1.0
        workspace_id, workspace = self.store.job_owner(job_id)
        log.info("job_started", job_id=job_id, workspace=workspace, attempt=job.attempts, owner=self.owner)
        renew = functools.partial(self.store.renew, job_id, self.owner, lease_seconds)
        requested = functools.partial(self.store.cancel_requested, job_id)
        with (
            Lease(job_id, renew, lease_seconds) as lease,
            CancelWatch(job_id, requested, self.settings.job_cancel_poll_seconds) as cancel,
        ):
            progress = _LeasedProgress(_JobProgress(self.store, job_id), lease)
            try:
                version = self._generate(workspace_id, workspace, job, progress, cancel)
            except LeaseLost:
                log.warning("job_taken_over", job_id=job_id, owner=self.owner)
                return None
            except (JobCancelled, GenerationCancelled):
                self._finish(job_id, "cancelled", error="cancelled on request")
                log.info("job_cancelled", job_id=job_id)
            except EcocanvasError as exc:
                self._finish(job_id, "failed", error=str(exc))
                log.warning("job_failed", job_id=job_id, error=str(exc))
            except Exception as exc:
                self._finish(job_id, "failed", error=f"internal error: {type(exc).__name__}: {exc}")
                log.exception("job_crashed", job_id=job_id)
            else:
                log.info("job_succeeded", job_id=job_id, canvas_id=version.canvas_id, version=version.version)
        return None

    def _finish(self, job_id: str, status: str, error: str) -> None:
        try:
            self.store.finish(job_id, status, owner=self.owner, error=error)
        except LeaseLost:
            log.warning("job_taken_over", job_id=job_id, owner=self.owner)

    def release_jobs(self) -> list[str]:
        """On a clean shutdown: the jobs this process runs go back to the queue for another to resume."""
        released = self.store.release(self.owner)
        if released:
            log.info("jobs_released", jobs=len(released))
        return released

    def _generate(
        self, workspace_id: str, workspace: str, job: JobOut, progress: _LeasedProgress, cancel: threading.Event
    ) -> CanvasVersion:
        request = job.request
        kb = self.kb(workspace)
        docs = [kb.get(i) for i in request.document_ids] if request.document_ids else kb.documents()
        if not docs:
            raise InputError("the workspace has no documents: upload some first")
        settings = self.settings
        if request.max_tokens is not None:
            settings = settings.model_copy(update={"max_tokens": request.max_tokens})
        message = f"{len(docs)} document{'s' if len(docs) != 1 else ''} to draft from"
        # Uploads were read when they came in: this step only names what the draft reads.
        read = ProgressEvent(stage="ingest", status="ok", message=message, counts={"documents": len(docs)})
        progress(read)
        try:
            canvas = draft_canvas(kb, docs, settings, progress, cancel)
        except NotFoundError as exc:
            gone = _deleted_during_job(kb, docs)
            if gone is None:
                raise
            raise gone from exc
        # A document deleted after its evidence was read would leave citations into nothing.
        gone = _deleted_during_job(kb, docs)
        if gone is not None:
            raise gone
        progress.check()
        action: dict[str, Any] = {"action": "generate", "job_id": job.id, "documents": [d.id for d in docs]}
        sections = {
            name: SectionProgress(status=run.status, message=run.error or run.status, seconds=run.seconds)
            for name, run in canvas.generator.sections.items()
        }
        if request.canvas_id is None:
            canvas = _titled(canvas, request.title)
            result = CanvasResult(canvas=canvas, findings=self.recheck(workspace_id, canvas, []))
            first = {**action, "based_on": 0}
            return self.store.complete(job.id, self.owner, workspace_id, None, result, first, 0, sections)
        # A person may review while the job runs: merge onto whatever version is newest when we write.
        for _ in range(_MERGE_ATTEMPTS):
            previous = self.store.version(workspace_id, request.canvas_id)
            merged = _titled(keep_reviewed(canvas, previous.canvas), request.title)
            findings = self.recheck(workspace_id, merged, previous.findings)
            try:
                return self.store.complete(
                    job.id, self.owner, workspace_id, request.canvas_id, CanvasResult(canvas=merged, findings=findings),
                    {**action, "based_on": previous.version}, previous.version, sections,
                )  # fmt: skip
            except ConflictError:
                continue
        raise ConflictError("the canvas kept changing while the new draft was being saved; run the job again")

    # -- canvases from elsewhere -----------------------------------------------------------------

    def check(self, request: CheckRequest) -> list[Finding]:
        """The findings of a canvas nobody stores here: what `ecocanvas check` prints as JSON."""
        return rules.carry_over(rules.check(request.canvas, request.policy), request.findings)

    def import_canvas(self, who: Principal, result: CanvasResult) -> CanvasVersion:
        """A canvas made by hand or by another tool, stored as version 1 of a new canvas of the workspace.

        Every citation must be the text at its offsets in a document of this workspace (an entry
        may have none); the rules run again, keeping the dismissals and resolutions it came with.
        """
        texts = {doc.id: doc.text for doc in self.kb(who.workspace).documents()}
        wrong: list[dict[str, object]] = []
        for loc, entry_id, citation in citations(result.canvas):
            why = citation_problem(citation, texts)
            if why is not None:
                where = f"entry {entry_id!r}" if entry_id else "the review cadence"
                message = f"{where} cites {citation.document!r} [{citation.start}:{citation.end}]: {why}"
                wrong.append({"loc": ["body", "canvas", *loc], "msg": message, "type": "citation"})
        if wrong:
            first = wrong[0]["msg"]
            more = f" (and {len(wrong) - 1} more)" if len(wrong) > 1 else ""
            raise InvalidFieldsError(
                f"a citation is not the text of a document in this workspace: {first}{more}", wrong
            )
        canvas = result.canvas
        findings = self.recheck(who.workspace_id, canvas, result.findings)
        canvas_id = self.store.create_canvas(who.workspace_id, canvas.title)
        saved = self.store.add_version(
            who.workspace_id, canvas_id, CanvasResult(canvas=canvas, findings=findings), {"action": "import"},
            based_on=0,
        )  # fmt: skip
        self._remember(who.workspace_id, saved)
        return saved

    # -- what reviews tell: eval cases and draft acceptance -------------------------------------------

    def review_case(self, who: Principal, canvas_id: str, version: int | None = None) -> tuple[ReviewCase, Files]:
        """The eval case a reviewed canvas version makes (`ecocanvas.evals.from_reviews`), and its folder's files."""
        found = self.version(who, canvas_id, version)
        documents = self.kb(who.workspace).documents()
        case = case_from_review(found.canvas, documents, canvas_id, found.version)
        return case, case_files(case, documents)

    def review_cases(self, who: Principal) -> list[tuple[ReviewCase, Files]]:
        """The case of every canvas of the workspace (latest versions), newest first."""
        return [self.review_case(who, summary.id) for summary in self.store.canvases(who.workspace_id)]

    def acceptance(self, who: Principal, canvas_id: str, version: int | None = None) -> CanvasAcceptance:
        found = self.version(who, canvas_id, version)
        return canvas_acceptance(found.canvas, canvas_id, found.version)

    def workspace_acceptance(self, who: Principal) -> WorkspaceAcceptance:
        """Draft acceptance over the latest version of every canvas of the workspace."""
        return workspace_acceptance(self.acceptance(who, s.id) for s in self.store.canvases(who.workspace_id))

    # -- review ----------------------------------------------------------------------------------

    def review(self, who: Principal, canvas_id: str, action: ReviewAction, based_on: int) -> CanvasVersion:
        latest = self.store.latest_version(who.workspace_id, canvas_id)
        if latest != based_on:
            raise ConflictError(
                f"the canvas is at version {latest}; your change was based on version {based_on}. "
                "Reload it and apply your change again."
            )
        record: dict[str, Any] = {**action.model_dump(mode="json", exclude_none=True), "based_on": based_on}
        if isinstance(action, Restore | Undo):
            target = action.version if isinstance(action, Restore) else self._undo_target(who, canvas_id, based_on)
            if target == based_on:
                raise InputError(f"version {target} is the current version: there is nothing to restore")
            if target > based_on:
                raise NotFoundError(f"no version {target} of this canvas (the latest is {based_on})")
            source = self.version(who, canvas_id, target)
            canvas, findings = source.canvas, source.findings
            record["version"] = target
        else:
            current = self.version(who, canvas_id, based_on)
            canvas, findings = apply_review(current.canvas, current.findings, action, now=datetime.now(UTC))
            findings = self.recheck(who.workspace_id, canvas, findings)
        saved = self.store.add_version(
            who.workspace_id, canvas_id, CanvasResult(canvas=canvas, findings=findings), record, based_on=based_on
        )
        self._remember(who.workspace_id, saved)
        return saved

    def recheck(self, workspace_id: str, canvas: Canvas, findings: list[Finding]) -> list[Finding]:
        """Findings of the edited or regenerated canvas, with the workspace's partner figures, keeping what a
        person decided and wrote about the ones still there."""
        return findings_with(canvas, findings, self.partners.data(workspace_id, canvas))

    def _undo_target(self, who: Principal, canvas_id: str, number: int) -> int:
        """The version whose state undoing `number`'s action brings back.

        An undo restored some version T, so undoing the undo's state means undoing T's own action:
        repeated undos walk back through the history instead of toggling between two versions.
        """
        while True:
            action = self.version(who, canvas_id, number).action
            if action.get("action") == "undo" and isinstance(action.get("version"), int):
                number = action["version"]
                continue
            before = action.get("based_on")
            if not isinstance(before, int) or before < 1:
                raise InputError(f"nothing to undo: version {number} was the first draft of this canvas")
            return before


def _deleted_during_job(kb: KnowledgeBase, docs: Sequence[Document]) -> InputError | None:
    present = {d.id for d in kb.documents()}
    gone = [d for d in docs if d.id not in present]
    if not gone:
        return None
    names = ", ".join(repr(d.name) for d in gone)
    what = f"document {names} was" if len(gone) == 1 else f"documents {names} were"
    return InputError(f"{what} deleted during the job; run it again without it, or upload it again")


def _titled(canvas: Canvas, title: str | None) -> Canvas:
    """The canvas with the title a person gave the job, kept as theirs on later regenerations."""
    if not title:
        return canvas
    fields = canvas.reviewed_fields if "title" in canvas.reviewed_fields else [*canvas.reviewed_fields, "title"]
    return canvas.model_copy(update={"title": title, "reviewed_fields": fields})
