"""HTML pages of the feedback service: the comment form's target and receipt look-up."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.ext.asyncio import AsyncSession

from services.feedback import service
from services.feedback.deps import SessionDep, SettingsDep, runtime_of
from services.feedback.models import CatalogueDocument, CatalogueSection
from services.feedback.views import render
from shared.web import DomainError

router = APIRouter()


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if value.strip() else None
    except ValueError as exc:
        raise service.InvalidComment("Liên kết góp ý không hợp lệ.", field="section_id") from exc


async def _where(
    session: AsyncSession, comment_document: uuid.UUID, section_id: uuid.UUID | None
) -> str:
    document = await session.get(CatalogueDocument, comment_document)
    section = await session.get(CatalogueSection, section_id) if section_id else None
    title = document.title if document else ""
    return (
        f"mục {section.number}. {section.title} — {title}"
        if section
        else f"toàn bộ dự thảo — {title}"
    )


@router.post("/comments", response_class=HTMLResponse)
async def submit_form(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    document_id: Annotated[str, Form()],
    text: Annotated[str, Form()] = "",
    section_id: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
) -> HTMLResponse:
    back = request.headers.get("referer", runtime_of(request).settings.public_documents_url)
    try:
        draft = service.CommentDraft(
            document_id=_uuid_or_none(document_id) or uuid.UUID(int=0),
            section_id=_uuid_or_none(section_id),
            text=text,
            name=name or None,
            email=email or None,
        )
        comment = await service.submit_comment(
            session, draft, channel="web", max_chars=settings.max_comment_chars
        )
    except DomainError as exc:
        return render(
            request,
            "feedback/form_error.html",
            status_code=exc.status_code,
            message=exc.message,
            text=text,
            name=name,
            email=email,
            back=back,
            document_id=document_id,
            section_id=section_id,
        )
    where = await _where(session, comment.document_id, comment.section_id)
    return render(
        request, "feedback/receipt.html", status_code=201, comment=comment, where=where, back=back
    )


@router.get("/receipt", response_class=HTMLResponse)
async def lookup_receipt(request: Request, session: SessionDep, code: str = "") -> HTMLResponse:
    if not code:
        return render(request, "feedback/lookup.html")
    try:
        comment = await service.find_by_receipt(session, code)
    except DomainError as exc:
        return render(
            request, "feedback/lookup.html", status_code=404, code=code, message=exc.message
        )
    where = await _where(session, comment.document_id, comment.section_id)
    return render(request, "feedback/lookup.html", code=code, comment=comment, where=where)
