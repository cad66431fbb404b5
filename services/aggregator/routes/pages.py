"""The subcommittee's dashboard pages (staff only)."""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from services.aggregator import service
from services.aggregator.deps import ReviewerDep, SessionDep

router = APIRouter()
templates = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))


@router.get("/", response_class=HTMLResponse)
async def dashboard(request: Request, session: SessionDep, _staff: ReviewerDep) -> HTMLResponse:
    documents = await service.list_documents(session)
    return templates.TemplateResponse(request, "aggregator/index.html", {"documents": documents})


@router.get("/d/{document_id}", response_class=HTMLResponse)
async def document_dashboard(
    request: Request, document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep
) -> HTMLResponse:
    rows = await service.tallies(session, document_id)
    totals = await service.document_totals(session, document_id)
    return templates.TemplateResponse(
        request, "aggregator/document.html", {"rows": rows, "totals": totals}
    )
