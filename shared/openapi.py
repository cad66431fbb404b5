"""The refusals each operation really answers, written into the service's OpenAPI document.

Every refusal is the one JSON shape ``shared.web.ErrorBody`` (``{"detail", "field"?,
"errors"?}``), or, outside ``/api/``, a Vietnamese page. Which operations answer which:

- 401 and 403: operations behind a staff check (found in the route's dependencies, so a
  new staff route cannot be left undocumented); 403 also for a cookie call without CSRF;
- 404: operations with a path parameter (an unknown id);
- 503 on every operation and 507 on every write: the database out of reach or full
  (``shared.storage_errors``);
- 413, 429, 503 and any other: declared where they occur, by ``refusals(...)`` on the route,
  by a ``refusals`` attribute on a dependency that may refuse (an upload's size limits),
  or, for a middleware's refusal that no route sees, by ``document_refusal`` on the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, _iter_included_route_candidates

ERROR_BODY_REF = {"$ref": "#/components/schemas/ErrorBody"}
DESCRIPTIONS = {
    401: "Chưa đăng nhập, hoặc phiên đăng nhập không hợp lệ",
    403: "Tài khoản không có quyền, hoặc yêu cầu không đến từ trang của hệ thống",
    404: "Không tìm thấy",
    409: "Không thực hiện được với trạng thái hiện tại (ví dụ: ý kiến đã rút, góp ý đã đóng)",
    413: "Nội dung gửi lên quá lớn",
    422: "Dữ liệu không hợp lệ",
    429: "Quá nhiều yêu cầu; Retry-After (nếu có) cho biết số giây cần chờ",
    503: "Hệ thống đang quá tải hoặc tạm gián đoạn; Retry-After cho biết số giây cần chờ",
    507: "Máy chủ hết chỗ lưu trữ; Retry-After cho biết số giây cần chờ",
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "Số giây nên chờ trước khi gửi lại",
        "schema": {"type": "integer", "minimum": 1},
    }
}
Applies = Callable[[str, str], bool]  # (path, method in capitals) -> whether it may answer


def refusals(*codes: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that may answer these refusals."""
    return {code: {"description": DESCRIPTIONS[code]} for code in codes}


def document_refusal(app: FastAPI, code: int, applies: Applies) -> None:
    """Say that the operations ``applies`` picks may answer ``code`` (a middleware's refusal)."""
    declared: list[tuple[int, Applies]] = getattr(app.state, "documented_refusals", [])
    app.state.documented_refusals = [*declared, (code, applies)]


def _dependencies(dependant: Dependant) -> list[Any]:
    """Every callable a route depends on, however deep."""
    calls, stack = [], [dependant]
    while stack:
        current = stack.pop()
        calls.append(current.call)
        stack.extend(current.dependencies)
    return calls


def _codes_of(app: FastAPI, route: APIRoute, method: str) -> set[int]:
    codes: set[int] = set()
    calls = _dependencies(route.dependant)
    # A staff check (``shared.web.staff_check``) carries its role ("" any staff); a
    # dependency that may refuse on its own says so in ``refusals`` (an upload's 413).
    roles = [str(c.required_role) for c in calls if getattr(c, "required_role", None) is not None]
    for call in calls:
        codes.update(getattr(call, "refusals", ()))
    role = roles[0] if roles else None
    if role is not None:
        codes.add(401)
        if role or method not in ("GET", "HEAD"):
            codes.add(403)
    if "{" in route.path_format:
        codes.add(404)
    for code, applies in getattr(app.state, "documented_refusals", []):
        if applies(route.path_format, method):
            codes.add(code)
    return codes


def _content(path: str) -> dict[str, Any]:
    content: dict[str, Any] = {"application/json": {"schema": ERROR_BODY_REF}}
    if not path.startswith("/api/"):
        content["text/html"] = {"schema": {"type": "string"}}
    return content


def add_refusals(app: FastAPI, schema: dict[str, Any]) -> None:
    """Give every refusal an operation answers its real body (and Retry-After where sent)."""
    paths = schema.get("paths", {})
    # Since FastAPI 0.16x an included router is one opaque entry of ``app.routes``; the
    # effective routes (full paths, all dependencies) are what requests are matched against.
    for route in _iter_included_route_candidates(app.routes):
        if not isinstance(route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = paths.get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            answers = operation.setdefault("responses", {})
            for code in _codes_of(app, route, method):
                answers.setdefault(str(code), {"description": DESCRIPTIONS.get(code, "")})
    for path, item in paths.items():
        for operation in item.values():
            for code, answer in operation.get("responses", {}).items():
                if not code.isdigit() or int(code) < 400:
                    continue
                if int(code) not in DESCRIPTIONS and "content" in answer:
                    continue  # a route's own, particular answer
                answer["content"] = _content(path)
                if int(code) in (429, 503, 507):
                    answer["headers"] = RETRY_AFTER
