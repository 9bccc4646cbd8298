"""Documents of the caller's workspace: upload (streamed, limited), list, text, delete, search."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ecocanvas.api.deps import Reader, ServiceDep, Writer
from ecocanvas.api.problems import problem, responses
from ecocanvas.api.schemas import NOT_BLANK, ChunkOut, DocumentOut, DocumentText, SearchHit, UploadResult
from ecocanvas.api.service import Service, document_out
from ecocanvas.api.uploads import UploadedFile, read_files

router = APIRouter(tags=["documents"])


# The body is read as a stream (api.uploads), so FastAPI cannot describe it: this does.
MULTIPART: dict[str, Any] = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["files"],
            "properties": {"files": {"type": "array", "minItems": 1, "items": {"type": "string", "format": "binary"}}},
        }
    }
}


async def receive_files(request: Request, service: Service) -> list[UploadedFile]:
    """The request's files, read as a stream within the server's limits."""
    settings = service.settings
    return await read_files(
        request,
        max_file=settings.max_file_bytes,
        max_request=settings.max_request_bytes,
        max_files=settings.max_files_per_request,
    )


def none_added(result: UploadResult, request: Request) -> JSONResponse:
    """Every file failed: the problem of the first, with each file's own error listed."""
    first = result.errors[0]
    extra = {"supported": first.supported} if first.supported else {}
    return problem(
        first.status, f"{first.name}: {first.error}", kind=first.kind.replace("_", "-"),
        instance=request.url.path, errors=[e.model_dump(exclude_none=True) for e in result.errors], **extra,
    )  # fmt: skip


async def _upload(request: Request, who: Writer, service: ServiceDep) -> UploadResult | JSONResponse:
    files = await receive_files(request, service)
    result = await run_in_threadpool(service.add_files, who, files)
    return result if result.documents else none_added(result, request)


router.add_api_route(
    "/documents",
    _upload,
    methods=["POST"],
    status_code=201,
    response_model=UploadResult,
    summary="Upload documents (multipart field 'files', repeatable)",
    openapi_extra={"requestBody": {"required": True, "content": MULTIPART}},
    responses=responses(400, 401, 403, 413, 415, 422),
)


@router.get("/documents", response_model=list[DocumentOut], responses=responses(401))
async def list_documents(who: Reader, service: ServiceDep) -> list[DocumentOut]:
    def run() -> list[DocumentOut]:
        kb = service.kb(who.workspace)
        pending = set(kb.lexical_only())
        return [document_out(kb, d, d.id in pending) for d in kb.documents()]

    return await run_in_threadpool(run)


@router.get("/documents/{document_id}", response_model=DocumentOut, responses=responses(401, 404))
async def get_document(document_id: str, who: Reader, service: ServiceDep) -> DocumentOut:
    def run() -> DocumentOut:
        kb = service.kb(who.workspace)
        return document_out(kb, kb.get(document_id), bool(kb.lexical_only([document_id])))

    return await run_in_threadpool(run)


@router.get("/documents/{document_id}/text", response_model=DocumentText, responses=responses(401, 404))
async def document_text(document_id: str, who: Reader, service: ServiceDep) -> DocumentText:
    doc = await run_in_threadpool(lambda: service.kb(who.workspace).get(document_id))
    return DocumentText(id=doc.id, name=doc.name, text=doc.text)


@router.delete("/documents/{document_id}", status_code=204, responses=responses(401, 403, 404))
async def delete_document(document_id: str, who: Writer, service: ServiceDep) -> Response:
    await run_in_threadpool(lambda: service.kb(who.workspace).delete(document_id))
    return Response(status_code=204)


@router.get("/search", response_model=list[SearchHit], responses=responses(401, 422))
async def search(
    who: Reader,
    service: ServiceDep,
    response: Response,
    q: Annotated[str, Query(min_length=1, max_length=2000, pattern=NOT_BLANK, description="What to look for.")],
    k: Annotated[int, Query(ge=1, le=50)] = 8,
    mode: Literal["hybrid", "bm25", "dense"] = "hybrid",
) -> list[SearchHit]:
    def run() -> tuple[list[SearchHit], list[str]]:
        kb = service.kb(who.workspace)
        hits = kb.search(q, k, mode=mode)
        return [SearchHit(score=h.score, chunk=ChunkOut.model_validate(h.chunk.model_dump())) for h in hits], (
            kb.lexical_only()
        )

    hits, lexical_only = await run_in_threadpool(run)
    if lexical_only:  # their dense vectors are still being written: found by their words only
        response.headers["Lexical-Only-Documents"] = ",".join(lexical_only)
    return hits
