"""Staff API for new versions of a draft and for uploading .txt/.docx files."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Request, UploadFile, status

from services.documents import revisions, service
from services.documents.deps import AdminDep, DocumentDep, SessionDep, runtime_of
from services.documents.schemas import DocumentSummary
from services.documents.upload import parse_upload

router = APIRouter(prefix="/api")


def _max_bytes(request: Request) -> int:
    return int(getattr(runtime_of(request).settings, "max_upload_bytes", 10 * 1024 * 1024))


async def _read(request: Request, file: UploadFile) -> bytes:
    """Read at most one byte past the limit, so an oversized file is refused, not buffered."""
    return await file.read(_max_bytes(request) + 1)


@router.post(
    "/documents/upload", response_model=DocumentSummary, status_code=status.HTTP_201_CREATED
)
async def upload_document(
    request: Request, session: SessionDep, _staff: AdminDep, file: Annotated[UploadFile, File()]
) -> DocumentSummary:
    """Import a new draft from a .txt or .docx file; it stays a draft until opened."""
    filename = file.filename or "du-thao.txt"
    parsed, digest = parse_upload(filename, await _read(request, file), _max_bytes(request))
    document = await service.find_by_hash(session, digest)
    if document is None:
        document = await service.import_parsed(session, parsed, digest, filename)
    return DocumentSummary.model_validate(document, from_attributes=True)


@router.post("/documents/{document_id}/revisions", status_code=status.HTTP_201_CREATED)
async def propose_revision(
    request: Request,
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
        await _read(request, file),
        max_bytes=_max_bytes(request),
        by=staff.subject,
    )
    return {"revision_id": str(revision.id), **revision.report}


@router.post(
    "/documents/{document_id}/revisions/{revision_id}/apply", response_model=DocumentSummary
)
async def apply_revision(
    request: Request,
    revision_id: uuid.UUID,
    document: DocumentDep,
    session: SessionDep,
    _staff: AdminDep,
) -> DocumentSummary:
    revision = await revisions.get_revision(session, document, revision_id)
    await revisions.apply_revision(session, document, revision, max_bytes=_max_bytes(request))
    return DocumentSummary.model_validate(document, from_attributes=True)
