"""Caps on request bodies by route, and identity checked before a staff body is read.

An ASGI middleware, so that nothing (FastAPI's form parser spooling a multipart upload
to disk, the JSON decoder) touches a body before it is known to be small enough and,
on a staff route, sent by someone signed in. A declared Content-Length over the cap is
refused at once; a body that streams without one is counted and cut off at the cap.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.security import UNSAFE_METHODS, login_url, wants_html
from shared.text import vn_number
from shared.web import authenticate

KB = 1024
MB = 1024 * KB


@dataclass(frozen=True)
class BodyRule:
    """Bodies sent to paths matching ``pattern`` may be ``max_bytes`` long; ``staff``
    routes are refused (401) before their body is read when no valid session or token
    comes with them."""

    pattern: str
    max_bytes: int
    staff: bool = True

    def matches(self, path: str) -> bool:
        return re.fullmatch(self.pattern, path) is not None


class BodyTooLarge(Exception):
    """The body went past the route's cap while it was being read."""


def too_large_message(max_bytes: int) -> str:
    size = f"{vn_number(max_bytes // MB)} MB" if max_bytes >= MB else f"{max_bytes // KB} KB"
    return f"Nội dung gửi lên quá lớn (tối đa {size})."


def _refusal(request: Request, status: int, message: str) -> Response:
    if wants_html(request):
        page = (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Không thực hiện được</title><link rel="stylesheet" href="/static/site.css">'
            f"</head><body><main><h1>Không thực hiện được</h1><p>{message}</p>"
            '<p><a href="/">Về trang chính</a></p></main></body></html>'
        )
        return HTMLResponse(page, status_code=status)
    return JSONResponse({"detail": message}, status_code=status)


class RequestGuard:
    """Per route: who may send a body (staff first) and how large it may be (413)."""

    def __init__(self, app: ASGIApp, rules: Sequence[BodyRule], default: BodyRule) -> None:
        self.app = app
        self.rules = tuple(rules)
        self.default = default

    def rule_for(self, scope: Scope) -> BodyRule:
        path = str(scope.get("path", ""))
        for rule in self.rules:
            if rule.matches(path):
                return rule
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in UNSAFE_METHODS:
            await self.app(scope, receive, send)
            return
        rule = self.rule_for(scope)
        request = Request(scope)
        if rule.staff and not _signed_in(request):
            await _unauthenticated(request)(scope, receive, send)
            return
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > rule.max_bytes:
            await _refusal(request, 413, too_large_message(rule.max_bytes))(scope, receive, send)
            return
        try:
            body, tail = await read_body(receive, rule.max_bytes)
        except BodyTooLarge:
            await _refusal(request, 413, too_large_message(rule.max_bytes))(scope, receive, send)
            return
        await self.app(scope, replay_body(body, tail, receive), send)


def _signed_in(request: Request) -> bool:
    runtime = getattr(request.app.state, "runtime", None)
    if runtime is None:
        return False
    return authenticate(request, runtime.settings.signing_keys) is not None


def _unauthenticated(request: Request) -> Response:
    if wants_html(request):
        return RedirectResponse(login_url(request), status_code=303)
    return _refusal(request, 401, "Cần đăng nhập để dùng chức năng này.")


async def read_body(receive: Receive, max_bytes: int) -> tuple[bytes, Message | None]:
    """The whole body, refused (``BodyTooLarge``) as soon as it passes ``max_bytes``."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), message  # the client went away mid-body
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > max_bytes:
            raise BodyTooLarge()
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), None


def replay_body(body: bytes, tail: Message | None, receive: Receive) -> Receive:
    """Hand the buffered body to the app once, then whatever the client sends next."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if tail is not None:
                return tail
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
