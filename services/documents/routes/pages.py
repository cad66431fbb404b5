"""Public reading pages: server-rendered, readable and usable without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.documents import service
from services.documents.deps import SessionDep, ViewerDep, runtime_of
from services.documents.views import render, required_fields, section_tree, window_state
from shared import form_tokens
from shared.events import MAX_COMMENT_CHARS

router = APIRouter()


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
    settings = runtime_of(request).settings
    state = window_state(document)
    return render(
        request,
        "documents/document.html",
        document=document,
        sections=sections,
        toc=section_tree(sections),
        window=state,
        feedback_url=settings.public_feedback_url.rstrip("/"),
        form_token=form_tokens.issue(settings.signing_keys, document.id) if state == "open" else "",
        required=required_fields(document),
        max_chars=MAX_COMMENT_CHARS,
    )
