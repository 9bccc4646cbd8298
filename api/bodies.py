"""JSON request bodies: read after the key is checked, within a byte limit, then parsed into a model.

FastAPI reads and parses a declared body before it solves a route's dependencies, so a caller with
no key would be told what their body lacked, and a body of any size would be read whole first. A
route takes its body from `json_body(...)` instead: a dependency on the key, then on the bytes. The
one rule for every JSON route (docs/api.md, "Errors"):

- 413: a `Content-Length` over the limit (refused before a byte is read), or a body that grows past it;
- 415: a body that is not `application/json`;
- 400: bytes that are not JSON;
- 422: JSON that does not fit the model, naming the fields (as every other invalid field).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError

from api.schemas import Principal
from ecocanvas.errors import MalformedRequestError, RequestTooLargeError, UnsupportedMediaTypeError
from ecocanvas.settings import Settings

# Component name -> the adapter of a body model, so the OpenAPI description can show what FastAPI
# never saw as a body.
_BODIES: dict[str, TypeAdapter[Any]] = {}
_REF = "#/components/schemas/{model}"


def refuse_declared_over(request: Request, limit: int) -> None:
    """413 at once when the request says it is bigger than `limit`, before a byte of it is read."""
    declared = (request.headers.get("content-length") or "").strip()
    # Compared as text first: a header of thousands of digits must not reach int().
    if declared.isascii() and declared.isdigit() and (len(declared) > 18 or int(declared) > limit):
        size = f"{int(declared):,} bytes" if len(declared) <= 18 else "a body of more than 10^18 bytes"
        raise RequestTooLargeError(f"the request declares {size}, over the limit of {limit:,}")


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or RequestTooLargeError as soon as it passes `limit`, whatever it declared."""
    refuse_declared_over(request, limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RequestTooLargeError(f"the request is over the limit of {limit:,} bytes")
    return bytes(body)


def is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or (media_type.startswith("application/") and media_type.endswith("+json"))


def parse_json(adapter: TypeAdapter[Any], body: bytes) -> Any:
    """The body as the model: MalformedRequestError when it is not JSON, RequestValidationError when it does not fit."""
    try:
        return adapter.validate_json(body)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        if any(error["type"] == "json_invalid" for error in errors):
            reason = errors[0]["msg"].removeprefix("Invalid JSON: ")
            raise MalformedRequestError(f"the body is not valid JSON: {reason}") from None
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None


def body_model(model: Any, name: str) -> TypeAdapter[Any]:
    """The adapter that parses a body as `model`, listed in the OpenAPI components as `name`."""
    adapter: TypeAdapter[Any] = TypeAdapter(model)
    _BODIES[name] = adapter
    return adapter


def json_body(
    model: Any,
    name: str,
    auth: Callable[..., Any],
    limit: Callable[[Settings], int] = lambda settings: settings.max_json_bytes,
) -> Any:
    """A dependency giving the request's JSON body as `model`, read only once `auth` accepted the key.

    `name` is the model's name in the OpenAPI components; describe the body with `request_body(name)`.
    """
    adapter = body_model(model, name)

    async def read(request: Request, _who: Principal = Depends(auth)) -> Any:
        if not is_json(request.headers.get("content-type", "")):
            raise UnsupportedMediaTypeError("send the body as application/json")
        settings: Settings = request.app.state.service.settings
        return parse_json(adapter, await read_body(request, limit(settings)))

    return Depends(read)


def request_body(name: str, *, required: bool = True) -> dict[str, Any]:
    """`openapi_extra` describing a JSON body read by `json_body(..., name, ...)`."""
    content = {"application/json": {"schema": {"$ref": _REF.format(model=name)}}}
    return {"requestBody": {"required": required, "content": content}}


def document(app: FastAPI) -> None:
    """Add the body models to the OpenAPI components (FastAPI only lists the bodies it reads itself)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        spec = build()
        schemas = spec.setdefault("components", {}).setdefault("schemas", {})
        for name, adapter in _BODIES.items():
            if name in schemas:
                continue
            schema = adapter.json_schema(ref_template=_REF)
            for sub, definition in schema.pop("$defs", {}).items():
                schemas.setdefault(sub, definition)
            schemas[name] = schema
        return spec

    app.openapi = openapi  # type: ignore[method-assign]
