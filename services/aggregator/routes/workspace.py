"""The reviewers' pages under /tong-hop: overview, live counts, section page, review forms."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, StreamingResponse
from sqlalchemy import func, select
from sqlmodel import col

from services.aggregator import overview, review, search, service
from services.aggregator.accounts.views import templates
from services.aggregator.deps import ReviewerDep, SessionDep, runtime_of
from services.aggregator.exports import CHANNEL_LABEL, DISPOSITION_LABEL, STATUS_LABEL
from services.aggregator.models import AggregatedComment, AggregatedSection
from services.aggregator.routes.api import FilterDep
from services.aggregator.schemas import ReviewUpdate
from shared.events import utcnow
from shared.security import CsrfProtected
from shared.text import vn_number
from shared.web import DomainError

router = APIRouter(prefix="/tong-hop/d/{document_id}")
LIVE_INTERVAL_SECONDS = 2.0
PAGE_SIZE = 30
templates.env.filters["vn_number"] = vn_number
templates.env.globals.update(
    channel_label=CHANNEL_LABEL,
    status_label=STATUS_LABEL,
    disposition_label=DISPOSITION_LABEL,
    channel_colours=overview.CHANNEL_COLOURS,
)


@router.get("", response_class=HTMLResponse)
async def document_overview(
    request: Request, document_id: uuid.UUID, session: SessionDep, staff: ReviewerDep
) -> HTMLResponse:
    document = await service.get_document(session, document_id)
    rows = await service.tallies(session, document_id)
    totals = await service.document_totals(session, document_id)
    now = utcnow()
    bars, peak = await overview.daily_bars(session, document_id, overview.today_local(now))
    progress = await review.progress(session, document_id)
    return templates.TemplateResponse(
        request,
        "aggregator/overview.html",
        {
            "me": staff,
            "document": document,
            "rows": rows,
            "totals": totals,
            "people": await service.document_commenters(session, document_id),
            "hottest": max((r.total for r in rows), default=0) or 1,
            "bars": bars,
            "peak": peak,
            "chart": (overview.CHART_WIDTH, overview.CHART_HEIGHT),
            "time_left": overview.time_left(document.closes_at, now),
            "progress": progress,
        },
    )


@router.get("/truc-tiep", include_in_schema=False)
async def live_counts(
    request: Request,
    document_id: uuid.UUID,
    session: SessionDep,
    _staff: ReviewerDep,
    once: bool = False,
) -> StreamingResponse:
    """Server-sent events: the counts of every section whenever they change.

    ``once`` sends the current counts and ends, for a script that polls instead.
    """
    await service.get_document(session, document_id)
    sessions = runtime_of(request).sessions

    async def events() -> AsyncIterator[bytes]:
        last = ""
        while not await request.is_disconnected():
            async with sessions() as s:
                rows = await service.tallies(s, document_id)
                totals = await service.document_totals(s, document_id)
                people = await service.document_commenters(s, document_id)
            body = json.dumps(
                {
                    "total": sum(totals.values()),
                    "people": people,
                    "sections": {str(r.section_id): r.total for r in rows},
                    "commenters": {str(r.section_id): r.commenters for r in rows},
                }
            )
            if body != last:
                last = body
                yield f"event: counts\ndata: {body}\n\n".encode()
                if once:
                    return
            else:
                yield b": keep-alive\n\n"
            await asyncio.sleep(LIVE_INTERVAL_SECONDS)

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def _page_filter(
    section_id: uuid.UUID,
    f: FilterDep,
) -> search.CommentFilter:
    return search.CommentFilter(
        section_id, f.q, f.channel, f.status, f.disposition, f.theme, f.since, f.until, f.cluster_id
    )


SectionFilterDep = Annotated[search.CommentFilter, Depends(_page_filter)]


@router.get("/muc/{section_id}", response_class=HTMLResponse)
async def section_page(
    request: Request,
    document_id: uuid.UUID,
    section_id: uuid.UUID,
    session: SessionDep,
    staff: ReviewerDep,
    f: SectionFilterDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    document = await service.get_document(session, document_id)
    rows = await service.tallies(session, document_id)
    section = next((r for r in rows if r.section_id == section_id), None)
    if section is None:
        raise DomainError("Không tìm thấy mục này trong dự thảo.", status_code=404)
    stored = await session.get(AggregatedSection, section_id)
    comments, following = await search.list_comments(session, document_id, f, cursor, PAGE_SIZE)
    clusters = {r.comment.cluster_id for r in comments if r.comment.cluster_id}
    sizes = (
        dict(
            (
                await session.execute(
                    select(col(AggregatedComment.cluster_id), func.count())
                    .where(col(AggregatedComment.document_id) == document_id)
                    .where(col(AggregatedComment.cluster_id).in_(clusters))
                    .group_by(col(AggregatedComment.cluster_id))
                )
            ).all()
        )
        if clusters
        else {}
    )
    query = {k: v for k, v in request.query_params.items() if k != "cursor" and v}
    return templates.TemplateResponse(
        request,
        "aggregator/section.html",
        {
            "me": staff,
            "document": document,
            "section": section,
            "section_text": stored.text if stored else "",
            "children": [r for r in rows if r.path[: len(section.path)] == section.path],
            "all_sections": rows,
            "sent": bool(request.query_params.get("da-gui")),
            "comments": comments,
            "sizes": sizes,
            "f": f,
            "here": request.url.path + ("?" + urlencode(query) if query else ""),
            "next_url": request.url.path + "?" + urlencode({**query, "cursor": following})
            if following
            else None,
        },
    )


def _back(document_id: uuid.UUID, back: str) -> str:
    """Return only to one of this document's pages (never an open redirect)."""
    base = f"/tong-hop/d/{document_id}"
    return back if back.startswith(base) and "//" not in back else base


@router.post("/y-kien/{comment_id}/xu-ly", dependencies=[CsrfProtected])
async def review_form(
    document_id: uuid.UUID,
    comment_id: uuid.UUID,
    session: SessionDep,
    staff: ReviewerDep,
    disposition: Annotated[str, Form()] = "",
    explanation: Annotated[str, Form(max_length=20000)] = "",
    themes: Annotated[str, Form(max_length=2000)] = "",
    whole_cluster: Annotated[str, Form()] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> RedirectResponse:
    if disposition and disposition not in search.DISPOSITIONS:
        raise DomainError("Hướng xử lý không hợp lệ.", status_code=422)
    update = ReviewUpdate(
        disposition=disposition or None,  # type: ignore[arg-type]
        explanation=explanation,
        themes=[t.strip() for t in themes.split(",") if t.strip()][:20],
        whole_cluster=bool(whole_cluster),
    )
    await review.set_review(session, staff, document_id, comment_id, update)
    return RedirectResponse(_back(document_id, back) + f"#y-kien-{comment_id}", status_code=303)


@router.post("/muc/{section_id}/phan-cong", dependencies=[CsrfProtected])
async def assignment_form(
    document_id: uuid.UUID,
    section_id: uuid.UUID,
    session: SessionDep,
    staff: ReviewerDep,
    reviewer: Annotated[str, Form(min_length=1, max_length=200)],
) -> RedirectResponse:
    await review.assign_section(session, staff, document_id, section_id, reviewer, reviewer)
    return RedirectResponse(f"/tong-hop/d/{document_id}/muc/{section_id}", status_code=303)
