"""Generation jobs: their rows, the leases of the processes running them, and their progress events."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from sqlalchemy import Row, func, not_, select, update
from sqlalchemy.exc import IntegrityError

from ecocanvas.api.jobs import JobCancelled, LeaseLost
from ecocanvas.api.schemas import TERMINAL, CanvasVersion, JobEvent, JobOut, JobRequest, SectionProgress
from ecocanvas.api.store.canvases import insert_version
from ecocanvas.api.store.repository import Repository, new_id
from ecocanvas.api.tables import CanvasRow, JobEventRow, JobRow, WorkspaceRow, utcnow
from ecocanvas.canvas.model import SECTIONS, CanvasResult
from ecocanvas.errors import ConflictError, NotFoundError


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


def _merged(current: dict[str, Any], sections: dict[str, SectionProgress] | None) -> dict[str, Any]:
    merged = dict(current)
    merged.update({k: v.model_dump() for k, v in (sections or {}).items()})
    return merged


def _stopped(current: dict[str, Any], status: str, error: str | None) -> dict[str, Any]:
    """A job's sections once it ended: a section still running when the job was cancelled or failed says so."""
    if status not in {"cancelled", "failed"}:
        return current
    ended = SectionProgress(status=status, message=error or status).model_dump()
    return {k: ended if v.get("status") == "running" else v for k, v in current.items()}


class JobStore(Repository):
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
            id=new_id(),
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
        with self._read() as c:
            row = c.execute(
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
        query = select(JobRow.id, JobRow.attempts, JobRow.cancel_requested, JobRow.sections).where(expired)
        if job_id is not None:
            query = query.where(JobRow.id == job_id)
        with self._tx() as s:
            interrupted = s.execute(query).all()
        requeued: list[str] = []
        for found, attempts, cancelled, sections in interrupted:
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
                values["sections"] = _stopped(sections or {}, values["status"], values["error"])
            with self._tx() as s:
                result = s.execute(update(JobRow).where(JobRow.id == found, expired).values(**values))
            if int(result.rowcount) != 1:  # type: ignore[attr-defined]
                continue  # another process got there first
            if values["status"] == "queued":
                self.record(found, "queued", f"resumed: the process running attempt {attempts} stopped")
                requeued.append(found)
            else:
                self.record(found, "end", f"{values['status']}: {values['error']}", status=values["status"])
        return requeued

    def queued(self, older_than: float = 0.0) -> list[str]:
        """Queued jobs, oldest first; with `older_than`, only those created at least that many seconds ago."""
        query = select(JobRow.id).where(JobRow.status == "queued")
        if older_than > 0:
            query = query.where(JobRow.created_at <= utcnow() - timedelta(seconds=older_than))
        with self._tx() as s:
            return list(s.scalars(query.order_by(JobRow.created_at)))

    def record(
        self,
        job_id: str,
        stage: str,
        message: str,
        sections: dict[str, SectionProgress] | None = None,
        *,
        status: str | None = None,
        seconds: float | None = None,
        elapsed: float | None = None,
    ) -> None:
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
                    s.add(
                        JobEventRow(
                            job_id=job_id, seq=seq, stage=stage[:64], message=message, status=status,
                            sections=list(sections or {}), seconds=seconds, elapsed=elapsed,
                        )
                    )  # fmt: skip
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
            row.sections = _merged(_stopped(row.sections, status, error), sections)
        self.record(job_id, "end", f"{status}: {error}" if error else status, status=status)

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
                # A cancel asked for while the draft was being finished still wins: the job leaves no version.
                held = s.execute(
                    update(JobRow)
                    .where(
                        JobRow.id == job_id,
                        JobRow.status == "running",
                        JobRow.lease_owner == owner,
                        not_(JobRow.cancel_requested),
                    )
                    .values(lease_owner=None, lease_expires_at=None, status="succeeded", finished_at=utcnow())
                )
                if int(held.rowcount) != 1:  # type: ignore[attr-defined]
                    ours = (JobRow.id == job_id) & (JobRow.lease_owner == owner)
                    if s.scalar(select(JobRow.cancel_requested).where(ours)):
                        raise JobCancelled(job_id)
                    raise LeaseLost(job_id)
                if canvas_id is None:
                    canvas_id = new_id()
                    s.add(CanvasRow(id=canvas_id, workspace_id=workspace_id, title=result.canvas.title, version=0))
                    s.flush()
                version = insert_version(s, workspace_id, canvas_id, result, action, based_on, job_id)
                job = s.get(JobRow, job_id)
                assert job is not None
                job.error = None
                job.canvas_id = canvas_id
                job.version = version.version
                job.sections = _merged(job.sections, sections)
        except IntegrityError as exc:
            raise ConflictError(f"another change to the canvas landed first (version {based_on + 1})") from exc
        self.record(job_id, "end", "succeeded", status="succeeded")
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
            self.record(job_id, "end", "cancelled", status="cancelled")
        return self.job(workspace_id, job_id)

    def cancel_requested(self, job_id: str) -> bool:
        with self._tx() as s:
            return bool(s.scalar(select(JobRow.cancel_requested).where(JobRow.id == job_id)))

    def events(self, job_id: str, after: int = 0, limit: int = 500) -> list[JobEvent]:
        with self._tx() as s:
            rows = s.execute(
                select(
                    JobEventRow.seq, JobEventRow.stage, JobEventRow.message, JobEventRow.at, JobEventRow.status,
                    JobEventRow.sections, JobEventRow.seconds, JobEventRow.elapsed,
                )
                .where(JobEventRow.job_id == job_id, JobEventRow.seq > after)
                .order_by(JobEventRow.seq)
                .limit(limit)
            ).all()  # fmt: skip
        return [
            JobEvent(
                seq=r.seq, stage=r.stage, message=r.message, at=r.at, status=r.status, sections=r.sections or [],
                seconds=r.seconds, elapsed=r.elapsed,
            )
            for r in rows
        ]  # fmt: skip
