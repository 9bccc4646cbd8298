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
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Engine, Row, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from api.jobs import LeaseLost
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
from api.tables import (
    ApiKeyRow,
    CanvasRow,
    CanvasVersionRow,
    JobEventRow,
    JobRow,
    PartnerImportRow,
    WorkspaceRow,
    utcnow,
)
from canvas.model import SECTIONS, CanvasResult
from canvas.partners import PartnerImport, PartnerRecord
from ecocanvas.errors import ConflictError, InputError, NotFoundError

KEY_PREFIX = "eco_"


def hash_key(key: str) -> str:
    # Keys are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _new_id() -> str:
    return uuid.uuid4().hex


def _request_hash(request: JobRequest) -> str:
    return hashlib.sha256(json.dumps(request.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()


# The columns a JobOut is made of: reads select these instead of loading whole ORM rows.
_JOB_COLUMNS = (
    JobRow.id,
    JobRow.status,
    JobRow.stage,
    JobRow.sections,
    JobRow.error,
    JobRow.canvas_id,
    JobRow.version,
    JobRow.attempts,
    JobRow.request,
    JobRow.created_at,
    JobRow.started_at,
    JobRow.finished_at,
)


def _job_out(row: JobRow | Row[Any]) -> JobOut:
    return JobOut(
        id=row.id,
        status=row.status,
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


def _version_out(row: CanvasVersionRow | Row[Any]) -> CanvasVersion:
    result = CanvasResult.model_validate_json(row.body)
    return CanvasVersion(
        canvas_id=row.canvas_id,
        version=row.version,
        created_at=row.created_at,
        action=row.action,
        canvas=result.canvas,
        findings=result.findings,
    )


class PendingVersion(NamedTuple):
    """A canvas version to write alongside another change, in its transaction."""

    canvas_id: str
    result: CanvasResult
    action: dict[str, object]
    based_on: int


def _merged(current: dict[str, Any], sections: dict[str, SectionProgress] | None) -> dict[str, Any]:
    merged = dict(current)
    merged.update({k: v.model_dump() for k, v in (sections or {}).items()})
    return merged


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
                select(WorkspaceRow.id, WorkspaceRow.name, ApiKeyRow.can_write, ApiKeyRow.id)
                .join(WorkspaceRow, WorkspaceRow.id == ApiKeyRow.workspace_id)
                .where(ApiKeyRow.key_hash == hash_key(key), ApiKeyRow.revoked_at.is_(None))
            ).first()
        if row is None:
            return None
        return Principal(workspace_id=row[0], workspace=row[1], can_write=row[2], key_id=row[3])

    def reader(self, workspace: str) -> Principal:
        """A read-only principal for a workspace by name: for local tools (the CLI) that hold no key."""
        with self._tx() as s:
            found = s.scalar(select(WorkspaceRow.id).where(WorkspaceRow.name == workspace))
        if found is None:
            raise NotFoundError(f"no workspace {workspace!r}")
        return Principal(workspace_id=found, workspace=workspace, can_write=False, key_id="")

    def workspace_created(self, workspace_id: str) -> datetime:
        with self._tx() as s:
            created = s.scalar(select(WorkspaceRow.created_at).where(WorkspaceRow.id == workspace_id))
        if created is None:
            raise NotFoundError("workspace is gone")
        return created

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
            row = s.execute(
                select(*_JOB_COLUMNS).where(JobRow.id == job_id, JobRow.workspace_id == workspace_id)
            ).first()
        if row is None:
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
            rows = s.execute(
                select(*_JOB_COLUMNS)
                .where(JobRow.workspace_id == workspace_id)
                .order_by(JobRow.created_at.desc(), JobRow.id)
                .limit(limit)
            ).all()
        return [_job_out(r) for r in rows]

    # -- leases: which process runs a job, and until when -------------------------------------------

    def claim(self, job_id: str, owner: str, lease_seconds: float) -> JobOut | None:
        """queued -> running under `owner`'s lease, atomically: None when the job is not queued (it ended, was
        cancelled, or another process runs it)."""
        now = utcnow()
        with self._tx() as s:
            result = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == "queued")
                .values(
                    status="running",
                    attempts=JobRow.attempts + 1,
                    started_at=now,
                    error=None,
                    lease_owner=owner,
                    lease_expires_at=now + timedelta(seconds=lease_seconds),
                )
            )
            if int(result.rowcount) != 1:  # type: ignore[attr-defined]
                return None
            row = s.execute(select(*_JOB_COLUMNS).where(JobRow.id == job_id)).one()
        return _job_out(row)

    def renew(self, job_id: str, owner: str, lease_seconds: float) -> bool:
        """Extend the lease; False when the job is no longer this owner's (taken over, or it ended)."""
        with self._tx() as s:
            result = s.execute(
                update(JobRow)
                .where(JobRow.id == job_id, JobRow.status == "running", JobRow.lease_owner == owner)
                .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
            )
        return int(result.rowcount) == 1  # type: ignore[attr-defined]

    def lease_left(self, job_id: str) -> float | None:
        """Seconds until the lease of a running job runs out (0 when it has), None when the job is not running."""
        with self._tx() as s:
            row = s.execute(select(JobRow.status, JobRow.lease_expires_at).where(JobRow.id == job_id)).first()
        if row is None or row[0] != "running" or row[1] is None:
            return None
        return max(0.0, (row[1] - utcnow()).total_seconds())

    def release(self, owner: str) -> list[str]:
        """Hand the jobs `owner` runs back to the queue (a clean shutdown): another process resumes them at once."""
        with self._tx() as s:
            ids = list(s.scalars(select(JobRow.id).where(JobRow.status == "running", JobRow.lease_owner == owner)))
            if ids:
                s.execute(
                    update(JobRow)
                    .where(JobRow.id.in_(ids), JobRow.status == "running", JobRow.lease_owner == owner)
                    .values(status="queued", lease_owner=None, lease_expires_at=None)
                )
        for job_id in ids:
            self.record(job_id, "queued", "handed back: the process running it was stopped")
        return ids

    def requeue_expired(self, max_attempts: int, job_id: str | None = None) -> list[str]:
        """Jobs whose lease ran out (their process died) go back to the queue, or fail once out of attempts.

        Safe from any number of processes at once: each change is conditional on the lease still being
        expired, so one process wins each job. Returns the jobs queued again.
        """
        now = utcnow()
        expired = (JobRow.status == "running") & (JobRow.lease_expires_at < now)
        query = select(JobRow.id, JobRow.attempts, JobRow.cancel_requested).where(expired)
        if job_id is not None:
            query = query.where(JobRow.id == job_id)
        with self._tx() as s:
            interrupted = s.execute(query).all()
        requeued: list[str] = []
        for found, attempts, cancelled in interrupted:
            values: dict[str, Any] = {"lease_owner": None, "lease_expires_at": None}
            if cancelled:
                values |= {"status": "cancelled", "error": "cancelled; the process running it stopped first"}
            elif attempts >= max_attempts:
                error = f"interrupted during attempt {attempts} of {max_attempts} (the process running it stopped)"
                values |= {"status": "failed", "error": f"{error}; giving up"}
            else:
                values |= {"status": "queued"}
            if values["status"] != "queued":
                values["finished_at"] = now
            with self._tx() as s:
                result = s.execute(update(JobRow).where(JobRow.id == found, expired).values(**values))
            if int(result.rowcount) != 1:  # type: ignore[attr-defined]
                continue  # another process got there first
            if values["status"] == "queued":
                self.record(found, "queued", f"resumed: the process running attempt {attempts} stopped")
                requeued.append(found)
            else:
                self.record(found, "end", f"{values['status']}: {values['error']}")
        return requeued

    def queued(self, older_than: float = 0.0) -> list[str]:
        """Queued jobs, oldest first; with `older_than`, only those created at least that many seconds ago."""
        query = select(JobRow.id).where(JobRow.status == "queued")
        if older_than > 0:
            query = query.where(JobRow.created_at <= utcnow() - timedelta(seconds=older_than))
        with self._tx() as s:
            return list(s.scalars(query.order_by(JobRow.created_at)))

    def record(self, job_id: str, stage: str, message: str, sections: dict[str, SectionProgress] | None = None) -> None:
        """Append a progress event and move the job's stage (and sections) along."""
        for _ in range(5):
            try:
                with self._tx() as s:
                    # One event per pipeline step: only the columns it changes are read and written, not the
                    # whole job row with its request.
                    current = s.execute(select(JobRow.sections).where(JobRow.id == job_id)).first()
                    if current is None:
                        return
                    seq = (s.scalar(select(func.max(JobEventRow.seq)).where(JobEventRow.job_id == job_id)) or 0) + 1
                    s.add(JobEventRow(job_id=job_id, seq=seq, stage=stage[:64], message=message))
                    values: dict[str, Any] = {"stage": stage[:64]}
                    if sections:
                        values["sections"] = _merged(current[0], sections)
                    s.execute(update(JobRow).where(JobRow.id == job_id).values(**values))
                return
            except IntegrityError:
                continue  # another writer took this seq; take the next one

    def finish(
        self,
        job_id: str,
        status: str,
        *,
        owner: str | None = None,
        error: str | None = None,
        sections: dict[str, SectionProgress] | None = None,
    ) -> None:
        """End a job; with `owner`, only while that owner still holds its lease (LeaseLost otherwise)."""
        with self._tx() as s:
            if owner is not None:
                held = s.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.status == "running", JobRow.lease_owner == owner)
                    .values(lease_owner=None, lease_expires_at=None)
                )
                if int(held.rowcount) != 1:  # type: ignore[attr-defined]
                    raise LeaseLost(job_id)
            row = s.get(JobRow, job_id)
            if row is None:
                return
            row.status = status
            row.error = error
            row.finished_at = utcnow()
            row.lease_owner = row.lease_expires_at = None
            if sections:
                row.sections = _merged(row.sections, sections)
        self.record(job_id, "end", f"{status}: {error}" if error else status)

    def complete(
        self,
        job_id: str,
        owner: str,
        workspace_id: str,
        canvas_id: str | None,
        result: CanvasResult,
        action: dict[str, object],
        based_on: int,
        sections: dict[str, SectionProgress],
    ) -> CanvasVersion:
        """A job's canvas version and the job's success, in one transaction fenced by the job's lease.

        `canvas_id` None makes a new canvas. LeaseLost when another process took the job over (nothing is
        written: a job delivered twice gives one version); ConflictError when the canvas moved on.
        """
        try:
            with self._tx() as s:
                # The lease first: this row lock is what a takeover would have to wait for.
                held = s.execute(
                    update(JobRow)
                    .where(JobRow.id == job_id, JobRow.status == "running", JobRow.lease_owner == owner)
                    .values(lease_owner=None, lease_expires_at=None, status="succeeded", finished_at=utcnow())
                )
                if int(held.rowcount) != 1:  # type: ignore[attr-defined]
                    raise LeaseLost(job_id)
                if canvas_id is None:
                    canvas_id = _new_id()
                    s.add(CanvasRow(id=canvas_id, workspace_id=workspace_id, title=result.canvas.title, version=0))
                    s.flush()
                version = self._insert_version(s, workspace_id, canvas_id, result, action, based_on, job_id)
                job = s.get(JobRow, job_id)
                assert job is not None
                job.error = None
                job.canvas_id = canvas_id
                job.version = version.version
                job.sections = _merged(job.sections, sections)
        except IntegrityError as exc:
            raise ConflictError(f"another change to the canvas landed first (version {based_on + 1})") from exc
        self.record(job_id, "end", "succeeded")
        return version

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
            rows = s.execute(
                select(JobEventRow.seq, JobEventRow.stage, JobEventRow.message, JobEventRow.at)
                .where(JobEventRow.job_id == job_id, JobEventRow.seq > after)
                .order_by(JobEventRow.seq)
                .limit(limit)
            ).all()
        return [JobEvent(seq=r.seq, stage=r.stage, message=r.message, at=r.at) for r in rows]

    # -- canvases --------------------------------------------------------------------------------

    def create_canvas(self, workspace_id: str, title: str) -> str:
        """An empty canvas (version 0) for a canvas imported from another tool."""
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
                return self._insert_version(s, workspace_id, canvas_id, result, action, based_on)
        except IntegrityError as exc:
            raise ConflictError(f"another change to the canvas landed first (version {based_on + 1})") from exc

    @staticmethod
    def _insert_version(
        s: Session,
        workspace_id: str,
        canvas_id: str,
        result: CanvasResult,
        action: dict[str, object],
        based_on: int,
        job_id: str | None = None,
    ) -> CanvasVersion:
        canvas = s.scalar(
            select(CanvasRow).where(CanvasRow.id == canvas_id, CanvasRow.workspace_id == workspace_id).with_for_update()
        )
        if canvas is None:
            raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
        if canvas.version != based_on:
            raise ConflictError(
                f"the canvas is at version {canvas.version}; this change was based on version {based_on}"
            )
        row = CanvasVersionRow(
            canvas_id=canvas_id, version=based_on + 1, action=action, body=result.model_dump_json(), job_id=job_id
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

    def latest_version(self, workspace_id: str, canvas_id: str) -> int:
        with self._tx() as s:
            row = s.execute(select(CanvasRow.workspace_id, CanvasRow.version).where(CanvasRow.id == canvas_id)).first()
        if row is None or row[0] != workspace_id or row[1] == 0:
            raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
        return int(row[1])

    def version(self, workspace_id: str, canvas_id: str, version: int | None = None) -> CanvasVersion:
        number = CanvasRow.version if version is None else version
        query = (
            select(
                CanvasVersionRow.canvas_id,
                CanvasVersionRow.version,
                CanvasVersionRow.created_at,
                CanvasVersionRow.action,
                CanvasVersionRow.body,
            )
            .join(CanvasRow, CanvasRow.id == CanvasVersionRow.canvas_id)
            .where(
                CanvasRow.id == canvas_id, CanvasRow.workspace_id == workspace_id, CanvasVersionRow.version == number
            )
        )
        # A number past the 32-bit column names no version (and SQLite refuses numbers past 64 bits).
        in_range = version is None or 0 < version < 2**31
        with self._tx() as s:
            row = s.execute(query).first() if in_range else None
            if row is None:
                if version is None or not self._canvas_in(s, workspace_id, canvas_id):
                    raise NotFoundError(f"no canvas {canvas_id!r} in this workspace")
                raise NotFoundError(f"canvas {canvas_id!r} has no version {version}")
        return _version_out(row)

    @staticmethod
    def _canvas_in(s: Session, workspace_id: str, canvas_id: str) -> bool:
        found = s.scalar(select(CanvasRow.id).where(CanvasRow.id == canvas_id, CanvasRow.workspace_id == workspace_id))
        return found is not None

    def versions(
        self, workspace_id: str, canvas_id: str, limit: int = 20, before: int | None = None
    ) -> list[VersionSummary]:
        """Newest first, at most `limit`, only those older than `before` when given (paging)."""
        with self._tx() as s:
            if not self._canvas_in(s, workspace_id, canvas_id):
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
            rows = s.execute(
                select(CanvasRow.id, CanvasRow.title, CanvasRow.version, CanvasRow.created_at, CanvasRow.updated_at)
                .where(CanvasRow.workspace_id == workspace_id, CanvasRow.version > 0)
                .order_by(CanvasRow.updated_at.desc())
            ).all()
        return [
            CanvasSummary(id=r.id, title=r.title, version=r.version, created_at=r.created_at, updated_at=r.updated_at)
            for r in rows
        ]

    def canvas_exists(self, workspace_id: str, canvas_id: str) -> bool:
        with self._tx() as s:
            return self._canvas_in(s, workspace_id, canvas_id)

    def workspace_id(self, name: str) -> str:
        """The id of the workspace called `name` (the CLI names workspaces; the API knows them by key)."""
        with self._tx() as s:
            found = s.scalar(select(WorkspaceRow.id).where(WorkspaceRow.name == name))
        if found is None:
            raise NotFoundError(f"no workspace {name!r}")
        return found

    def latest_versions(self, workspace_id: str) -> list[CanvasVersion]:
        """The newest version of every canvas of the workspace, most recently changed first."""
        return [self.version(workspace_id, c.id) for c in self.canvases(workspace_id)]

    # -- partner data ----------------------------------------------------------------------------

    def add_partner_import(
        self, workspace_id: str, incoming: PartnerImport, versions: list[PendingVersion]
    ) -> tuple[PartnerImport, list[CanvasVersion]]:
        """`incoming` as the workspace's partner-data version `incoming.version`, and the canvas versions its
        figures re-checked, all in one transaction: nothing lands unless all of it does.

        ConflictError when another import (the same version number) or a change to one of the canvases landed
        first.
        """
        try:
            with self._tx() as s:
                row = PartnerImportRow(
                    workspace_id=workspace_id,
                    version=incoming.version,
                    source=incoming.source[:255],
                    columns=dict(incoming.columns),
                    records=[r.model_dump(mode="json") for r in incoming.records],
                    decisions=dict(incoming.decisions),
                    created_at=incoming.created_at,
                )
                s.add(row)
                s.flush()
                saved = [
                    self._insert_version(s, workspace_id, v.canvas_id, v.result, v.action, v.based_on) for v in versions
                ]
                imported = _partner_import(row)
        except IntegrityError as exc:
            raise ConflictError("another partner import or canvas change landed first; import again") from exc
        return imported, saved

    def partner_import(self, workspace_id: str, version: int | None = None) -> PartnerImport | None:
        """The workspace's newest partner import (or import `version`); None when there is none."""
        query = select(PartnerImportRow).where(PartnerImportRow.workspace_id == workspace_id)
        if version is not None:
            query = query.where(PartnerImportRow.version == version)
        with self._tx() as s:
            row = s.scalars(query.order_by(PartnerImportRow.version.desc()).limit(1)).first()
            return None if row is None else _partner_import(row)

    def partner_imports(self, workspace_id: str) -> list[PartnerImport]:
        """Every partner import of the workspace, newest first, without their rows (`rows` counts them)."""
        with self._tx() as s:
            rows = s.scalars(
                select(PartnerImportRow)
                .where(PartnerImportRow.workspace_id == workspace_id)
                .order_by(PartnerImportRow.version.desc())
            ).all()
            return [_partner_import(r).model_copy(update={"records": []}) for r in rows]

    def set_partner_decisions(
        self,
        workspace_id: str,
        version: int,
        decisions: dict[str, str | None],
        versions: list[PendingVersion],
    ) -> tuple[PartnerImport, list[CanvasVersion]]:
        """Replace import `version`'s decisions and store the canvas versions they re-checked, in one transaction;
        ConflictError when a newer import or a canvas change landed first."""
        try:
            with self._tx() as s:
                row = s.scalars(
                    select(PartnerImportRow)
                    .where(PartnerImportRow.workspace_id == workspace_id)
                    .order_by(PartnerImportRow.version.desc())
                    .limit(1)
                    .with_for_update()
                ).first()
                if row is None or row.version != version:
                    raise ConflictError("a newer partner import landed meanwhile; review its rows instead")
                row.decisions = decisions
                saved = [
                    self._insert_version(s, workspace_id, v.canvas_id, v.result, v.action, v.based_on) for v in versions
                ]
                s.flush()
                updated = _partner_import(row)
        except IntegrityError as exc:
            raise ConflictError("another change to a canvas landed first; decide again") from exc
        return updated, saved


def _partner_import(row: PartnerImportRow) -> PartnerImport:
    return PartnerImport(
        version=row.version,
        source=row.source,
        columns=row.columns,
        decisions=row.decisions,
        created_at=row.created_at,
        rows=len(row.records),
        records=[PartnerRecord.model_validate(r) for r in row.records],
    )
