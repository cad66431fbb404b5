"""JSON API of the documents service."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.documents import service
from services.documents.deps import (
    AdminDep,
    DocumentDep,
    SessionDep,
    UploadLimitsDep,
    ViewerDep,
    VisibleDocumentDep,
)
from services.documents.schemas import (
    DocumentPublic,
    DocumentSummary,
    DraftImport,
    SectionPublic,
    WindowOpen,
)
from services.documents.upload import import_text
from shared import audit
from shared.web import DomainError

router = APIRouter(prefix="/api")


@router.get("/documents", response_model=list[DocumentSummary])
async def list_documents(session: SessionDep, staff: ViewerDep) -> list[DocumentSummary]:
    """Published documents (open or closed); staff also see drafts."""
    return [
        DocumentSummary.model_validate(d, from_attributes=True)
        for d in await service.list_documents(session, include_drafts=staff is not None)
    ]


@router.get("/documents/{document_id}", response_model=DocumentPublic)
async def get_document(document: VisibleDocumentDep, session: SessionDep) -> DocumentPublic:
    sections = await service.sections_of(session, document.id)
    return DocumentPublic(
        id=document.id,
        slug=document.slug,
        title=document.title,
        status=document.status,
        version=document.version,
        opens_at=document.opens_at,
        closes_at=document.closes_at,
        contacts=document.contacts,
        sections=[SectionPublic.model_validate(s, from_attributes=True) for s in sections],
    )


@router.post("/documents", response_model=DocumentSummary, status_code=status.HTTP_201_CREATED)
async def import_document(
    body: DraftImport, session: SessionDep, staff: AdminDep, limits: UploadLimitsDep
) -> DocumentSummary:
    document, created = await import_text(session, body.text, body.source_name, limits)
    if created:
        audit.record(session, staff, "document.imported", "document", document.id)
    return DocumentSummary.model_validate(document, from_attributes=True)


@router.post("/documents/{document_id}/open", response_model=DocumentSummary)
async def open_document(
    body: WindowOpen, document: DocumentDep, session: SessionDep, staff: AdminDep
) -> DocumentSummary:
    was = document.status
    if body.days:
        await service.open_for_days_from_today(session, document, body.days)
    elif body.opens_at and body.closes_at:
        await service.open_consultation(
            session, document, opens_at=body.opens_at, closes_at=body.closes_at
        )
    else:
        raise DomainError(
            "Cần cho biết thời hạn góp ý (số ngày, hoặc ngày bắt đầu và kết thúc).", status_code=422
        )
    action = "document.published" if was == "draft" else "document.opened"
    audit.record(session, staff, action, "document", document.id, closes_at=str(document.closes_at))
    return DocumentSummary.model_validate(document, from_attributes=True)


@router.post("/documents/{document_id}/close", response_model=DocumentSummary)
async def close_document(
    document: DocumentDep, session: SessionDep, staff: AdminDep
) -> DocumentSummary:
    await service.close_consultation(session, document)
    audit.record(session, staff, "document.closed", "document", document.id)
    return DocumentSummary.model_validate(document, from_attributes=True)
