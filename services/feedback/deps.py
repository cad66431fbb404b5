"""Request dependencies of the feedback service."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.config import FeedbackSettings
from shared.service_app import Runtime
from shared.web import staff_dependency


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


def settings_of(request: Request) -> FeedbackSettings:
    return runtime_of(request).settings  # type: ignore[return-value]


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, then wake the outbox relay."""
    runtime = runtime_of(request)
    async with runtime.sessions() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
    if runtime.relay is not None:
        runtime.relay.notify()


SessionDep = Annotated[AsyncSession, Depends(get_session)]
SettingsDep = Annotated[FeedbackSettings, Depends(settings_of)]
ReviewerDep = staff_dependency(lambda r: runtime_of(r).settings.signing_keys, "reviewer")
