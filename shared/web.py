"""What every service's FastAPI app has: health, readiness, metrics, errors, security headers."""

from __future__ import annotations

import hmac
import time
from collections.abc import Awaitable, Callable
from html import escape
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.auth import SESSION_COOKIE, InvalidToken, Staff, verify_token
from shared.client_address import is_loopback
from shared.config import ServiceSettings
from shared.openapi import add_refusals
from shared.security import (
    CSRF_HEADER,
    CSRF_MESSAGE,
    UNSAFE_METHODS,
    CsrfRejected,
    check_origin,
    csrf_valid,
    login_url,
    set_csrf_cookie_if_new,
    wants_html,
)
from shared.storage_errors import install_storage_errors

REQUESTS = Counter(
    "gopy_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
LATENCY = Histogram("gopy_http_request_seconds", "HTTP request latency", ["service", "route"])

STATIC_DIR = Path(__file__).parent / "static"
FAVICON = STATIC_DIR / "favicon.svg"
FAVICON_CACHE = {"Cache-Control": "public, max-age=604800"}

# FastAPI asks OpenTelemetry on every request whether a global provider has been set (three
# environment look-ups, ~3 % of a comment's CPU, issue 15). Our metrics are Prometheus
# (/metrics) and no OpenTelemetry SDK is installed, so FastAPI's own spans, metrics and logs
# are turned off in every service.
NO_OPENTELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}

ReadyCheck = Callable[[], Awaitable[dict[str, bool]]]
# The checks that decide /readyz's status; any other check it reports is information.
READY_GATES = ("database", "caught_up", "published")

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self' http: https:"
    ),
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"
_MAX_METRIC_CHILDREN = 1000
# The same, as ASGI raw headers, for the common middleware's fast path.
_SECURITY_PAIRS = [
    (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in SECURITY_HEADERS.items()
]
_HSTS = (b"strict-transport-security", HSTS.encode("latin-1"))


class DomainError(Exception):
    """A refusal the user must understand: an HTTP status and a Vietnamese message."""

    status_code = 400

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        field: str = "",
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        # Seconds until trying again may succeed (429, 503): sent as Retry-After.
        self.retry_after = retry_after
        if status_code is not None:
            self.status_code = status_code

    @property
    def headers(self) -> dict[str, str]:
        return {} if self.retry_after is None else {"Retry-After": str(self.retry_after)}


class NotFound(DomainError):
    status_code = 404


T = TypeVar("T")


def found(value: T | None, message: str) -> T:
    """``value``, or a 404 saying ``message`` when there is none ("get or 404")."""
    if value is None:
        raise NotFound(message)
    return value


class Forbidden(DomainError):
    status_code = 403


class Unauthorized(DomainError):
    status_code = 401


class FieldError(BaseModel):
    """One field pydantic refused: where it is in the request and what kind of error."""

    loc: list[str | int]
    type: str | None = None


class ErrorBody(BaseModel):
    """What every refusal carries: a Vietnamese message, the field at fault (a refusal of the
    service) or the list of malformed fields (a request that does not fit its schema)."""

    detail: str
    field: str | None = None
    errors: list[FieldError] | None = None


# The 422 every route may answer, as it really is; FastAPI would document its own list.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "Dữ liệu không hợp lệ"},
}


def document_errors(app: FastAPI) -> None:
    """Make the OpenAPI document say what each refusal really is (``shared.openapi``): the
    JSON ``ErrorBody`` (a malformed path or query on a page too), or, outside ``/api/``, a
    page (the form posted from it, with the errors marked), for 422 on every operation and
    401, 403, 404, 413, 429 and 503 where they occur."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = generate()
        add_refusals(app, schema)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def validation_message(exc: RequestValidationError) -> str:
    """A readable Vietnamese summary of pydantic's errors, naming the fields at fault."""
    fields = sorted({str(err["loc"][-1]) for err in exc.errors() if err.get("loc")})
    return (
        "Dữ liệu không hợp lệ ở trường: " + ", ".join(fields) if fields else "Dữ liệu không hợp lệ."
    )


async def database_ready(engine: AsyncEngine) -> bool:
    try:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False


