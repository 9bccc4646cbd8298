"""Partner data: import a CSV for the workspace, read the imports, review the rows no actor matched."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.concurrency import run_in_threadpool

from ecocanvas.api.bodies import json_body, request_body
from ecocanvas.api.deps import Reader, ServiceDep, Writer, writer
from ecocanvas.api.partners import (
    CanvasPartners,
    PartnerDecision,
    PartnerImportRequest,
    PartnerImportResult,
    PartnerImportSummary,
)
from ecocanvas.api.problems import responses
from ecocanvas.api.schemas import MAX_INT
from ecocanvas.canvas.partners import PartnerImport

router = APIRouter(tags=["partners"])


@router.post(
    "/partners",
    status_code=201,
    response_model=PartnerImportResult,
    summary="Import a partner CSV: all rows or none; it replaces the workspace's partner data (the old is kept)",
    responses=responses(400, 401, 403, 404, 409, 413, 415, 422),
    openapi_extra=request_body("PartnerImportRequest"),
)
async def import_partners(
    body: Annotated[PartnerImportRequest, json_body(PartnerImportRequest, "PartnerImportRequest", writer)],
    who: Writer,
    service: ServiceDep,
    response: Response,
) -> PartnerImportResult:
    result = await run_in_threadpool(service.partners.import_csv, who.workspace_id, body)
    response.headers["Location"] = f"/v1/partners?version={result.imported.version}"
    return result


@router.get("/partners", response_model=PartnerImport, responses=responses(401, 404))
async def partner_data(
    who: Reader,
    service: ServiceDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Default: the newest import.")] = None,
) -> PartnerImport:
    """The workspace's partner data (an import's rows, columns and the answers given for its rows)."""
    return await run_in_threadpool(service.partners.current, who.workspace_id, version)


@router.get("/partners/imports", response_model=list[PartnerImportSummary], responses=responses(401))
async def partner_imports(who: Reader, service: ServiceDep) -> list[PartnerImportSummary]:
    """Every import of the workspace, newest first: a re-import replaces the data and keeps the old one here."""
    return await run_in_threadpool(service.partners.history, who.workspace_id)


@router.post(
    "/partners/decisions",
    response_model=CanvasPartners,
    summary="Map a row no actor matched to an actor, skip it, or clear the answer",
    responses=responses(400, 401, 403, 404, 409, 413, 415, 422),
    openapi_extra=request_body("PartnerDecision"),
)
async def decide(
    body: Annotated[PartnerDecision, json_body(PartnerDecision, "PartnerDecision", writer)],
    who: Writer,
    service: ServiceDep,
) -> CanvasPartners:
    return await run_in_threadpool(service.partners.decide, who.workspace_id, body)


@router.get("/canvases/{canvas_id}/partners", response_model=CanvasPartners, responses=responses(401, 404))
async def canvas_partners(canvas_id: str, who: Reader, service: ServiceDep) -> CanvasPartners:
    """The partner rows matched to this canvas's actors, and the rows left for a person to map or skip."""
    return await run_in_threadpool(service.partners.canvas_partners, who.workspace_id, canvas_id)
