"""Staff API for new versions of a draft and for uploading .txt/.docx files."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, UploadFile, status

from services.documents import revisions
from services.documents.deps import AdminDep, DocumentDep, SessionDep, UploadLimitsDep
from services.documents.schemas import DocumentSummary
from services.documents.upload import import_upload, read_limited
from shared import audit

router = APIRouter(prefix="/api")


@router.post(
    "/documents/upload", response_model=DocumentSummary, status_code=status.HTTP_201_CREATED
)
async def upload_document(
    session: SessionDep,
    staff: AdminDep,
    limits: UploadLimitsDep,
    file: Annotated[UploadFile, File()],
) -> DocumentSummary:
    """Import a new draft from a .txt or .docx file; it stays a draft until opened."""
    document, created = await import_upload(
        session, file.filename or "du-thao.txt", await read_limited(file, limits.max_bytes), limits
    )
    if created:
        audit.record(session, staff, "document.imported", "document", document.id)
    return DocumentSummary.model_validate(document, from_attributes=True)


@router.post("/documents/{document_id}/revisions", status_code=status.HTTP_201_CREATED)
async def propose_revision(
    limits: UploadLimitsDep,
    document: DocumentDep,
    session: SessionDep,
    staff: AdminDep,
    file: Annotated[UploadFile, File()],
) -> dict[str, Any]:
    """Upload a revised draft; answers with how its sections match the current version."""
    revision = await revisions.propose_revision(
        session,
        document,
        file.filename or "du-thao.txt",
        await read_limited(file, limits.max_bytes),
        limits=limits,
        by=staff.subject,
    )
    return {"revision_id": str(revision.id), **revision.report}


@router.post(
    "/documents/{document_id}/revisions/{revision_id}/apply", response_model=DocumentSummary
)
async def apply_revision(
    limits: UploadLimitsDep,
    revision_id: uuid.UUID,
    document: DocumentDep,
    session: SessionDep,
    _staff: AdminDep,
) -> DocumentSummary:
    revision = await revisions.get_revision(session, document, revision_id)
    await revisions.apply_revision(session, document, revision, limits=limits)
    return DocumentSummary.model_validate(document, from_attributes=True)
