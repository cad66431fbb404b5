"""The subcommittee's dashboard pages (staff only), under /tong-hop.

The prefix keeps them apart from the citizens' pages when one public origin serves all
three services (deploy/Caddyfile).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from services.aggregator import service
from services.aggregator.accounts.views import templates
from services.aggregator.deps import ReviewerDep, SessionDep

router = APIRouter()
HOME = "/tong-hop"


@router.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


@router.get(HOME, response_class=HTMLResponse)
async def dashboard(request: Request, session: SessionDep, staff: ReviewerDep) -> HTMLResponse:
    documents = await service.list_documents(session)
    return templates.TemplateResponse(
        request, "aggregator/index.html", {"documents": documents, "me": staff}
    )
