"""The two intake routes, answered without FastAPI's per-request machinery when well-formed.

FastAPI spent about half of a comment's CPU time on them (issue 15): reading the body
through a content-type parser, solving dependencies, validating the form's twelve fields
one by one, validating and encoding the response model. A ``lean_route`` keeps the route
exactly as documented (path, OpenAPI description, routing, middleware, exception handlers)
and calls the same endpoint function, but reads a plain, well-formed request itself: the
JSON body validated once by its model, the form read in one pass. Anything else (a body
that does not fit, an unusual content type, a header over its limit) goes to FastAPI's own
handler, so every refusal is the one FastAPI gives, word for word.
"""

from __future__ import annotations

import copy
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.routing import APIRoute

Lean = Callable[[Request], Awaitable[Response | None]]
# Starlette's form parser (python-multipart) reads at most this many fields.
_MAX_FORM_FIELDS = 1000


def lean_route(lean: Lean) -> type[APIRoute]:
    """A route class answering through ``lean`` first; ``None`` from it means "not plain"."""

    class LeanRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            documented = super().get_route_handler()

            async def handler(request: Request) -> Response:
                response = await lean(request)
                return response if response is not None else await documented(request)

            return handler

    return LeanRoute


def put_first(app: FastAPI, router: APIRouter, path: str, method: str) -> None:
    """Let ``app`` try ``router``'s route for ``path`` before any other.

    FastAPI looks for a route through each included router in turn, matching each route
    twice (issue 15). The copy shares the route's handler; it stays out of the OpenAPI
    document, which describes the route where it was included."""
    route = next(
        r
        for r in router.routes
        if isinstance(r, APIRoute) and r.path == path and method in (r.methods or ())
    )
    ahead = copy.copy(route)
    ahead.include_in_schema = False
    app.router.routes.insert(0, ahead)


def media_type(request: Request) -> str:
    """The Content-Type without its parameters, lower case ("" when there is none)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def plain_form(request: Request, fields: tuple[str, ...]) -> dict[str, str] | None:
    """A URL-encoded body's ``fields`` ("" when absent, the last one when repeated), as
    Starlette's parser reads them; ``None`` for anything it might read differently."""
    if media_type(request) != "application/x-www-form-urlencoded":
        return None
    body = await request.body()
    # python-multipart also splits on ";" (browsers always encode it as %3B) and stops at
    # 1,000 fields: such bodies are left to it.
    if b";" in body or body.count(b"&") >= _MAX_FORM_FIELDS:
        return None
    # Starlette: each name and value is latin-1 text, then unquote_plus (UTF-8, replace);
    # parse_qsl does the same per field. The body guard already refused non-UTF-8 bodies.
    sent = dict(parse_qsl(body.decode("latin-1"), keep_blank_values=True))
    return {name: sent.get(name, "") for name in fields}
