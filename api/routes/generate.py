"""The synchronous endpoint for tools: documents in, canvas and findings out, in one call."""

from __future__ import annotations

import asyncio
import time
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ecocanvas.api.bodies import body_model, is_json, parse_json, read_body
from ecocanvas.api.deps import ServiceDep, Writer
from ecocanvas.api.problems import responses
from ecocanvas.api.routes.documents import MULTIPART, none_added, receive_files
from ecocanvas.api.schemas import GenerateRequest, GenerateResult, JobOut, JobRequest
from ecocanvas.api.service import Service
from ecocanvas.api.uploads import UploadedFile, safe_name
from ecocanvas.errors import ConflictError, LLMError, RequestTooLargeError

router = APIRouter(tags=["generate"])

_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/GenerateRequest"}},
            **MULTIPART,
        },
    }
}


_GENERATE_REQUEST = body_model(GenerateRequest, "GenerateRequest")


async def _json_files(request: Request, service: Service) -> tuple[list[UploadedFile], str | None]:
    """The texts of a JSON body as files, under the same limits as a multipart upload of them."""
    settings = service.settings
    parsed: GenerateRequest = parse_json(_GENERATE_REQUEST, await read_body(request, settings.max_request_bytes))
    if len(parsed.documents) > settings.max_files_per_request:
        raise RequestTooLargeError(f"too many documents in one request (the limit is {settings.max_files_per_request})")
    files = []
    for document in parsed.documents:
        data = bytearray(document.text.encode("utf-8"))
        too_large = len(data) > settings.max_file_bytes
        files.append(
            UploadedFile(name=safe_name(document.name), data=bytearray() if too_large else data, too_large=too_large)
        )
    return files, parsed.title


async def _generate(
    request: Request,
    who: Writer,
    service: ServiceDep,
    timeout: Annotated[
        float | None, Query(gt=0, le=3600, description="Seconds to wait (default: the server's).")
    ] = None,
) -> GenerateResult | JSONResponse:
    settings = service.settings
    title = None
    if is_json(request.headers.get("content-type", "")):
        files, title = await _json_files(request, service)
    else:
        files = await receive_files(request, service)
    added = await run_in_threadpool(service.add_files, who, files)
    if not added.documents:
        return none_added(added, request)
    job_request = JobRequest(document_ids=[d.id for d in added.documents], title=title)
    job, _ = await run_in_threadpool(service.start_job, who, job_request, None)
    deadline = time.monotonic() + (timeout or settings.sync_timeout)
    while True:
        job = await run_in_threadpool(service.job, who, job.id)
        if job.status == "succeeded" and job.canvas_id is not None:
            found = await run_in_threadpool(service.version, who, job.canvas_id, job.version)
            return GenerateResult(
                job_id=job.id, canvas_id=found.canvas_id, version=found.version, canvas=found.canvas,
                findings=found.findings,
            )  # fmt: skip
        if job.status == "failed":
            raise LLMError(f"generation failed: {job.error}")
        if job.status == "cancelled":
            raise ConflictError(f"the job was cancelled: {job.error}")
        if time.monotonic() > deadline:
            # Not an error: the work goes on. The caller gets the job to follow, as POST /v1/jobs would.
            return JSONResponse(
                job.model_dump(mode="json"), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"}
            )
        await asyncio.sleep(0.1)


router.add_api_route(
    "/generate",
    _generate,
    methods=["POST"],
    response_model=GenerateResult,
    summary="Generate a canvas and its findings in one call (JSON texts or a multipart upload)",
    openapi_extra=_BODY,
    responses={
        202: {"model": JobOut, "description": "No canvas within the timeout: the job goes on (see Location)."},
        **responses(400, 401, 403, 404, 409, 413, 415, 422, 502),
    },
)
