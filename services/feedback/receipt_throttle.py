"""Throttle receipt-code look-ups and withdrawals, per client address and overall.

A receipt code is the commenter's proof of authorship; guessing codes must be slow. An
ASGI middleware counts every attempt (a page look-up with a code, a withdrawal, the JSON
equivalents) in a sliding one-minute window, per address (by the shared client-address
rule) and for the whole instance, and answers 429 with Retry-After past either limit.
Counts are kept per instance, in memory: a few instances multiply the global limit, not
the per-address one an attacker can reach from one address.
"""

from __future__ import annotations

import math
import re
import time
from collections import deque

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from shared.client_address import client_address

WINDOW_SECONDS = 60.0
_API = re.compile(r"/api/receipts/[^/]+(/withdraw)?")
MESSAGE = "Bạn đã tra cứu mã biên nhận quá nhiều lần. Vui lòng thử lại sau {seconds} giây."
_MAX_TRACKED_ADDRESSES = 100_000


def is_receipt_attempt(scope: Scope) -> bool:
    """A look-up that names a code, or a withdrawal: what guessing a code takes."""
    path, method = str(scope.get("path", "")), scope.get("method", "")
    if _API.fullmatch(path):
        return True
    if path == "/receipt/withdraw" and method == "POST":
        return True
    return path == "/receipt" and method == "GET" and b"code=" in scope.get("query_string", b"")


class SlidingWindow:
    """Times of recent attempts, per key; ``retry_after`` says how long until one more fits."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._hits: dict[str, deque[float]] = {}

    def retry_after(self, key: str, now: float) -> float:
        hits = self._hits.get(key)
        if hits is None:
            return 0.0
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        if len(hits) < self.limit:
            return 0.0
        return hits[0] + self.window - now

    def add(self, key: str, now: float) -> None:
        if len(self._hits) > _MAX_TRACKED_ADDRESSES:
            self._forget_idle(now)
        self._hits.setdefault(key, deque()).append(now)

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, h in self._hits.items() if not h or h[-1] <= now - self.window]:
            del self._hits[key]


class ReceiptThrottle:
    """429 with Retry-After once an address, or everyone together, tries too many codes."""

    def __init__(
        self, app: ASGIApp, per_address: int, overall: int, trusted_proxies: str = ""
    ) -> None:
        self.app = app
        self.per_address = SlidingWindow(per_address)
        self.overall = SlidingWindow(overall)
        self.trusted_proxies = trusted_proxies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_receipt_attempt(scope):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        address = client_address(request, self.trusted_proxies)
        now = time.monotonic()
        wait = max(self.per_address.retry_after(address, now), self.overall.retry_after("*", now))
        if wait > 0:
            await _refusal(request, math.ceil(wait))(scope, receive, send)
            return
        self.per_address.add(address, now)
        self.overall.add("*", now)
        await self.app(scope, receive, send)


def _refusal(request: Request, seconds: int) -> Response:
    message = MESSAGE.format(seconds=seconds)
    headers = {"Retry-After": str(seconds)}
    if request.url.path.startswith("/api/"):
        return JSONResponse({"detail": message}, status_code=429, headers=headers)
    page = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<title>Vui lòng thử lại sau</title><link rel="stylesheet" href="/static/site.css">'
        f'</head><body><main><h1>Vui lòng thử lại sau</h1><p class="error">{message}</p>'
        "</main></body></html>"
    )
    return HTMLResponse(page, status_code=429, headers=headers)
