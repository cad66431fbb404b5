"""Request dependencies every service shares: its runtime and a unit of work per request."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import unit_of_work
from shared.service_app import Runtime


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, then wake the outbox relay.

    Use it with ``Depends(get_session, scope="function")``: FastAPI's default runs the code
    after ``yield`` once the response is already sent, so a client (a citizen holding a
    receipt, a script that imports then opens a draft) could act before the commit.
    """
    runtime = runtime_of(request)
    async with unit_of_work(runtime.sessions) as session:
        yield session
    if runtime.relay is not None:
        runtime.relay.notify()
