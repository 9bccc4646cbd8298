"""The caller's workspace at a glance."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool

from api.deps import Reader, ServiceDep
from api.problems import responses
from api.schemas import WorkspaceOut
from canvas.acceptance import WorkspaceAcceptance

router = APIRouter(tags=["workspace"])


@router.get("/workspace", response_model=WorkspaceOut, responses=responses(401))
async def workspace(who: Reader, service: ServiceDep) -> WorkspaceOut:
    def run() -> WorkspaceOut:
        canvases, jobs = service.store.counts(who.workspace_id)
        return WorkspaceOut(
            name=who.workspace,
            created_at=service.store.workspace_created(who.workspace_id),
            documents=len(service.kb(who.workspace).documents()),
            canvases=canvases,
            jobs=jobs,
            can_write=who.can_write,
        )

    return await run_in_threadpool(run)


@router.get(
    "/workspace/acceptance",
    response_model=WorkspaceAcceptance,
    summary="Draft acceptance over every canvas of the workspace, per section and per backend/model/prompt",
    responses=responses(401),
)
async def acceptance(who: Reader, service: ServiceDep) -> WorkspaceAcceptance:
    return await run_in_threadpool(service.workspace_acceptance, who)
