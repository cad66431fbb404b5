"""Request dependencies of the documents service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.documents import service
from services.documents.models import Document
from shared.deps import get_session, runtime_of
from shared.web import staff_dependency

SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


async def document_by_id(document_id: uuid.UUID, session: SessionDep) -> Document:
    return await service.get_document(session, document_id)


DocumentDep = Annotated[Document, Depends(document_by_id)]
AdminDep = staff_dependency(lambda r: runtime_of(r).settings.signing_keys, "admin")


def max_upload_bytes(request: Request) -> int:
    return int(runtime_of(request).settings.max_upload_bytes)  # type: ignore[attr-defined]


MaxUploadDep = Annotated[int, Depends(max_upload_bytes)]
