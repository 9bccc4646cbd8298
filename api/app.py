"""The FastAPI application: the routes under /v1, problem-details errors, the job runner, the page."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version as package_version
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from ecocanvas.api import bodies, methods, problems
from ecocanvas.api.db import make_engine, migrate
from ecocanvas.api.jobs import JobRunner, Sweeper, ThreadRunner
from ecocanvas.api.routes import canvases, check, contract, documents, generate, jobs, partners, workspace
from ecocanvas.api.service import Service
from ecocanvas.api.store import Store
from ecocanvas.logs import get_logger
from ecocanvas.settings import Settings, get_settings

log = get_logger(__name__)

WEB_DIR = Path(__file__).parent / "web"

DESCRIPTION = """Turn an ecosystem's documents into a cited draft execution canvas, check it for gaps,
and review it. Every route works inside the workspace of the key sent as `Authorization: Bearer <key>`
(make one with `ecocanvas workspace create NAME`). Errors are `application/problem+json`."""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings)
    migrate(engine)
    store = Store(engine)
    service = Service(settings, store)
    runner: JobRunner
    sweeper: Sweeper | None = None
    if settings.queue_url:
        # The scaled set-up: this process only enqueues; `ecocanvas worker` processes run the jobs.
        from ecocanvas.api.queue import QueueRunner

        runner = QueueRunner(settings)
    else:
        threads = ThreadRunner(service.execute, settings.job_workers)
        runner = threads

        def sweep() -> None:
            # Jobs a dead process left (their lease ran out) go back to the queue; whatever is queued is run here.
            store.requeue_expired(settings.job_max_attempts)
            for job_id in store.queued():
                threads.submit(job_id)

        sweeper = Sweeper(sweep, interval=max(1.0, settings.job_lease_seconds / 3))
    service.runner = runner

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        threading.Thread(target=service.warm_up, name="ecocanvas-warm-up", daemon=True).start()
        if sweeper is not None:
            sweeper.start()
        log.info(
            "api_started",
            database=engine.url.render_as_string(hide_password=True),
            jobs="queue" if settings.queue_url else "in-process",
            vectors="server" if settings.chroma_url else "embedded",
        )
        yield
        if sweeper is not None:
            sweeper.stop()
        runner.close()
        await run_in_threadpool(service.release_jobs)
        engine.dispose()

    app = FastAPI(
        title="ecocanvas",
        version=package_version("ecocanvas"),
        description=DESCRIPTION,
        lifespan=lifespan,
        # The interactive docs pages load their scripts from a CDN; the page must work offline.
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    problems.install(app)
    app.add_middleware(methods.AnswerOptions)
    problems.document(app)
    bodies.document(app)
    for module in (workspace, documents, jobs, generate, canvases, check, partners, contract):
        app.include_router(module.router, prefix="/v1")

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict[str, str | bool]:
        """Up; `warm` turns true once the embedding model (and litellm, with a model set) are loaded."""
        return {"status": "ok", "warm": service.warm.is_set()}

    if WEB_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

        @app.get("/", include_in_schema=False)
        async def page() -> FileResponse:
            return FileResponse(
                WEB_DIR / "index.html",
                headers={
                    "Cache-Control": "no-cache",
                    # The page needs its own scripts and styles and nothing else, from anywhere.
                    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'",
                    "X-Content-Type-Options": "nosniff",
                },
            )

    return app
