"""An ASGI guard on request bodies: too big is refused (413) before it is parsed.

The declared Content-Length is checked first; a body that lies about its length, or
streams without one, is counted as it arrives and cut off at the limit. A JSON or form
body that is not valid UTF-8 is refused here too, with a Vietnamese message, since the
frameworks underneath would answer in English or silently turn it into U+FFFD.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.request_guard import BodyTooLarge, read_body, replay_body
from shared.text import vn_number

_TEXT_TYPES = ("application/json", "application/x-www-form-urlencoded")


def _refusal(scope: Scope, status: int, message: str) -> Response:
    if str(scope.get("path", "")).startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=status)
    page = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Chưa gửi được ý kiến</title><link rel="stylesheet" href="/static/site.css">'
        f'</head><body><main><h1>Chưa gửi được ý kiến</h1><p class="error">{message}</p>'
        "</main></body></html>"
    )
    return HTMLResponse(page, status_code=status)


class BodyGuard:
    """Refuse request bodies over ``max_bytes`` and text bodies that are not UTF-8."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        *,
        staff_uploads: dict[str, int] | None = None,
        is_staff: Callable[[Scope], bool] | None = None,
    ) -> None:
        """``staff_uploads``: path prefix -> larger limit, for staff only (letter scans);
        who is asking is checked from the headers before a byte of such a body is read."""
        self.app = app
        self.max_bytes = max_bytes
        self.staff_uploads = staff_uploads or {}
        self.is_staff = is_staff

    def _limit_for(self, scope: Scope) -> int | None:
        """The limit for this request, or None when it must be refused unread (401)."""
        path = str(scope.get("path", ""))
        for prefix, limit in self.staff_uploads.items():
            if path.startswith(prefix):
                return limit if self.is_staff and self.is_staff(scope) else None
        return self.max_bytes

    def _too_large(self, limit: int) -> str:
        return (
            f"Nội dung gửi lên quá lớn (tối đa {vn_number(limit // 1024)} KB). "
            "Vui lòng rút gọn ý kiến."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope)
        if limit is None:
            message = "Cần đăng nhập để dùng chức năng này."
            await _refusal(scope, 401, message)(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _refusal(scope, 413, self._too_large(limit))(scope, receive, send)
            return
        try:
            body, tail = await read_body(receive, limit)
        except BodyTooLarge:
            await _refusal(scope, 413, self._too_large(limit))(scope, receive, send)
            return
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type in _TEXT_TYPES:
            try:
                body.decode("utf-8")
            except UnicodeDecodeError:
                message = (
                    "Nội dung gửi lên không phải văn bản UTF-8 hợp lệ. "
                    "Vui lòng gõ lại hoặc dán lại nội dung."
                )
                await _refusal(scope, 422, message)(scope, receive, send)
                return
        await self.app(scope, replay_body(body, tail, receive), send)
