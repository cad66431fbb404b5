"""Public reading pages: server-rendered, readable and usable without JavaScript."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from services.documents import service
from services.documents.deps import SessionDep, runtime_of
from services.documents.views import render, section_tree

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
async def index(request: Request, session: SessionDep) -> HTMLResponse:
    documents = [d for d in await service.list_documents(session) if d.status != "draft"]
    return render(request, "documents/index.html", documents=documents)


@router.get("/d/{slug}", response_class=HTMLResponse)
async def read_document(request: Request, slug: str, session: SessionDep) -> HTMLResponse:
    document = await service.get_by_slug(session, slug)
    sections = await service.sections_of(session, document.id)
    return render(
        request,
        "documents/document.html",
        document=document,
        sections=sections,
        toc=section_tree(sections),
        feedback_url=runtime_of(request).settings.public_feedback_url,
    )