def install_common(app: FastAPI, service: str, ready: ReadyCheck) -> None:
    """Add health, readiness, metrics, error mapping and security headers to a service.

    Call it before including routers: the documented error answers apply to routes added
    after it."""
    app.router.responses.update(ERROR_RESPONSES)
    document_errors(app)

    app.add_middleware(CommonMiddleware, service=service)

    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> Response:
        if exc.status_code in (401, 403, 404) and wants_html(request):
            return refusal_page(exc.message, exc.status_code)
        return JSONResponse(
            {"detail": exc.message, "field": exc.field}, exc.status_code, headers=exc.headers
        )

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, exc: CsrfRejected) -> Response:
        if wants_html(request):
            return refusal_page(str(exc), 403)
        return JSONResponse({"detail": str(exc), "field": "csrf_token"}, 403)

    @app.exception_handler(LoginRequired)
    async def login_required(_request: Request, exc: LoginRequired) -> Response:
        return RedirectResponse(exc.location, status_code=303)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"detail": validation_message(exc), "errors": plain_errors(exc)}, status_code=422
        )

    install_storage_errors(app)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> FileResponse:
        """Browsers ask for it on every first visit; an answer spares a 404 in every log."""
        return FileResponse(FAVICON, media_type="image/svg+xml", headers=FAVICON_CACHE)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        """200 once the service can serve its users (``READY_GATES``); /healthz is liveness."""
        checks = await ready()
        is_ready = all(checks.get(gate, True) for gate in READY_GATES)
        return JSONResponse({"ready": is_ready, **checks}, 200 if is_ready else 503)

    whoami_check = staff_check(lambda r: r.app.state.runtime.settings.signing_keys, "")

    @app.get("/api/staff/me")
    async def whoami(staff: Staff = Depends(whoami_check)) -> dict[str, Any]:
        """Who a token or session belongs to, on any service: lets a script check its token."""
        return {"subject": staff.subject, "name": staff.name, "roles": sorted(staff.roles)}

    @app.get("/metrics", include_in_schema=False)
    async def metrics(request: Request) -> Response:
        """For the monitoring on this host (loopback) or holding METRICS_TOKEN; 404 otherwise,
        so the public origin does not even tell it exists."""
        if not metrics_allowed(request):
            return JSONResponse({"detail": "Không tìm thấy."}, status_code=404)
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


class RequestMetrics:
    """The request counter and latency histogram of one service, children cached.

    Each (method, route, status)'s metric children are looked up once rather than through
    ``labels()`` (validation and a lock) on every request (issue 15)."""

    def __init__(self, service: str) -> None:
        self.service = service
        self._children: dict[tuple[str, str, int], tuple[Any, Any]] = {}

    def record(self, scope: Scope, status: int, seconds: float) -> None:
        route = getattr(scope.get("route"), "path", "unmatched")
        key = (scope["method"], route, status)
        children = self._children.get(key)
        if children is None:
            children = (
                REQUESTS.labels(self.service, key[0], route, str(status)),
                LATENCY.labels(self.service, route),
            )
            if len(self._children) < _MAX_METRIC_CHILDREN:  # odd methods: not kept
                self._children[key] = children
        children[0].inc()
        children[1].observe(seconds)


class SecuredSend:
    """``send`` with the security headers added to the answer; remembers its status."""

    __slots__ = ("scope", "send", "started", "status")

    def __init__(self, scope: Scope, send: Send) -> None:
        self.scope = scope
        self.send = send
        self.started = False
        self.status = 500

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = message["status"]
            headers = list(message.get("headers", []))
            message["headers"] = headers
            scope = self.scope
            state = scope.get("state") or {}
            if state.get("staff") is not None or state.get("new_csrf_cookie"):
                # A shell over the same header list, so the shared helpers edit it in place.
                response = Response(status_code=self.status)
                response.raw_headers = headers
                add_security_headers(Request(scope), response)
            else:  # the anonymous answer (every comment): no Request, no Response built
                present = {name.lower() for name, _value in headers}
                headers.extend(pair for pair in _SECURITY_PAIRS if pair[0] not in present)
                if scope.get("scheme") == "https" and _HSTS[0] not in present:
                    headers.append(_HSTS)
        await self.send(message)


class CommonMiddleware:
    """Metrics and the headers every answer carries, as plain ASGI.

    Not ``BaseHTTPMiddleware`` (``@app.middleware("http")``): its task group and the
    re-streaming of every body cost more than the rest of a small request (issue 15).
    """

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.metrics = RequestMetrics(service)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        secured = SecuredSend(scope, send)
        try:
            await self.app(scope, receive, secured)
        finally:
            self.metrics.record(scope, secured.status, time.perf_counter() - started)


