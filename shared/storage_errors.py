"""The database out of reach (restarting, a full disk, a read-only file): every service answers
503 or 507 with a Vietnamese message and ``Retry-After``, never a 500.

``storage_failure`` tells such a failure from a defect (a constraint, a bad query), which
still answers 500: only what waiting can cure is mapped.

PostgreSQL engines ping on checkout, so the services recover alone once the server is back;
so does SQLite once a full disk has space again. A SQLite file that was read-only when the
process opened it stays read-only for that process even after it becomes writable: SQLite
shares one file handle and one shared-memory map per file among all of a process's
connections, and keeps them while any connection is open (tests/faults/test_storage.py).
The service must then be restarted; until then it answers 503 and says why.
"""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from html import escape

from fastapi import FastAPI, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse
from sqlalchemy import exc as sa_exc

from shared.openapi import document_refusal
from shared.security import wants_html

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
NOT_DONE = (
    "Yêu cầu của bạn chưa được thực hiện; nếu bạn vừa gửi ý kiến, ý kiến đó chưa được ghi "
    "nhận. Vui lòng gửi lại sau ít phút."
)
UNREACHABLE = "Hệ thống đang tạm gián đoạn: không kết nối được cơ sở dữ liệu. " + NOT_DONE
READ_ONLY = "Hệ thống đang tạm gián đoạn: cơ sở dữ liệu đang ở chế độ chỉ đọc. " + NOT_DONE
FULL = "Máy chủ đã hết chỗ lưu trữ nên không lưu được dữ liệu. " + NOT_DONE

# SQLite primary result codes (https://sqlite.org/rescode.html) that waiting can cure.
SQLITE_FULL = 13
SQLITE_READONLY = 8
SQLITE_BUSY = {5, 6}  # BUSY, LOCKED
SQLITE_BROKEN = {10, 14}  # IOERR, CANTOPEN
# PostgreSQL SQLSTATE (asyncpg gives its own "connection lost" 08003 too): 53100 disk_full;
# classes 08 (connection), 57P (shutting down, cannot connect now), 53 (resources).
PG_FULL = "53100"
PG_TRANSIENT_PREFIXES = ("08", "57P", "53")


@dataclass(frozen=True)
class StorageFailure:
    """What the user is told: 503 (try again soon) or 507 (no space), and why."""

    status_code: int
    message: str
    reason: str


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception, the driver's error it wraps, and what caused those."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and not any(current is s for s in seen):
        seen.append(current)
        wrapped = getattr(current, "orig", None)
        current = wrapped if isinstance(wrapped, BaseException) else current.__cause__
    return seen


def storage_failure(exc: BaseException, _depth: int = 0) -> StorageFailure | None:
    """The failure to report when ``exc`` means the database is out of reach, else None.

    The driver's own error decides first (a full disk is a full disk, even when SQLAlchemy
    also marked the connection invalidated), the generic signs when it says nothing, and
    only then the error this one was raised while handling (a refusal rolled back before
    the retry met a dead server must not make the outage a defect, nor the reverse)."""
    causes = _causes(exc)
    for error in causes:
        found = _driver_failure(error)
        if found is not None:
            return found if found.status_code else None
    for error in causes:
        # refused, reset, a pool or connect timeout; any OSError under a driver's error
        if isinstance(error, ConnectionError | sa_exc.TimeoutError) or (
            error is not exc and isinstance(error, OSError)
        ):
            return StorageFailure(503, UNREACHABLE, type(error).__name__)
        if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
            return StorageFailure(503, UNREACHABLE, "connection invalidated")
    context = exc.__context__
    if context is None or _depth > 5 or any(context is c for c in causes):
        return None
    return storage_failure(context, _depth + 1)


NOT_AN_OUTAGE = StorageFailure(0, "", "the driver names another error")


def _driver_failure(error: BaseException) -> StorageFailure | None:
    """What SQLite's result code or PostgreSQL's SQLSTATE says; ``NOT_AN_OUTAGE`` when the
    driver names an error waiting cannot cure; None when this is not a driver's error."""
    if isinstance(error, sqlite3.Error):
        code = getattr(error, "sqlite_errorcode", 0) & 0xFF
        name = getattr(error, "sqlite_errorname", "?")
        if code == SQLITE_FULL:
            return StorageFailure(507, FULL, name)
        if code == SQLITE_READONLY:
            return StorageFailure(503, READ_ONLY, name)
        if code in SQLITE_BUSY:
            return StorageFailure(503, UNREACHABLE, name)
        if code in SQLITE_BROKEN:
            return StorageFailure(503, UNREACHABLE, name)
        return NOT_AN_OUTAGE
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate:
        if sqlstate == PG_FULL:
            return StorageFailure(507, FULL, "postgresql disk full")
        if sqlstate.startswith(PG_TRANSIENT_PREFIXES):
            return StorageFailure(503, UNREACHABLE, f"postgresql {sqlstate}")
        return NOT_AN_OUTAGE
    return None


def unavailable_page(failure: StorageFailure) -> HTMLResponse:
    """A small Vietnamese page that says what happened and that nothing was stored."""
    title = "Hết chỗ lưu trữ" if failure.status_code == 507 else "Hệ thống tạm gián đoạn"
    body = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{title}</title><link rel="stylesheet" href="/static/site.css">'
        f"</head><body><main><h1>{title}</h1><p>{escape(failure.message)}</p>"
        '<p><a href="/">Về trang chính</a></p></main></body></html>'
    )
    return HTMLResponse(body, status_code=failure.status_code)


def storage_failure_response(request: Request, failure: StorageFailure) -> Response:
    """The page (a browser) or JSON body (the API) with ``Retry-After``."""
    response: Response
    if wants_html(request):
        response = unavailable_page(failure)
    else:
        response = JSONResponse({"detail": failure.message, "field": ""}, failure.status_code)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def install_storage_errors(app: FastAPI) -> None:
    """Map a database out of reach to 503/507 on every route; any other error stays a 500."""

    async def handler(request: Request, exc: Exception) -> Response:
        failure = storage_failure(exc)
        if failure is None:
            raise exc
        log.warning(
            "database unavailable (%s): %s %s answered %d",
            failure.reason,
            request.method,
            request.url.path,
            failure.status_code,
        )
        return storage_failure_response(request, failure)

    # any operation may meet its database away; only one that writes, a full disk
    document_refusal(app, 503, lambda _path, _method: True)
    document_refusal(app, 507, lambda _path, method: method in ("POST", "PUT", "PATCH", "DELETE"))
    for kind in (sa_exc.DBAPIError, sa_exc.TimeoutError, sqlite3.Error, ConnectionError):
        app.add_exception_handler(kind, handler)
    try:
        import asyncpg
    except ImportError:  # pragma: no cover - asyncpg is in requirements.lock
        return
    for kind in (asyncpg.PostgresError, asyncpg.InterfaceError):
        app.add_exception_handler(kind, handler)
