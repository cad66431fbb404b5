"""Request dependencies of the documents service."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from services.documents import service
from services.documents.models import Document
from services.documents.upload import UploadLimits
from shared.auth import Staff
from shared.deps import get_session, runtime_of
from shared.web import authenticate, staff_check

SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
AdminDep = Annotated[
    Staff, Depends(staff_check(lambda r: runtime_of(r).settings.signing_keys, "admin"))
]


async def document_by_id(document_id: uuid.UUID, session: SessionDep, _: AdminDep) -> Document:
    """A document for its administrator; the role is checked before the look-up, so nobody
    else learns from a 404 which ids exist."""
    return await service.get_document(session, document_id)


DocumentDep = Annotated[Document, Depends(document_by_id)]


def viewer(request: Request) -> Staff | None:
    """The signed-in staff member reading a public answer, if any (drafts are theirs only)."""
    staff = authenticate(request, runtime_of(request).settings.signing_keys)
    if staff is not None:
        request.state.staff = staff  # so the answer is never cached
    return staff


ViewerDep = Annotated[Staff | None, Depends(viewer)]


async def visible_document_by_id(
    document_id: uuid.UUID, session: SessionDep, staff: ViewerDep
) -> Document:
    """A document as a public API answer shows it: 404 for a draft unless staff asks."""
    document = await service.get_document(session, document_id)
    return service.require_visible(document, include_drafts=staff is not None)


VisibleDocumentDep = Annotated[Document, Depends(visible_document_by_id)]


def upload_limits(request: Request) -> UploadLimits:
    return UploadLimits.of(runtime_of(request).settings)  # type: ignore[arg-type]


# A file over these limits, or one that inflates or parses past them, is refused with 413.
upload_limits.refusals = (413,)  # type: ignore[attr-defined]


UploadLimitsDep = Annotated[UploadLimits, Depends(upload_limits)]
