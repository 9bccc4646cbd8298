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

import contextlib
import json
from collections.abc import Callable
from typing import Any, NamedTuple

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from pydantic import TypeAdapter, ValidationError
from pydantic_core import from_json

from ecocanvas.api.schemas import Principal
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
    """The body as the model: MalformedRequestError when it is not JSON, RequestValidationError when it does not fit.

    Strict, so JSON types mean what they say (`true` is not 1, `"5"` is not 5), except that a number
    with no fraction (`5.0`) is an integer, as JSON Schema has it.
    """
    try:
        return adapter.validate_json(body, strict=True)
    except ValidationError as exc:
        errors = exc.errors(include_url=False, include_context=False)
        if any(error["type"] == "json_invalid" for error in errors):
            reason = errors[0]["msg"].removeprefix("Invalid JSON: ")
            raise MalformedRequestError(f"the body is not valid JSON: {reason}") from None
        if any(_integral_float(error) for error in errors):
            # Rare, so the body is only parsed twice when it happens.
            with contextlib.suppress(ValueError):  # also a number too long for json.dumps
                return adapter.validate_json(json.dumps(_floats_as_ints(from_json(body))), strict=True)
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in errors]) from None


def _integral_float(error: Any) -> bool:
    value = error.get("input")
    return error["type"] == "int_type" and isinstance(value, float) and value.is_integer()


def _floats_as_ints(value: Any) -> Any:
    """`value` with every float that has no fraction made an int (a float field takes ints too)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_floats_as_ints(item) for item in value]
    if isinstance(value, dict):
        return {key: _floats_as_ints(item) for key, item in value.items()}
    return value


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
            definitions = _as_input(schema.pop("$defs", {}), schemas)
            schema = _renamed(schema, definitions.renames)
            for sub, definition in definitions.schemas.items():
                schemas.setdefault(sub, definition)
            schemas[name] = schema
        return spec

    app.openapi = openapi  # type: ignore[method-assign]


class _InputSchemas(NamedTuple):
    schemas: dict[str, Any]
    renames: dict[str, str]


def _as_input(definitions: dict[str, Any], known: dict[str, Any]) -> _InputSchemas:
    """A body's definitions, each named `<Model>-Input` where the components already describe
    `<Model>` differently (as a response reads it), as FastAPI itself names the two.

    A definition that refers to a renamed one differs too, so renaming goes on until nothing changes.
    """
    renames: dict[str, str] = {}
    while True:
        clashing = {
            sub
            for sub, definition in definitions.items()
            if sub not in renames and sub in known and _renamed(definition, renames) != known[sub]
        }
        if not clashing:
            break
        renames |= {sub: f"{sub}-Input" for sub in clashing}
    renamed = {renames.get(sub, sub): _renamed(definition, renames) for sub, definition in definitions.items()}
    return _InputSchemas(renamed, renames)


def _renamed(schema: Any, renames: dict[str, str]) -> Any:
    """`schema` with every `$ref` to a renamed definition pointing at its new name."""
    if isinstance(schema, list):
        return [_renamed(item, renames) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _renamed(value, renames) for key, value in schema.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith(_REF.format(model="")):
        model = ref.removeprefix(_REF.format(model=""))
        out["$ref"] = _REF.format(model=renames.get(model, model))
    return out
