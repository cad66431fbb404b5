"""Staff pages for drafts: import, preview the tree with the parser's warnings, open,
close, and new versions. Under /soan-thao, apart from the citizens' pages."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.documents import revisions, service
from services.documents.admin_views import render_admin
from services.documents.deps import AdminDep, DocumentDep, SessionDep, UploadLimitsDep
from services.documents.models import Document
from services.documents.upload import import_upload, read_limited
from services.documents.views import section_tree
from shared import audit
from shared.auth import Staff
from shared.events import PERSONAL_FIELD_LABELS, utcnow
from shared.security import CsrfProtected
from shared.text import LOCAL_TZ
from shared.web import DomainError

router = APIRouter(prefix="/soan-thao")


def _see(document_id: uuid.UUID) -> RedirectResponse:
    return RedirectResponse(f"/soan-thao/{document_id}", status_code=303)


async def _index(
    request: Request, session: SessionDep, staff: Staff, status_code: int = 200, error: str = ""
) -> HTMLResponse:
    documents = await service.list_documents(session)
    return render_admin(
        request, "index.html", status_code, documents=documents, me=staff, error=error
    )


async def _detail(
    request: Request,
    session: SessionDep,
    document: Document,
    staff: Staff,
    status_code: int = 200,
    error: str = "",
) -> HTMLResponse:
    sections = await service.sections_of(session, document.id)
    today = utcnow().astimezone(LOCAL_TZ).date()
    opens = document.opens_at.astimezone(LOCAL_TZ).date() if document.opens_at else today
    closes = document.closes_at.astimezone(LOCAL_TZ).date() if document.closes_at else None
    if closes is None or closes < today:  # a passed window is re-opened from today
        opens, closes = today, today + timedelta(days=30)
    return render_admin(
        request,
        "document.html",
        status_code,
        document=document,
        toc=section_tree(sections),
        count=len(sections),
        revisions=await revisions.revisions_of(session, document),
        me=staff,
        error=error,
        personal_fields=PERSONAL_FIELD_LABELS,
        default_opens=opens.isoformat(),
        default_closes=closes.isoformat(),
    )


@router.get("", response_class=HTMLResponse)
async def index(request: Request, session: SessionDep, staff: AdminDep) -> HTMLResponse:
    return await _index(request, session, staff)


@router.post("/nhap", dependencies=[CsrfProtected])
async def import_file(
    request: Request,
    session: SessionDep,
    staff: AdminDep,
    limits: UploadLimitsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        document, created = await import_upload(
            session,
            file.filename or "du-thao.txt",
            await read_limited(file, limits.max_bytes),
            limits,
        )
    except DomainError as exc:
        return await _index(request, session, staff, exc.status_code, exc.message)
    if created:
        audit.record(session, staff, "document.imported", "document", document.id)
    return _see(document.id)


@router.get("/{document_id}", response_class=HTMLResponse)
async def detail(
    request: Request, document: DocumentDep, session: SessionDep, staff: AdminDep
) -> HTMLResponse:
    return await _detail(request, session, document, staff)


@router.post("/{document_id}/mo", dependencies=[CsrfProtected])
async def open_window(
    request: Request,
    document: DocumentDep,
    session: SessionDep,
    staff: AdminDep,
    opens: Annotated[date, Form()],
    closes: Annotated[date, Form()],
) -> Response:
    """Open (or re-open) the window: from the start of ``opens`` to the end of ``closes``."""
    was = document.status
    try:
        await service.open_consultation(
            session,
            document,
            opens_at=service.start_of_local_day(opens),
            closes_at=service.end_of_local_day(closes),
        )
    except DomainError as exc:
        return await _detail(request, session, document, staff, exc.status_code, exc.message)
    action = "document.published" if was == "draft" else "document.opened"
    audit.record(session, staff, action, "document", document.id, closes=str(closes))
    return _see(document.id)


@router.post("/{document_id}/dong", dependencies=[CsrfProtected])
async def close_window(
    request: Request, document: DocumentDep, session: SessionDep, staff: AdminDep
) -> Response:
    try:
        await service.close_consultation(session, document)
    except DomainError as exc:
        return await _detail(request, session, document, staff, exc.status_code, exc.message)
    audit.record(session, staff, "document.closed", "document", document.id)
    return _see(document.id)


@router.post("/{document_id}/lien-he", dependencies=[CsrfProtected])
async def contacts(
    request: Request,
    document: DocumentDep,
    session: SessionDep,
    staff: AdminDep,
    emails: Annotated[str, Form()] = "",
    postal_addresses: Annotated[str, Form()] = "",
    postage_free: Annotated[str, Form()] = "",
) -> Response:
    """Correct the e-mail and postal addresses shown to citizens beside the draft."""
    try:
        service.set_contacts(document, emails, postal_addresses, bool(postage_free))
    except DomainError as exc:
        return await _detail(request, session, document, staff, exc.status_code, exc.message)
    session.add(document)
    audit.record(session, staff, "document.contacts", "document", document.id)
    return _see(document.id)


@router.post("/{document_id}/thong-tin-bat-buoc", dependencies=[CsrfProtected])
async def required_fields(
    document: DocumentDep,
    session: SessionDep,
    staff: AdminDep,
    fields: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Which personal details this consultation requires of every comment."""
    await service.set_required_fields(session, document, fields or [])
    audit.record(
        session,
        staff,
        "document.required_fields",
        "document",
        document.id,
        fields=",".join(document.required_fields),
    )
    return _see(document.id)


@router.post("/{document_id}/phien-ban", dependencies=[CsrfProtected])
async def upload_revision(
    request: Request,
    document: DocumentDep,
    session: SessionDep,
    staff: AdminDep,
    limits: UploadLimitsDep,
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        revision = await revisions.propose_revision(
            session,
            document,
            file.filename or "du-thao.txt",
            await read_limited(file, limits.max_bytes),
            limits=limits,
            by=staff.label,
        )
    except DomainError as exc:
        return await _detail(request, session, document, staff, exc.status_code, exc.message)
    return RedirectResponse(f"/soan-thao/{document.id}/phien-ban/{revision.id}", status_code=303)


@router.get("/{document_id}/phien-ban/{revision_id}", response_class=HTMLResponse)
async def revision_report(
    request: Request,
    revision_id: uuid.UUID,
    document: DocumentDep,
    session: SessionDep,
    staff: AdminDep,
) -> HTMLResponse:
    revision = await revisions.get_revision(session, document, revision_id)
    return render_admin(request, "revision.html", document=document, revision=revision, me=staff)


@router.post("/{document_id}/phien-ban/{revision_id}/ap-dung", dependencies=[CsrfProtected])
async def apply_revision(
    revision_id: uuid.UUID,
    document: DocumentDep,
    session: SessionDep,
    staff: AdminDep,
    limits: UploadLimitsDep,
) -> Response:
    revision = await revisions.get_revision(session, document, revision_id)
    await revisions.apply_revision(session, document, revision, limits=limits)
    audit.record(
        session,
        staff,
        "document.version_applied",
        "document",
        document.id,
        version=str(document.version),
    )
    return _see(document.id)
