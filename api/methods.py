"""Which methods a path allows: the `Allow` header of a 405, and the answer to `OPTIONS`.

Starlette's 405 names only the methods of the first route whose path matched (so `/v1/documents`
said `Allow: POST` although GET works too), and nothing answered OPTIONS.
"""

from __future__ import annotations

from fastapi import Request, Response
from starlette.routing import Match, Mount
from starlette.types import ASGIApp, Receive, Scope, Send

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at this path (OPTIONS too once any does).

    Each method is tried against the router's own matching, so routes of included routers count;
    mounted apps (the static files) are left out: they take any method.
    """
    routes = [route for route in request.app.router.routes if not isinstance(route, Mount)]
    allowed = [
        method
        for method in _METHODS
        if any(route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes)
    ]
    return [*allowed, "OPTIONS"] if allowed else []


class AnswerOptions:
    """OPTIONS on a served path: 204 with `Allow` (no key needed: it tells nothing a 405 would not).
    A middleware, because a catch-all OPTIONS route would turn every unknown path into a 405."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        allowed = allowed_methods(Request(scope, receive))
        if not allowed:  # the router answers: 404, as for any method
            await self.app(scope, receive, send)
            return
        await Response(status_code=204, headers={"Allow": ", ".join(allowed)})(scope, receive, send)
