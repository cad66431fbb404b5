"""Request dependencies of the feedback service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback.config import FeedbackSettings
from services.feedback.intake import CommentIntake
from shared.deps import get_session, runtime_of
from shared.web import staff_dependency


# Coroutines, not plain functions: FastAPI runs a plain dependency in a worker thread, two
# thread hops per comment for a dictionary look-up (issue 15).
async def settings_of(request: Request) -> FeedbackSettings:
    return runtime_of(request).settings  # type: ignore[return-value]


async def intake_of(request: Request) -> CommentIntake:
    return request.app.state.intake  # type: ignore[no-any-return]


IntakeDep = Annotated[CommentIntake, Depends(intake_of)]
# Committed before the response is sent (FastAPI's default "request" scope commits after it):
# a receipt page must never be shown for a comment whose commit then fails.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[FeedbackSettings, Depends(settings_of)]
ReviewerDep = staff_dependency(lambda r: runtime_of(r).settings.signing_keys, "reviewer")
ClerkDep = staff_dependency(lambda r: runtime_of(r).settings.signing_keys, "clerk")