def api_docs(settings: ServiceSettings) -> dict[str, Any]:
    """FastAPI's /docs, /redoc and /openapi.json only when GOPY_API_DOCS asks for them."""
    if settings.api_docs:
        return {}
    return {"docs_url": None, "redoc_url": None, "openapi_url": None}


def metrics_allowed(request: Request) -> bool:
    """Metrics are read on loopback (the peer itself, never a forwarded header) or with the
    configured token; behind the public proxy the peer is the proxy, so a token is needed."""
    settings = request.app.state.runtime.settings
    token = str(getattr(settings, "metrics_token", "") or "")
    if token:
        offered = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        return hmac.compare_digest(offered.encode(), token.encode())
    trusted = str(getattr(settings, "trusted_proxies", "") or "")
    return is_loopback(request) and not (trusted and request.headers.get("x-forwarded-for"))


def add_security_headers(request: Request, response: Response) -> None:
    """Headers every page of every service carries; staff answers are never cached."""
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if request.url.scheme == "https":
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if getattr(request.state, "staff", None) is not None:
        response.headers["Cache-Control"] = "no-store"
    set_csrf_cookie_if_new(request, response)


def refusal_page(message: str, status_code: int) -> HTMLResponse:
    """A minimal Vietnamese page for a browser that may not see what it asked for."""
    body = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Không thực hiện được</title><link rel="stylesheet" href="/static/site.css">'
        f"</head><body><main><h1>Không thực hiện được</h1><p>{escape(message)}</p>"
        '<p><a href="/">Về trang chính</a></p></main></body></html>'
    )
    return HTMLResponse(body, status_code=status_code)


def plain_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Where and what, without the input itself (which may be personal data)."""
    return [{"loc": list(e.get("loc", [])), "type": e.get("type")} for e in exc.errors()]


class LoginRequired(Exception):
    """A browser without a valid session: send it to the sign-in page."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def bearer_or_cookie(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get(SESSION_COOKIE)


def authenticate(request: Request, keys: list[str]) -> Staff | None:
    """The signed-in staff member, or None when there is no valid, unrevoked token."""
    token = bearer_or_cookie(request)
    if not token:
        return None
    try:
        staff = verify_token(keys, token)
    except InvalidToken:
        return None
    revocations = getattr(getattr(request.app.state, "runtime", None), "revocations", None)
    if revocations is not None and revocations.is_revoked(staff):
        return None
    return staff


def require_csrf_for_cookie_calls(request: Request) -> None:
    """A state-changing call that a cookie authenticates must come from our own pages.

    A bearer token is never sent by a browser on its own, so it needs nothing more. A
    cookie is: the call must come from one of our origins and, on the JSON API, carry
    the CSRF token of the session in ``X-CSRF-Token`` (staff forms carry it in a field,
    checked by ``CsrfProtected``).
    """
    if request.method not in UNSAFE_METHODS:
        return
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return
    check_origin(request)
    if request.url.path.startswith("/api/") and not csrf_valid(
        request, request.headers.get(CSRF_HEADER, "")
    ):
        raise CsrfRejected(CSRF_MESSAGE)


def staff_check(
    keys_of: Callable[[Request], list[str]], role: str
) -> Callable[[Request], Awaitable[Staff]]:
    """The dependency function behind ``staff_dependency``, for dependencies that build on it."""

    async def current_staff(request: Request) -> Staff:
        staff = authenticate(request, keys_of(request))
        if staff is None:
            if wants_html(request):
                raise LoginRequired(login_url(request))
            if bearer_or_cookie(request):
                raise Unauthorized("Phiên đăng nhập không hợp lệ hoặc đã hết hạn.")
            raise Unauthorized("Cần đăng nhập để dùng chức năng này.")
        if role and not staff.has(role):
            raise Forbidden("Tài khoản không có quyền thực hiện thao tác này.")
        require_csrf_for_cookie_calls(request)
        request.state.staff = staff
        return staff

    current_staff.required_role = role  # type: ignore[attr-defined]
    return current_staff


def staff_dependency(keys_of: Callable[[Request], list[str]], role: str) -> Any:
    """A FastAPI dependency that admits staff holding ``role`` ("" = any) and refuses the rest.

    Browsers asking for a page are sent to the sign-in page; scripts get 401 or 403.
    """
    return Annotated[Staff, Depends(staff_check(keys_of, role))]
