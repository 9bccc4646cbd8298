"""Generation jobs: start (idempotent), list, status, a live event stream, cancel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from api.deps import Reader, ServiceDep, Writer
from api.problems import responses
from api.schemas import TERMINAL, JobOut, JobRequest

router = APIRouter(tags=["jobs"])

POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 10.0


@router.post("/jobs", status_code=202, response_model=JobOut, responses=responses(401, 403, 404, 422))
async def start_job(
    request: JobRequest,
    who: Writer,
    service: ServiceDep,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(max_length=200, description="Retrying with the same key returns the same job.")
    ] = None,
) -> JobOut:
    job, _created = await run_in_threadpool(service.start_job, who, request, idempotency_key)
    response.headers["Location"] = f"/v1/jobs/{job.id}"
    return job


@router.get("/jobs", response_model=list[JobOut], responses=responses(401))
async def list_jobs(who: Reader, service: ServiceDep) -> list[JobOut]:
    return await run_in_threadpool(service.store.jobs, who.workspace_id)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=responses(401, 404))
async def get_job(job_id: str, who: Reader, service: ServiceDep) -> JobOut:
    return await run_in_threadpool(service.store.job, who.workspace_id, job_id)


@router.post("/jobs/{job_id}/cancel", status_code=202, response_model=JobOut, responses=responses(401, 403, 404, 409))
async def cancel_job(job_id: str, who: Writer, service: ServiceDep) -> JobOut:
    return await run_in_threadpool(service.store.request_cancel, who.workspace_id, job_id)


def _sse(event: str, data: str, event_id: int | None = None) -> str:
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {data}\n\n"


@router.get(
    "/jobs/{job_id}/events",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "`progress` events (data: {seq, stage, message, at}), then one `end` event (data: the job)",
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
        },
        **responses(401, 404),
    },
)
async def job_events(
    job_id: str,
    request: Request,
    who: Reader,
    service: ServiceDep,
    last_event_id: Annotated[str | None, Header(description="Resume after this event id.")] = None,
) -> StreamingResponse:
    store = service.store
    await run_in_threadpool(store.job, who.workspace_id, job_id)  # 404 before the stream starts
    after = int(last_event_id) if last_event_id and last_event_id.isdigit() else 0

    async def stream() -> AsyncIterator[str]:
        nonlocal after
        quiet = 0.0
        yield "retry: 2000\n\n"
        while True:
            events = await run_in_threadpool(store.events, job_id, after)
            for event in events:
                after = event.seq
                yield _sse("progress", event.model_dump_json(), event.seq)
            job = await run_in_threadpool(store.job, who.workspace_id, job_id)
            if job.status in TERMINAL and not events:
                yield _sse("end", job.model_dump_json())
                return
            if await request.is_disconnected():
                return
            quiet = 0.0 if events else quiet + POLL_SECONDS
            if quiet >= HEARTBEAT_SECONDS:
                quiet = 0.0
                yield ": still working\n\n"
            await asyncio.sleep(POLL_SECONDS)

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    )
