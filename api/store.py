"""The API's persistence: every read and write of workspaces, keys, jobs and canvas versions.

Routes and the job runner call these methods and get pydantic models back; no SQL leaves this
module. Every method opens its own short transaction, so a crash loses at most the write in flight.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.schemas import (
    TERMINAL,
    CanvasSummary,
    CanvasVersion,
    JobEvent,
    JobOut,
    JobRequest,
    Principal,
    SectionProgress,
    VersionSummary,
)
from api.tables import ApiKeyRow, CanvasRow, CanvasVersionRow, JobEventRow, JobRow, WorkspaceRow, utcnow
from canvas.model import SECTIONS, CanvasResult
from ecocanvas.errors import ConflictError, InputError, NotFoundError

KEY_PREFIX = "eco_"


def hash_key(key: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_id() -> str:
    return uuid.uuid4().hex


def _request_hash(request: JobRequest) -> str:
    return hashlib.sha256(json.dumps(request.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


def _job_out(row: JobRow) -> JobOut:
    return JobOut(
        id=row.id,
        status=row.status,  # type: ignore[arg-type]
        stage=row.stage,
        sections={name: SectionProgress.model_validate(value) for name, value in row.sections.items()},
        error=row.error,
        canvas_id=row.canvas_id,
        version=row.version,
        attempts=row.attempts,
        request=JobRequest.model_validate(row.request),
        created_at=row.created_at,
        started_at=row.started_at,
        finished_at=row.finished_at,
    )


def _version_out(row: CanvasVersionRow) -> CanvasVersion:
    result = CanvasResult.model_validate_json(row.body)
    return CanvasVersion(
        canvas_id=row.canvas_id,
        version=row.version,
        created_at=row.created_at,
        action=row.action,
        canvas=result.canvas,
        findings=result.findings,
    )


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def _tx(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    # -- workspaces and keys ---------------------------------------------------------------------

    def create_workspace(self, name: str) -> str:
        """A new workspace and its first key (returned once; only its hash is kept)."""
        try:
            with self._tx() as s:
                s.add(WorkspaceRow(id=_new_id(), name=name))
        except IntegrityError as exc:
            raise InputError(f"workspace {name!r} exists already") from exc
        return self.create_key(name, can_write=True)

    def create_key(self, workspace: str, *, can_write: bool) -> str:
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        with self._tx() as s:
            ws = s.scalar(select(WorkspaceRow).where(WorkspaceRow.name == workspace))
            if ws is None:
                raise NotFoundError(f"no workspace {workspace!r}")
            s.add(
                ApiKeyRow(
                    id=_new_id(), workspace_id=ws.id, prefix=key[:12], key_hash=hash_key(key), can_write=can_write
                )
            )
        return key

    def revoke_key(self, prefix: str) -> int:
        with self._tx() as s:
            result = s.execute(
                update(ApiKeyRow)
                .where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def workspaces(self) -> list[tuple[str, datetime, int]]:
        """(name, created, active keys) of every workspace."""
        with self._tx() as s:
            keys = (
                select(ApiKeyRow.workspace_id, func.count().label("n"))
                .where(ApiKeyRow.revoked_at.is_(None))
                .group_by(ApiKeyRow.workspace_id)
                .subquery()
            )
            rows = s.execute(
                select(WorkspaceRow.name, WorkspaceRow.created_at, func.coalesce(keys.c.n, 0))
                .outerjoin(keys, keys.c.workspace_id == WorkspaceRow.id)
                .order_by(WorkspaceRow.name)
            ).all()
        return [(r[0], r[1], int(r[2])) for r in rows]

    def authenticate(self, key: str) -> Principal | None:
        with self._tx() as s:
            row = s.execute(
                select(ApiKeyRow, WorkspaceRow)
                .join(WorkspaceRow, WorkspaceRow.id == ApiKeyRow.workspace_id)
                .where(ApiKeyRow.key_hash == hash_key(key), ApiKeyRow.revoked_at.is_(None))
            ).first()
        if row is None:
            return None
        api_key, ws = row
        return Principal(workspace_id=ws.id, workspace=ws.name, can_write=api_key.can_write, key_id=api_key.id)

    def workspace_created(self, workspace_id: str) -> datetime:
        with self._tx() as s:
            ws = s.get(WorkspaceRow, workspace_id)
            if ws is None:
                raise NotFoundError("workspace is gone")
            return ws.created_at

    def counts(self, workspace_id: str) -> tuple[int, int]:
        """(canvases, jobs) of a workspace."""
        with self._tx() as s:
            canvases = s.scalar(select(func.count()).where(CanvasRow.workspace_id == workspace_id)) or 0
            jobs = s.scalar(select(func.count()).where(JobRow.workspace_id == workspace_id)) or 0
        return int(canvases), int(jobs)

    # -- jobs ------------------------------------------------------------------------------------

    def create_job(
        self, workspace_id: str, request: JobRequest, idempotency_key: str | None = None
    ) -> tuple[JobOut, bool]:
        """The new job and True, or the job an earlier request with the same key made and False."""
        digest = _request_hash(request)
        if idempotency_key is not None:
            existing = self._job_by_key(workspace_id, idempotency_key)
            if existing is not None:
                return self._same_request(existing, digest), False
        sections = {name: SectionProgress().model_dump() for name in SECTIONS}
        row = JobRow(
            id=_new_id(),
            workspace_id=workspace_id,
            idempotency_key=idempotency_key,
            request_hash=digest,
            request=request.model_dump(mode="json"),
            status="queued",
            sections=sections,
            attempts=0,
            cancel_requested=False,
        )
        try:
            with self._tx() as s:
                s.add(row)
        except IntegrityError:
            # Two requests with one key raced; the other one's job is the answer.
            assert idempotency_key is not None
            existing = self._job_by_key(workspace_id, idempotency_key)
            if existing is None:
                raise
            return self._same_request(existing, digest), False
        return _job_out(row), True

    @staticmethod
    def _same_request(row: JobRow, digest: str) -> JobOut:
        if row.request_hash != digest:
            raise ConflictError("this Idempotency-Key was used for a different request; use a new key")
        return _job_out(row)

    def _job_by_key(self, workspace_id: str, key: str) -> JobRow | None:
        with self._tx() as s:
            return s.scalar(select(JobRow).where(JobRow.workspace_id == workspace_id, JobRow.idempotency_key == key))

    def job(self, workspace_id: str, job_id: str) -> JobOut:
        with self._tx() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.workspace_id != workspace_id:
                raise NotFoundError(f"no job {job_id!r} in this workspace")
            return _job_out(row)

    def job_owner(self, job_id: str) -> tuple[str, str]:
        """(workspace id, workspace name) of a job: for the runner, which works outside any request."""
        with self._tx() as s:
            row = s.execute(
                select(WorkspaceRow.id, WorkspaceRow.name)
                .join(JobRow, JobRow.workspace_id == WorkspaceRow.id)
                .where(JobRow.id == job_id)
            ).first()
        if row is None:
            raise NotFoundError(f"no job {job_id!r}")
        return row[0], row[1]

    def jobs(self, workspace_id: str, limit: int = 100) -> list[JobOut]:
        with self._tx() as s:
            rows = s.scalars(
                select(JobRow)
                .where(JobRow.workspace_id == workspace_id)
                .order_by(JobRow.created_at.desc(), JobRow.id)
                .limit(limit)
            ).all()
            return [_job_out(r) for r in rows]

    def claim(self, job_id: str) -> bool:
        """queued -> running, atomically: False when the job was cancelled or taken meanwhile."""
        with self._tx() as s:
            result = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == "queued")
                .values(status="running", attempts=JobRow.attempts + 1, started_at=utcnow(), error=None)
            )
        return int(result.rowcount) == 1  # type: ignore[attr-defined]

    def record(self, job_id: str, stage: str, message: str, sections: dict[str, SectionProgress] | None = None) -> None:
        """Append a progress event and move the job's stage (and sections) along."""
        for _ in range(5):
            try:
                with self._tx() as s:
                    row = s.get(JobRow, job_id)
                    if row is None:
                        return
                    seq = (s.scalar(select(func.max(JobEventRow.seq)).where(JobEventRow.job_id == job_id)) or 0) + 1
                    s.add(JobEventRow(job_id=job_id, seq=seq, stage=stage[:64], message=message))
                    row.stage = stage[:64]
                    if sections:
                        merged = dict(row.sections)
                        merged.update({k: v.model_dump() for k, v in sections.items()})
                        row.sections = merged
                return
            except IntegrityError:
                continue  # another writer took this seq; take the next one

    def finish(
        self,
        job_id: str,
        status: str,
        *,
        error: str | None = None,
        canvas_id: str | None = None,
        version: int | None = None,
        sections: dict[str, SectionProgress] | None = None,
    ) -> None:
        with self._tx() as s:
            row = s.get(JobRow, job_id)
            if row is None:
                return
            row.status = status
            row.error = error
            row.canvas_id = canvas_id or row.canvas_id
            row.version = version
            row.finished_at = utcnow()
            if sections:
                merged = dict(row.sections)
                merged.update({k: v.model_dump() for k, v in sections.items()})
                row.sections = merged
        self.record(job_id, "end", f"{status}: {error}" if error else status)

    def request_cancel(self, workspace_id: str, job_id: str) -> JobOut:
        """Cancel a queued job now; flag a running one so it stops at its next step."""
        with self._tx() as s:
            row = s.get(JobRow, job_id)
            if row is None or row.workspace_id != workspace_id:
                raise NotFoundError(f"no job {job_id!r} in this workspace")
            if row.status in TERMINAL:
                raise ConflictError(f"the job has {row.status} already; there is nothing to cancel")
            row.cancel_requested = True
            queued = row.status == "queued"
            if queued:
                row.status = "cancelled"
                row.finished_at = utcnow()
                row.error = "cancelled before it started"
        if queued:
            self.record(job_id, "end", "cancelled")
        return self.job(workspace_id, job_id)

    def cancel_requested(self, job_id: str) -> bool:
        with self._tx() as s:
            return bool(s.scalar(select(JobRow.cancel_requested).where(JobRow.id == job_id)))

    def events(self, job_id: str, after: int = 0, limit: int = 500) -> list[JobEvent]:
        with self._tx() as s:
            rows = s.scalars(
                select(JobEventRow)
                .where(JobEventRow.job_id == job_id, JobEventRow.seq > after)
                .order_by(JobEventRow.seq)
                .limit(limit)
            ).all()
            return [JobEvent(seq=r.seq, stage=r.stage, message=r.message, at=r.at) for r in rows]

    def recover(self, max_attempts: int) -> list[str]:
        """After a restart: requeue jobs a dead process left running, or fail them; return what to run.

        Assumes one server process owns the queue (true for the embedded runner). A shared queue
        engine replaces this with its own redelivery.
        """
        with self._tx() as s:
            running = s.scalars(select(JobRow).where(JobRow.status == "running")).all()
            interrupted = [(r.id, r.attempts, r.cancel_requested) for r in running]
        for job_id, attempts, cancelled in interrupted:
            if cancelled:
                self.finish(job_id, "cancelled", error="cancelled; the server stopped before it finished")
            elif attempts >= max_attempts:
                self.finish(
                    job_id,
                    "failed",
                    error=f"interrupted by a server restart during attempt {attempts} of {max_attempts}; giving up",
                )
            else:
                with self._tx() as s:
                    s.execute(update(JobRow).where(JobRow.id == job_id).values(status="queued"))
                self.record(job_id, "queued", f"resumed after a server restart (attempt {attempts} was interrupted)")
        with self._tx() as s:
            return list(s.scalars(select(JobRow.id).where(JobRow.status == "queued").order_by(JobRow.created_at)))

    # -- canvases --------------------------------------------------------------------------------

    def create_canvas(self, workspace_id: str, title: str) -> str:
        canvas_id = _new_id()
        with self._tx() as s:
            s.add(CanvasRow(id=canvas_id, workspace_id=workspace_id, title=title, version=0))
        return canvas_id

    def add_version(
        self, workspace_id: str, canvas_id: str, result: CanvasResult, action: dict[str, object], based_on: int
    ) -> CanvasVersion:
        """Store `result` as version `based_on + 1`; ConflictError when someone else wrote first."""
        try:
            with self._tx() as s:
                canvas = s.scalar(
                    select(CanvasRow)
                    .where(CanvasRow.id == canvas_id, CanvasRow.workspace_id == workspace_id)
                    .with_for_update()
                )
                if canvas is None:
                    raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
                if canvas.version != based_on:
                    raise ConflictError(
                        f"the canvas is at version {canvas.version}; this change was based on version {based_on}"
                    )
                row = CanvasVersionRow(
                    canvas_id=canvas_id, version=based_on + 1, action=action, body=result.model_dump_json()
                )
                s.add(row)
                canvas.version = based_on + 1
                canvas.title = result.canvas.title
                canvas.updated_at = utcnow()
                s.flush()
                return CanvasVersion(
                    canvas_id=canvas_id,
                    version=row.version,
                    created_at=row.created_at,
                    action=action,
                    canvas=result.canvas,
                    findings=result.findings,
                )
        except IntegrityError as exc:
            raise ConflictError(f"another change to the canvas landed first (version {based_on + 1})") from exc

    def latest_version(self, workspace_id: str, canvas_id: str) -> int:
        with self._tx() as s:
            row = s.execute(select(CanvasRow.workspace_id, CanvasRow.version).where(CanvasRow.id == canvas_id)).first()
        if row is None or row[0] != workspace_id or row[1] == 0:
            raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
        return int(row[1])

    def version(self, workspace_id: str, canvas_id: str, version: int | None = None) -> CanvasVersion:
        with self._tx() as s:
            canvas = s.get(CanvasRow, canvas_id)
            if canvas is None or canvas.workspace_id != workspace_id:
                raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
            number = canvas.version if version is None else version
            row = s.scalar(
                select(CanvasVersionRow).where(
                    CanvasVersionRow.canvas_id == canvas_id, CanvasVersionRow.version == number
                )
            )
            if row is None:
                raise NotFoundError(f"canvas {canvas_id!r} has no version {number}")
            return _version_out(row)

    def versions(
        self, workspace_id: str, canvas_id: str, limit: int = 20, before: int | None = None
    ) -> list[VersionSummary]:
        """Newest first, at most `limit`, only those older than `before` when given (paging)."""
        with self._tx() as s:
            canvas = s.get(CanvasRow, canvas_id)
            if canvas is None or canvas.workspace_id != workspace_id:
                raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
            query = select(CanvasVersionRow.version, CanvasVersionRow.created_at, CanvasVersionRow.action).where(
                CanvasVersionRow.canvas_id == canvas_id
            )
            if before is not None:
                query = query.where(CanvasVersionRow.version < before)
            rows = s.execute(query.order_by(CanvasVersionRow.version.desc()).limit(limit)).all()
        return [VersionSummary(version=r[0], created_at=r[1], action=r[2]) for r in rows]

    def canvases(self, workspace_id: str) -> list[CanvasSummary]:
        with self._tx() as s:
            rows = s.scalars(
                select(CanvasRow)
                .where(CanvasRow.workspace_id == workspace_id, CanvasRow.version > 0)
                .order_by(CanvasRow.updated_at.desc())
            ).all()
            return [
                CanvasSummary(
                    id=r.id, title=r.title, version=r.version, created_at=r.created_at, updated_at=r.updated_at
                )
                for r in rows
            ]

    def canvas_exists(self, workspace_id: str, canvas_id: str) -> bool:
        with self._tx() as s:
            canvas = s.get(CanvasRow, canvas_id)
            return canvas is not None and canvas.workspace_id == workspace_id
