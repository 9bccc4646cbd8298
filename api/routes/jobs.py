"""Generation jobs: start (idempotent), list, status, a live event stream, cancel."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.sse import EventSourceResponse, ServerSentEvent

from ecocanvas.api.bodies import json_body, request_body
from ecocanvas.api.deps import Reader, ServiceDep, Writer, writer
from ecocanvas.api.problems import responses
from ecocanvas.api.schemas import MAX_INT, TERMINAL, JobEvent, JobOut, JobRequest

router = APIRouter(tags=["jobs"])

POLL_SECONDS = 0.25
RETRY_MS = 2000
_EVENT_ID = re.compile(r"[0-9]{1,10}")


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobOut,
    responses=responses(400, 401, 403, 404, 409, 413, 415, 422),
    openapi_extra=request_body("JobRequest"),
)
async def start_job(
    request: Annotated[JobRequest, json_body(JobRequest, "JobRequest", writer)],
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
    return await run_in_threadpool(service.jobs, who)


@router.get("/jobs/{job_id}", response_model=JobOut, responses=responses(401, 404))
async def get_job(job_id: str, who: Reader, service: ServiceDep) -> JobOut:
    return await run_in_threadpool(service.job, who, job_id)


@router.post("/jobs/{job_id}/cancel", status_code=202, response_model=JobOut, responses=responses(401, 403, 404, 409))
async def cancel_job(job_id: str, who: Writer, service: ServiceDep) -> JobOut:
    return await run_in_threadpool(service.cancel_job, who, job_id)


def resume_after(last_event_id: str | None) -> int:
    """The event number to resume after. An id this server never sent (not a number, or out of range)
    means nothing to resume from, so the stream starts from the first event."""
    value = (last_event_id or "").strip()
    if _EVENT_ID.fullmatch(value) and int(value) <= MAX_INT:
        return int(value)
    return 0


async def visible_job(job_id: str, who: Reader, service: ServiceDep) -> JobOut:
    """The job, or 404 before a stream starts."""
    return await run_in_threadpool(service.job, who, job_id)


# The data of each event, for the description: what FastAPI writes for a stream of ServerSentEvent is
# the envelope (event, data, id, retry) alone.
_EVENT_DATA = {
    "contentMediaType": "application/json",
    "contentSchema": {
        "oneOf": [JobEvent.model_json_schema(), {"$ref": "#/components/schemas/JobOut"}],
        "description": "`progress`: {seq, stage, message, at, status, sections, seconds, elapsed}; `end`: the job",
    },
}


@router.get(
    "/jobs/{job_id}/events",
    response_class=EventSourceResponse,
    responses={
        200: {
            "description": "`progress` events (data: {seq, stage, message, at, status, sections, seconds, elapsed}), "
            "then one `end` event (data: the job)"
        },
        **responses(401, 404),
    },
    openapi_extra={
        "responses": {"200": {"content": {"text/event-stream": {"itemSchema": {"properties": {"data": _EVENT_DATA}}}}}}
    },
)
async def job_events(
    job: Annotated[JobOut, Depends(visible_job)],
    who: Reader,
    service: ServiceDep,
    last_event_id: Annotated[
        str | None, Header(description="Resume after this event id; an id the server did not send starts over.")
    ] = None,
) -> AsyncIterator[ServerSentEvent]:
    after = resume_after(last_event_id)
    yield ServerSentEvent(retry=RETRY_MS)
    while True:
        events, current = await run_in_threadpool(service.job_progress, who, job.id, after)
        for event in events:
            after = event.seq
            yield ServerSentEvent(event="progress", raw_data=event.model_dump_json(), id=str(event.seq))
        if current.status in TERMINAL and not events:
            yield ServerSentEvent(event="end", raw_data=current.model_dump_json())
            return
        await asyncio.sleep(POLL_SECONDS)
