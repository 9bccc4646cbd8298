"""Errors as RFC 9457 problem details: the one place the error hierarchy meets HTTP statuses."""

from __future__ import annotations

import re
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from starlette.exceptions import HTTPException as StarletteHTTPException

from ecocanvas.api.methods import allowed_methods
from ecocanvas.errors import (
    AuthenticationError,
    ConflictError,
    DocumentTooLargeError,
    EcocanvasError,
    IndexStoreError,
    InputError,
    InvalidFieldsError,
    LLMError,
    MalformedRequestError,
    NotAcceptableError,
    NotFoundError,
    PermissionDeniedError,
    PreconditionRequiredError,
    RequestTooLargeError,
    UnsupportedDocumentError,
    UnsupportedMediaTypeError,
)
from ecocanvas.logs import get_logger

log = get_logger(__name__)

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://ecocanvas.dev/problems/"

# Most specific first: the first class an error is an instance of decides its status.
_STATUS: tuple[tuple[type[EcocanvasError], int], ...] = (
    (AuthenticationError, 401),
    (PermissionDeniedError, 403),
    (NotFoundError, 404),
    (ConflictError, 409),
    (PreconditionRequiredError, 428),
    (RequestTooLargeError, 413),
    (DocumentTooLargeError, 413),
    (UnsupportedDocumentError, 415),
    (UnsupportedMediaTypeError, 415),
    (NotAcceptableError, 406),
    (MalformedRequestError, 400),
    (InputError, 422),
    (LLMError, 502),
    (IndexStoreError, 503),
)


class Problem(BaseModel):
    """An error answer (application/problem+json); some add fields, e.g. `errors` or `job_id`."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None


def _slug(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name.removesuffix("Error")).lower()


def problem(
    status: int, detail: str, *, kind: str | None = None, instance: str | None = None, **extra: Any
) -> JSONResponse:
    body = {
        "type": TYPE_BASE + (kind or HTTPStatus(status).phrase.lower().replace(" ", "-")),
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    headers = {"WWW-Authenticate": 'Bearer realm="ecocanvas"'} if status == 401 else None
    return JSONResponse(jsonable_encoder(body), status_code=status, media_type=MEDIA_TYPE, headers=headers)


def status_of(exc: EcocanvasError) -> int:
    return next((status for cls, status in _STATUS if isinstance(exc, cls)), 500)


def install(app: FastAPI) -> None:
    async def ecocanvas_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, EcocanvasError)
        status = status_of(exc)
        if status >= 500:
            log.error("request_failed", path=request.url.path, error=str(exc), kind=type(exc).__name__)
        if isinstance(exc, InvalidFieldsError):  # the same shape as a request that fails its schema
            return problem(status, str(exc), kind="invalid-request", instance=request.url.path, errors=exc.fields)
        return problem(status, str(exc), kind=_slug(type(exc).__name__), instance=request.url.path)

    async def validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()))
        detail = f"{where}: {first['msg']}" if where else str(first["msg"])
        return problem(422, detail, kind="invalid-request", instance=request.url.path, errors=errors)

    async def http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        response = problem(exc.status_code, str(exc.detail), instance=request.url.path)
        if exc.headers:
            response.headers.update(exc.headers)
        if exc.status_code == 405 and (allowed := allowed_methods(request)):
            response.headers["Allow"] = ", ".join(allowed)
        return response

    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled_error", path=request.url.path)
        return problem(500, "internal error; the server log has the details", instance=request.url.path)

    app.add_exception_handler(EcocanvasError, ecocanvas_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for the problem answers a route can give (their content is set by `document`)."""
    return {status: {"description": HTTPStatus(status).phrase} for status in statuses}


def document(app: FastAPI) -> None:
    """Every 4xx/5xx in the OpenAPI description is problem+json (FastAPI's own 422 says plain JSON)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        spec = build()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        schemas["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        for name in ("HTTPValidationError", "ValidationError"):
            schemas.pop(name, None)
        content = {MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}
        for operations in spec.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    if status[0] in "45":
                        response["content"] = content
                        response["description"] = HTTPStatus(int(status)).phrase
        app.openapi_schema = spec
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
