"""Request dependencies of the aggregator service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.aggregator.accounts.access import may_review
from services.aggregator.config import AggregatorSettings
from shared.auth import Staff
from shared.deps import get_session, runtime_of
from shared.web import Forbidden, staff_check, staff_dependency


def settings_of(request: Request) -> AggregatorSettings:
    return runtime_of(request).settings  # type: ignore[return-value]


def sessions_of(session: AsyncSession) -> async_sessionmaker[AsyncSession]:
    """A factory on the request's engine, for work that outlives the request's session
    (a streamed export reads its pages after the handler has returned)."""
    return async_sessionmaker(session.bind, expire_on_commit=False)


def _keys(request: Request) -> list[str]:
    return runtime_of(request).settings.signing_keys


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[AggregatorSettings, Depends(settings_of)]
StaffDep = staff_dependency(_keys, "")
AdminDep = staff_dependency(_keys, "admin")
_reviewer_check = staff_check(_keys, "reviewer")


async def reviewer_of_document(
    request: Request, staff: Annotated[Staff, Depends(_reviewer_check)], session: SessionDep
) -> Staff:
    """A reviewer, who on a per-document page must also be on that document's reviewer list."""
    raw = request.path_params.get("document_id")
    try:
        document_id = uuid.UUID(str(raw)) if raw is not None else None
    except ValueError:
        return staff  # the route's own validation answers 422
    if document_id is not None and not await may_review(session, staff, document_id):
        raise Forbidden("Bạn không được phân công xem xét dự thảo này.")
    return staff


ReviewerDep = Annotated[Staff, Depends(reviewer_of_document)]
