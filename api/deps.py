"""Request dependencies: who is calling (from the API key) and the service they act through."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from ecocanvas.api.schemas import Principal
from ecocanvas.api.service import Service
from ecocanvas.errors import AuthenticationError, PermissionDeniedError

_bearer = HTTPBearer(auto_error=False, description="A workspace key: `Authorization: Bearer eco_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="The same key in a header of its own.")


def get_service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


async def principal(
    service: ServiceDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    header: Annotated[str | None, Depends(_header)],
) -> Principal:
    key = bearer.credentials if bearer is not None else header
    if not key:
        raise AuthenticationError("send a workspace key: Authorization: Bearer <key>")
    who = service.cached_principal(key) or await run_in_threadpool(service.authenticate, key)
    if who is None:
        raise AuthenticationError("the key is unknown or revoked")
    return who


async def writer(who: Annotated[Principal, Depends(principal)]) -> Principal:
    if not who.can_write:
        raise PermissionDeniedError("this key is read-only; changes need a key made without --read-only")
    return who


Reader = Annotated[Principal, Depends(principal)]
Writer = Annotated[Principal, Depends(writer)]
