"""The caller's workspace at a glance."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from ecocanvas.api.deps import Reader, ServiceDep
from ecocanvas.api.problems import responses
from ecocanvas.api.schemas import WorkspaceOut
from ecocanvas.canvas.acceptance import WorkspaceAcceptance

router = APIRouter(tags=["workspace"])


@router.get("/workspace", response_model=WorkspaceOut, responses=responses(401))
async def workspace(who: Reader, service: ServiceDep) -> WorkspaceOut:
    return await run_in_threadpool(service.workspace, who)


@router.get(
    "/workspace/acceptance",
    response_model=WorkspaceAcceptance,
    summary="Draft acceptance over every canvas of the workspace, per section and per backend/model/prompt",
    responses=responses(401),
)
async def acceptance(who: Reader, service: ServiceDep) -> WorkspaceAcceptance:
    return await run_in_threadpool(service.workspace_acceptance, who)
