"""Waiting, with a deadline, until a service says it can serve its users (``GET /readyz``)."""

from __future__ import annotations

import time
from collections.abc import Callable

import httpx


class NotReady(RuntimeError):
    """A service did not become ready in time, or its process ended first."""


def wait_ready(
    url: str, timeout: float = 120.0, alive: Callable[[], bool] = lambda: True
) -> dict[str, bool]:
    """Poll ``url``/readyz until it answers 200; return its checks. Never a fixed sleep."""
    deadline = time.monotonic() + timeout
    last: object = "no answer"
    while time.monotonic() < deadline:
        if not alive():
            raise NotReady(f"{url} stopped before it was ready (last: {last})")
        try:
            response = httpx.get(f"{url}/readyz", timeout=2)
            last = response.json()
            if response.status_code == 200:
                return response.json()  # type: ignore[no-any-return]
        except (httpx.HTTPError, ValueError) as exc:
            last = exc
        time.sleep(0.1)
    raise NotReady(f"{url} was not ready within {timeout:.0f}s (last: {last})")
