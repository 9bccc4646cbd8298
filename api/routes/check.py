"""Checking a canvas kept elsewhere: canvas and policy in, findings out (JSON or SARIF), nothing stored."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter

from ecocanvas.api.bodies import json_body, request_body
from ecocanvas.api.deps import Reader, ServiceDep, principal
from ecocanvas.api.negotiation import best_match
from ecocanvas.api.problems import responses
from ecocanvas.api.schemas import CheckRequest
from ecocanvas.canvas.model import Finding
from ecocanvas.errors import NotAcceptableError
from ecocanvas.rules.sarif import to_sarif

router = APIRouter(tags=["check"])

JSON = "application/json"
SARIF = "application/sarif+json"
_FINDINGS: TypeAdapter[list[Finding]] = TypeAdapter(list[Finding])


@router.post(
    "/check",
    response_model=list[Finding],
    summary="Check a canvas: its findings as JSON, or as a SARIF log with Accept: application/sarif+json",
    responses={
        200: {"content": {SARIF: {"schema": {"type": "object", "description": "A SARIF 2.1.0 log"}}}},
        **responses(400, 401, 406, 413, 415, 422),
    },
    openapi_extra=request_body("CheckRequest"),
)
async def check(
    request: Annotated[CheckRequest, json_body(CheckRequest, "CheckRequest", principal)],
    who: Reader,
    service: ServiceDep,
    accept: Annotated[str | None, Header(description=f"{JSON} (the default) or {SARIF}.")] = None,
) -> Response:
    media_type = best_match(accept, (JSON, SARIF))
    if media_type is None:
        raise NotAcceptableError(f"the findings come as {JSON} or {SARIF}, not {accept}")
    findings = await run_in_threadpool(service.check, request)
    if media_type == SARIF:
        log = to_sarif(findings)  # no artifact: the canvas is not a file of ours
        return Response(json.dumps(log, ensure_ascii=False), media_type=SARIF)
    return Response(_FINDINGS.dump_json(findings), media_type=JSON)
