"""Canvases: versions, diffs, review actions (optimistic concurrency by ETag) and exports."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from typing import Annotated, Literal

from fastapi import APIRouter, Header, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from ecocanvas.api.bodies import json_body, request_body
from ecocanvas.api.deps import Reader, ServiceDep, Writer, writer
from ecocanvas.api.problems import responses
from ecocanvas.api.schemas import MAX_INT, CanvasSummary, CanvasVersion, VersionSummary
from ecocanvas.canvas.acceptance import CanvasAcceptance
from ecocanvas.canvas.diff import CanvasDiff, diff
from ecocanvas.canvas.exports import ExportOptions, mermaid, raci_csv, selected, svg
from ecocanvas.canvas.health import HealthSummary
from ecocanvas.canvas.ids import slug
from ecocanvas.canvas.model import CanvasResult
from ecocanvas.canvas.partners import PartnerData
from ecocanvas.canvas.render import to_html, to_markdown
from ecocanvas.canvas.review import ReviewAction
from ecocanvas.errors import ConflictError, PreconditionRequiredError
from ecocanvas.evals.from_reviews import ReviewCase
from ecocanvas.rules.health_summary import health_summary

router = APIRouter(tags=["canvases"])

ExportFormat = Literal["json", "md", "html", "raci.csv", "mermaid", "svg"]
# Per format: media type, file suffix, and how the stored version becomes the file. JSON is the
# contract and holds everything; the others follow the export options.
# md, html and svg also show the workspace's imported partner figures (`p`, None without any).
_EXPORTS: dict[str, tuple[str, str, Callable[[CanvasResult, ExportOptions, PartnerData | None], str]]] = {
    "json": ("application/json", "json", lambda r, o, p: r.model_dump_json(indent=2)),
    # md and html end with the health summary, read off the stored findings like the findings section.
    "md": (
        "text/markdown; charset=utf-8",
        "md",
        lambda r, o, p: to_markdown(r, o, p, health_summary(r.canvas, r.findings, p)),
    ),
    "html": (
        "text/html; charset=utf-8",
        "html",
        lambda r, o, p: to_html(r, o, p, health_summary(r.canvas, r.findings, p)),
    ),
    "raci.csv": ("text/csv; charset=utf-8", "raci.csv", lambda r, o, p: raci_csv(selected(r.canvas, o))),
    "mermaid": ("text/plain; charset=utf-8", "mmd", lambda r, o, p: mermaid(selected(r.canvas, o))),
    "svg": ("image/svg+xml", "svg", lambda r, o, p: svg(selected(r.canvas, o), p)),
}
# At most 10 digits: a longer number is no version of ours, and int() of thousands of digits is refused anyway.
_ETAG = re.compile(r'^(?:W/)?"([0-9a-f]+):([0-9]{1,10})"$')


def etag(canvas_id: str, version: int) -> str:
    return f'"{canvas_id}:{version}"'


def based_on(canvas_id: str, if_match: str | None) -> int:
    """The version a write was based on, from its If-Match header."""
    if not if_match:
        raise PreconditionRequiredError(
            "send If-Match with the ETag of the version you are changing, so no one's change is overwritten"
        )
    match = _ETAG.match(if_match.strip())
    if match is None or match.group(1) != canvas_id or int(match.group(2)) > MAX_INT:
        # The start of the header is enough to recognise it; all of it may be megabytes.
        raise ConflictError(f"If-Match {if_match[:80]!r} does not name a version of this canvas")
    return int(match.group(2))


@router.get("/canvases", response_model=list[CanvasSummary], responses=responses(401))
async def list_canvases(who: Reader, service: ServiceDep) -> list[CanvasSummary]:
    return await run_in_threadpool(service.canvases, who)


@router.post(
    "/canvases",
    status_code=201,
    response_model=CanvasVersion,
    summary="Import a canvas made by hand or by another tool, as version 1 of a new canvas",
    responses=responses(400, 401, 403, 413, 415, 422),
    openapi_extra=request_body("CanvasResult"),
)
async def import_canvas(
    result: Annotated[CanvasResult, json_body(CanvasResult, "CanvasResult", writer)],
    who: Writer,
    service: ServiceDep,
    response: Response,
) -> CanvasVersion:
    version = await run_in_threadpool(service.import_canvas, who, result)
    response.headers["ETag"] = etag(version.canvas_id, version.version)
    response.headers["Location"] = f"/v1/canvases/{version.canvas_id}"
    return version


def _version_response(canvas_id: str, number: int, body: bytes) -> Response:
    # The stored JSON as it is: serialised once per version, not once per request.
    return Response(body, media_type="application/json", headers={"ETag": etag(canvas_id, number)})


@router.get("/canvases/{canvas_id}", response_model=CanvasVersion, responses=responses(401, 404))
async def latest(canvas_id: str, who: Reader, service: ServiceDep) -> Response:
    number, body = await run_in_threadpool(service.version_json, who, canvas_id)
    return _version_response(canvas_id, number, body)


@router.get("/canvases/{canvas_id}/versions", response_model=list[VersionSummary], responses=responses(401, 404))
async def versions(
    canvas_id: str,
    who: Reader,
    service: ServiceDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 20,
    before: Annotated[
        int | None, Query(ge=1, le=MAX_INT, description="Only versions older than this one (paging).")
    ] = None,
) -> list[VersionSummary]:
    return await run_in_threadpool(service.versions, who, canvas_id, limit, before)


@router.get("/canvases/{canvas_id}/versions/{version}", response_model=CanvasVersion, responses=responses(401, 404))
async def one_version(
    canvas_id: str, version: Annotated[int, Path(ge=1, le=MAX_INT)], who: Reader, service: ServiceDep
) -> Response:
    number, body = await run_in_threadpool(service.version_json, who, canvas_id, version)
    return _version_response(canvas_id, number, body)


@router.get("/canvases/{canvas_id}/diff", response_model=CanvasDiff, responses=responses(401, 404))
async def canvas_diff(
    canvas_id: str,
    who: Reader,
    service: ServiceDep,
    from_version: Annotated[int, Query(ge=1, le=MAX_INT)],
    to_version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Default: the latest version.")] = None,
) -> CanvasDiff:
    def run() -> CanvasDiff:
        old = service.version(who, canvas_id, from_version)
        new = service.version(who, canvas_id, to_version)
        return diff(
            CanvasResult(canvas=old.canvas, findings=old.findings),
            CanvasResult(canvas=new.canvas, findings=new.findings),
        )

    return await run_in_threadpool(run)


@router.post(
    "/canvases/{canvas_id}/review",
    response_model=CanvasVersion,
    responses=responses(400, 401, 403, 404, 409, 413, 415, 422, 428),
    openapi_extra=request_body("ReviewAction"),
)
async def review(
    canvas_id: str,
    action: Annotated[ReviewAction, json_body(ReviewAction, "ReviewAction", writer)],
    who: Writer,
    service: ServiceDep,
    response: Response,
    if_match: Annotated[
        str | None,
        Header(description="The ETag of the version this change is based on; without it the answer is 428."),
    ] = None,
) -> CanvasVersion:
    base = based_on(canvas_id, if_match)
    version = await run_in_threadpool(service.review, who, canvas_id, action, base)
    response.headers["ETag"] = etag(canvas_id, version.version)
    return version


@router.get(
    "/canvases/{canvas_id}/health",
    response_model=HealthSummary,
    summary="The ecosystem health summary of a version: per actor and per health dimension",
    responses=responses(401, 404),
)
async def health(
    canvas_id: str,
    who: Reader,
    service: ServiceDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Default: the latest version.")] = None,
) -> HealthSummary:
    def run() -> HealthSummary:
        found = service.version(who, canvas_id, version)
        partners = service.partners.data(who.workspace_id, found.canvas)
        return health_summary(found.canvas, found.findings, partners)

    return await run_in_threadpool(run)


@router.get(
    "/canvases/{canvas_id}/export/{fmt}",
    response_class=Response,
    responses={200: {"content": {m.split(";")[0]: {} for m, _, _ in _EXPORTS.values()}}, **responses(401, 404, 422)},
)
async def export(
    canvas_id: str,
    fmt: ExportFormat,
    who: Reader,
    service: ServiceDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Default: the latest version.")] = None,
    rejected: Annotated[
        bool, Query(description="Include rejected entries (not in json: it holds everything).")
    ] = False,
    drafts: Annotated[bool, Query(description="Include draft entries nobody has reviewed.")] = True,
    final: Annotated[bool, Query(description="A final version: md and html are not marked (draft).")] = False,
) -> Response:
    found = await run_in_threadpool(service.version, who, canvas_id, version)
    partners = await run_in_threadpool(service.partners.data, who.workspace_id, found.canvas)
    media_type, suffix, render = _EXPORTS[fmt]
    options = ExportOptions(rejected=rejected, drafts=drafts, final=final)
    body = render(CanvasResult(canvas=found.canvas, findings=found.findings), options, partners)
    name = f"{slug(found.canvas.title or 'canvas')}-v{found.version}.{suffix}"
    return Response(
        body,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "ETag": etag(canvas_id, found.version),
            # An exported page is opened from disk or the browser: it may style itself and nothing more.
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get(
    "/canvases/{canvas_id}/gold",
    response_model=ReviewCase,
    summary="The canvas's review as an eval case (gold.json and its documents)",
    responses={200: {"content": {"application/zip": {}}}, **responses(401, 404, 422)},
)
async def gold(
    canvas_id: str,
    who: Reader,
    service: ServiceDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Default: the latest version.")] = None,
    fmt: Annotated[
        Literal["json", "zip"],
        Query(alias="format", description="json: the case (gold and where it came from); zip: its folder."),
    ] = "json",
) -> Response:
    case, files = await run_in_threadpool(service.review_case, who, canvas_id, version)
    headers = {"ETag": etag(canvas_id, case.version)}
    if fmt == "json":
        return Response(case.model_dump_json(), media_type="application/json", headers=headers)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, data in sorted(files.items()):
            archive.writestr(f"{case.name}/{relative}", data)
    headers["Content-Disposition"] = f'attachment; filename="{case.name}-v{case.version}.zip"'
    return Response(buffer.getvalue(), media_type="application/zip", headers=headers)


@router.get(
    "/canvases/{canvas_id}/acceptance",
    response_model=CanvasAcceptance,
    summary="Draft acceptance: what review made of the drafted entries, per section",
    responses=responses(401, 404, 422),
)
async def acceptance(
    canvas_id: str,
    who: Reader,
    service: ServiceDep,
    version: Annotated[int | None, Query(ge=1, le=MAX_INT, description="Default: the latest version.")] = None,
) -> CanvasAcceptance:
    return await run_in_threadpool(service.acceptance, who, canvas_id, version)
