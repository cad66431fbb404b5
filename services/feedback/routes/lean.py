"""The two intake routes, answered without FastAPI's per-request machinery when well-formed.

FastAPI spent about half of a comment's CPU time on them (issue 15): reading the body
through a content-type parser, solving dependencies, validating the form's twelve fields
one by one, validating and encoding the response model. A ``lean_route`` keeps the route
exactly as documented (path, OpenAPI description, routing, middleware, exception handlers)
and calls the same endpoint function, but reads a plain, well-formed request itself: the
JSON body validated once by its model, the form read in one pass. Anything else (a body
that does not fit, an unusual content type, a header over its limit) goes to FastAPI's own
handler, so every refusal is the one FastAPI gives, word for word.

``LeanApp`` goes one step further for the two intake routes: a plain request (a declared
Content-Length within the body guard's limit, UTF-8 text) is answered before the middleware
stack, by the common middleware's metrics and headers around the lean handler, with the
app's own exception handlers. Each await and each answer otherwise passed through about
fifteen nested ASGI layers (issue 15). Everything else takes the full stack.
"""

from __future__ import annotations

import copy
import inspect
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.responses import PlainTextResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from shared.request_guard import BodyTooLarge, read_body, replay_body
from shared.web import RequestMetrics, SecuredSend

Lean = Callable[[Request], Awaitable[Response | None]]
# Starlette's form parser (python-multipart) reads at most this many fields.
_MAX_FORM_FIELDS = 1000


def lean_route(lean_handler: Lean) -> type[APIRoute]:
    """A route class answering through ``lean`` first; ``None`` from it means "not plain"."""

    class LeanRoute(APIRoute):
        lean = staticmethod(lean_handler)

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            documented = super().get_route_handler()

            async def handler(request: Request) -> Response:
                response = await lean_handler(request)
                return response if response is not None else await documented(request)

            return handler

    return LeanRoute


class LeanApp(FastAPI):
    """FastAPI, with some POST routes answered ahead of the middleware stack when plain."""

    def __init__(self, *, service: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._metrics = RequestMetrics(service)
        self._ahead: dict[str, tuple[APIRoute, Lean, int]] = {}

    def answer_ahead(self, router: APIRouter, path: str, max_body: int) -> None:
        """Answer plain POSTs to ``router``'s ``path`` (a ``lean_route``) ahead of the stack;
        ``max_body``: the body guard's limit, larger bodies take the stack (413).

        Only for a path on which the app's middleware does nothing beyond what is done
        here (metrics, security headers, the body's size and UTF-8): a middleware added
        later that acts on such a request must be applied here too, or the path dropped."""
        route = _route(router, path, "POST")
        lean: Lean = route.lean  # type: ignore[attr-defined]
        self._ahead[route.path] = (route, lean, max_body)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" and not self.root_path:
            ahead = self._ahead.get(scope["path"])
            if ahead is not None and not scope.get("root_path"):
                await self._answer_ahead(*ahead, scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    async def _answer_ahead(
        self, route: APIRoute, lean: Lean, max_body: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        declared = _header(scope, b"content-length")
        if not declared.isdigit() or int(declared) > max_body:  # the body guard answers
            await super().__call__(scope, receive, send)
            return
        started = time.perf_counter()
        try:
            body, tail = await read_body(receive, max_body)
        except BodyTooLarge:  # pragma: no cover - the HTTP parser holds a body to its length
            body, tail = b"", None
        if tail is not None or len(body) != int(declared) or not _utf8(body):
            await super().__call__(scope, replay_body(body, tail, receive), send)
            return
        scope["app"], scope["router"], scope["route"] = self, self.router, route
        scope["endpoint"], scope["path_params"] = route.endpoint, {}
        request = Request(scope, replay_body(body, None, receive))
        secured = SecuredSend(scope, send)
        try:
            try:
                response = await lean(request)
            except Exception as exc:
                handler = self._handler_for(exc)
                if handler is None:
                    await self._server_error(request, exc, secured)
                    raise
                response = handler(request, exc)
                if inspect.isawaitable(response):
                    response = await response
            if response is not None:
                await response(scope, request.receive, secured)
        except BaseException:
            self._metrics.record(scope, secured.status, time.perf_counter() - started)
            raise
        if response is None:  # not plain after all: the whole stack (and its metrics), anew
            await super().__call__(scope, replay_body(body, None, receive), send)
            return
        self._metrics.record(scope, secured.status, time.perf_counter() - started)

    def _handler_for(self, exc: Exception) -> Callable[..., Any] | None:
        """The handler Starlette's ExceptionMiddleware would choose (not the 500 one)."""
        handlers = self.exception_handlers
        if isinstance(exc, HTTPException) and exc.status_code in handlers:
            return handlers[exc.status_code]
        for cls in type(exc).__mro__:
            if cls is not Exception and cls in handlers:
                return handlers[cls]
        return None

    async def _server_error(self, request: Request, exc: Exception, send: SecuredSend) -> None:
        """What Starlette's ServerErrorMiddleware answers; the caller raises on, to be logged."""
        if send.started:  # too late for another answer
            return
        handler = self.exception_handlers.get(500) or self.exception_handlers.get(Exception)
        if handler is None:
            response: Any = PlainTextResponse("Internal Server Error", status_code=500)
        else:
            response = handler(request, exc)
            if inspect.isawaitable(response):
                response = await response
        await response(request.scope, request.receive, send)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _route(router: APIRouter, path: str, method: str) -> APIRoute:
    return next(
        r
        for r in router.routes
        if isinstance(r, APIRoute) and r.path == path and method in (r.methods or ())
    )


def put_first(app: FastAPI, router: APIRouter, path: str, method: str) -> None:
    """Let ``app`` try ``router``'s route for ``path`` before any other.

    FastAPI looks for a route through each included router in turn, matching each route
    twice (issue 15). The copy shares the route's handler; it stays out of the OpenAPI
    document, which describes the route where it was included."""
    ahead = copy.copy(_route(router, path, method))
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
