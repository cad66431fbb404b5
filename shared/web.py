"""What every service's FastAPI app has: health, readiness, metrics, errors, security headers."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.auth import InvalidToken, Staff, verify_token

REQUESTS = Counter(
    "gopy_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
LATENCY = Histogram("gopy_http_request_seconds", "HTTP request latency", ["service", "route"])

STATIC_DIR = Path(__file__).parent / "static"

ReadyCheck = Callable[[], Awaitable[dict[str, bool]]]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'self' http: https:"
    ),
}


class DomainError(Exception):
    """A refusal the user must understand: an HTTP status and a Vietnamese message."""

    status_code = 400

    def __init__(self, message: str, *, status_code: int | None = None, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status_code is not None:
            self.status_code = status_code


class NotFound(DomainError):
    status_code = 404


class Forbidden(DomainError):
    status_code = 403


class Unauthorized(DomainError):
    status_code = 401


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
    """Add health, readiness, metrics, error mapping and security headers to a service."""

    @app.middleware("http")
    async def observe(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        REQUESTS.labels(service, request.method, route, str(response.status_code)).inc()
        LATENCY.labels(service, route).observe(time.perf_counter() - started)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    @app.exception_handler(DomainError)
    async def domain_error(_request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse({"detail": exc.message, "field": exc.field}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            {"detail": validation_message(exc), "errors": _plain_errors(exc)}, status_code=422
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok", "service": service}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = await ready()
        return JSONResponse(
            {"ready": all(checks.values()), **checks}, 200 if all(checks.values()) else 503
        )

    @app.get("/metrics", include_in_schema=False)
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


def _plain_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e.get("loc", [])), "type": e.get("type")} for e in exc.errors()]


def bearer_or_cookie(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.cookies.get("gopy_session")


def staff_dependency(keys_of: Callable[[Request], list[str]], role: str) -> Any:
    """A FastAPI dependency that admits staff holding ``role`` and refuses everyone else."""

    async def current_staff(request: Request) -> Staff:
        token = bearer_or_cookie(request)
        if not token:
            raise Unauthorized("Cần đăng nhập để dùng chức năng này.")
        try:
            staff = verify_token(keys_of(request), token)
        except InvalidToken as exc:
            raise Unauthorized("Phiên đăng nhập không hợp lệ hoặc đã hết hạn.") from exc
        if not staff.has(role):
            raise Forbidden("Tài khoản không có quyền thực hiện thao tác này.")
        return staff

    return Annotated[Staff, Depends(current_staff)]
