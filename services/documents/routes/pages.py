"""Public reading pages: server-rendered, readable and usable without JavaScript."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.documents import reading, service
from services.documents.deps import SessionDep, ViewerDep, runtime_of
from services.documents.models import Document
from services.documents.views import (
    render,
    required_fields,
    section_tree,
    section_url,
    window_state,
)
from shared import form_tokens
from shared.events import MAX_COMMENT_CHARS
from shared.web import NotFound

router = APIRouter()


def _form_context(request: Request, document: Document) -> dict[str, Any]:
    """What a page offering the comment form needs (the form only while the window is open)."""
    settings = runtime_of(request).settings
    state = window_state(document)
    return {
        "window": state,
        "feedback_url": settings.public_feedback_url.rstrip("/"),
        "form_token": form_tokens.issue(settings.signing_keys, document.id)
        if state == "open"
        else "",
        "required": required_fields(document),
        "max_chars": MAX_COMMENT_CHARS,
    }


async def _published(session: SessionDep, slug: str) -> Document:
    """A document a citizen may read section by section: never an unpublished draft."""
    document = await service.get_by_slug(session, slug)
    if document.status == "draft":
        raise NotFound("Không tìm thấy dự thảo.")
    return document


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, session: SessionDep) -> HTMLResponse:
    documents = await service.list_documents(session, include_drafts=False)
    return render(request, "documents/index.html", documents=documents)


@router.get("/d/{slug}", response_class=HTMLResponse)
async def read_document(
    request: Request, slug: str, session: SessionDep, staff: ViewerDep
) -> HTMLResponse:
    document = await service.get_by_slug(session, slug, include_drafts=staff is not None)
    sections = await service.sections_of(session, document.id)
    return render(
        request,
        "documents/document.html",
        document=document,
        sections=sections,
        toc=section_tree(sections),
        **_form_context(request, document),
    )


@router.get("/d/{slug}/s/{section_id}", include_in_schema=False)
async def section_by_id(slug: str, section_id: uuid.UUID, session: SessionDep) -> RedirectResponse:
    """A section's page by its id, which survives new versions of the draft (anchors may not)."""
    document = await _published(session, slug)
    sections = await service.sections_of(session, document.id)
    section = next((s for s in sections if s.id == section_id), None)
    if section is None:
        raise NotFound("Không tìm thấy mục này trong dự thảo.")
    return RedirectResponse(section_url(document, section), status_code=307)


@router.get("/d/{slug}/{anchor}", response_class=HTMLResponse)
async def read_section(
    request: Request, slug: str, anchor: str, session: SessionDep
) -> HTMLResponse:
    """One section: its text, its sub-sections, its form, where it sits, the next one."""
    document = await _published(session, slug)
    page = reading.section_page(await service.sections_of(session, document.id), anchor)
    if page is None:
        raise NotFound("Không tìm thấy mục này trong dự thảo.")
    return render(
        request,
        "documents/section.html",
        document=document,
        page=page,
        **_form_context(request, document),
    )
