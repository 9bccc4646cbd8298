"""At-least-once delivery made safe: a job executed twice, or by two processes at once, gives one version;
a run whose lease was taken over writes nothing; an expired lease is taken over by whoever looks first."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from support.api_harness import api_settings, database, database_kinds, make_workspace
from support.llm_answers import KPIS, MEMO

from ecocanvas.api.db import make_engine, migrate
from ecocanvas.api.jobs import LeaseLost
from ecocanvas.api.schemas import JobRequest, SectionProgress
from ecocanvas.api.service import Service
from ecocanvas.api.store import Store
from ecocanvas.api.tables import JobRow, utcnow
from ecocanvas.canvas.model import Canvas, CanvasResult
from ecocanvas.settings import Settings


@contextmanager
def stores(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Settings, Store, str]]:
    """Settings, a store and a workspace id with two documents, on SQLite or PostgreSQL."""
    server = request.getfixturevalue("postgres_url") if kind == "postgresql" else None
    with database(kind, server) as url:
        settings = api_settings(tmp_path / "data", url, job_lease_seconds=5)
        key = make_workspace(settings, "ws")
        engine = make_engine(settings)
        migrate(engine)
        store = Store(engine)
        kb = Service(settings, store).kb("ws")
        kb.ingest_bytes("memo.md", MEMO.encode())
        kb.ingest_bytes("kpis.md", KPIS.encode())
        who = store.authenticate(key)
        assert who is not None
        workspace_id = who.workspace_id
        try:
            yield settings, store, workspace_id
        finally:
            engine.dispose()


def versions(store: Store, workspace_id: str) -> list[tuple[str, int]]:
    return [(c.id, c.version) for c in store.canvases(workspace_id)]


@pytest.mark.parametrize("kind", database_kinds())
def test_a_job_delivered_twice_gives_one_version(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    with stores(kind, tmp_path, request) as (settings, store, workspace_id):
        job, _ = store.create_job(workspace_id, JobRequest())
        service = Service(settings, store)
        assert service.execute(job.id) is None
        assert service.execute(job.id) is None  # the second delivery finds the job done
        assert Service(settings, store).execute(job.id) is None  # and so does another process
        done = store.job(workspace_id, job.id)
        assert done.status == "succeeded" and done.attempts == 1
        assert versions(store, workspace_id) == [(done.canvas_id, 1)]


@pytest.mark.parametrize("kind", database_kinds())
def test_two_processes_delivered_one_job_at_once_run_it_once(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with stores(kind, tmp_path, request) as (settings, store, workspace_id):
        job, _ = store.create_job(workspace_id, JobRequest())
        services = [Service(settings, store), Service(settings, store)]
        barrier = threading.Barrier(2)
        answers: list[float | None] = []

        def deliver(service: Service) -> None:
            barrier.wait()
            answers.append(service.execute(job.id))

        threads = [threading.Thread(target=deliver, args=(s,)) for s in services]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        done = store.job(workspace_id, job.id)
        assert done.status == "succeeded" and done.attempts == 1
        assert versions(store, workspace_id) == [(done.canvas_id, 1)]
        # The loser either saw the job finished (None) or running under the other's lease (look again later).
        assert all(a is None or 0 < a <= settings.job_lease_seconds + 1 for a in answers)


@pytest.mark.parametrize("kind", database_kinds())
def test_a_run_whose_lease_was_taken_over_writes_nothing(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with stores(kind, tmp_path, request) as (settings, store, workspace_id):
        job, _ = store.create_job(workspace_id, JobRequest())
        stalled = Service(settings, store)  # claims the job, then stops renewing (a long pause, a partition)
        assert store.claim(job.id, stalled.owner, settings.job_lease_seconds) is not None
        assert store.lease_left(job.id) == pytest.approx(settings.job_lease_seconds, abs=1)
        # While the lease holds, another process leaves the job alone and says when to look again.
        other = Service(settings, store)
        assert other.execute(job.id) == pytest.approx(settings.job_lease_seconds + 1, abs=1)
        with store.engine.begin() as connection:  # the lease runs out
            connection.execute(
                update(JobRow).where(JobRow.id == job.id).values(lease_expires_at=utcnow() - timedelta(seconds=1))
            )
        assert other.execute(job.id) is None
        done = store.job(workspace_id, job.id)
        assert done.status == "succeeded" and done.attempts == 2
        # The stalled run wakes up and tries to write its draft and its end: both are refused.
        result = CanvasResult(canvas=Canvas(title="stale"), findings=[])
        sections = {"actors": SectionProgress()}
        with pytest.raises(LeaseLost):
            store.complete(job.id, stalled.owner, workspace_id, None, result, {"action": "generate"}, 0, sections)
        with pytest.raises(LeaseLost):
            store.finish(job.id, "failed", owner=stalled.owner, error="late")
        assert not store.renew(job.id, stalled.owner, settings.job_lease_seconds)
        assert versions(store, workspace_id) == [(done.canvas_id, 1)]
        assert store.job(workspace_id, job.id).status == "succeeded"


@pytest.mark.parametrize("kind", database_kinds())
def test_expired_leases_go_back_to_the_queue_once_then_fail_when_out_of_attempts(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    with stores(kind, tmp_path, request) as (_settings, store, workspace_id):
        job, _ = store.create_job(workspace_id, JobRequest())

        def expire() -> None:
            with store.engine.begin() as connection:
                connection.execute(
                    update(JobRow).where(JobRow.id == job.id).values(lease_expires_at=utcnow() - timedelta(seconds=1))
                )

        assert store.claim(job.id, "dead/1/a", 5) is not None
        assert store.requeue_expired(max_attempts=2) == []  # the lease still holds
        expire()
        # Two processes sweep at once: one of them requeues the job.
        found: list[list[str]] = []
        threads = [threading.Thread(target=lambda: found.append(store.requeue_expired(max_attempts=2))) for _ in "ab"]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(found) == [[], [job.id]]
        assert store.job(workspace_id, job.id).status == "queued"
        assert store.claim(job.id, "dead/2/b", 5) is not None
        store.record(job.id, "extract", "Drafting", {"actors": SectionProgress(status="running")})
        expire()
        assert store.requeue_expired(max_attempts=2) == []
        failed = store.job(workspace_id, job.id)
        assert failed.status == "failed" and "interrupted during attempt 2 of 2" in (failed.error or "")
        # The section that attempt was drafting says it failed too: an ended job has no step "running".
        assert failed.sections["actors"].status == "failed"
        assert store.lease_left(job.id) is None
