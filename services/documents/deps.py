"""Request dependencies of the documents service."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.documents import service
from services.documents.models import Document
from shared.service_app import Runtime
from shared.web import staff_dependency


def runtime_of(request: Request) -> Runtime:
    return request.app.state.runtime  # type: ignore[no-any-return]


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


async def document_by_id(document_id: uuid.UUID, session: SessionDep) -> Document:
    return await service.get_document(session, document_id)


DocumentDep = Annotated[Document, Depends(document_by_id)]
AdminDep = staff_dependency(lambda r: runtime_of(r).settings.signing_keys, "admin")
