"""JSON API of the aggregator (staff only); exports and the report beside it."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response, StreamingResponse

from services.aggregator import exports, report, review, search, service
from services.aggregator.deps import ReviewerDep, SessionDep, sessions_of
from services.aggregator.schemas import (
    AssignmentUpdate,
    ChannelCounts,
    CommentPage,
    CommentPublic,
    ReviewPublic,
    ReviewUpdate,
    SectionTallyPublic,
)
from shared.events import utcnow
from shared.text import vn_date
from shared.web import DomainError

router = APIRouter(prefix="/api")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _file(media_type: str, what: str) -> dict[str, object]:
    """How OpenAPI describes a file answer (the body is the file, not JSON)."""
    return {
        "description": what,
        "content": {media_type: {"schema": {"type": "string", "format": "binary"}}},
    }


CSV_FILE = _file("text/csv", "CSV, UTF-8 with a byte-order mark (opens in Excel)")
XLSX_FILE = _file(XLSX, "Excel workbook")
DOCX_FILE = _file(DOCX, "Word document")


def _choice(value: str | None, allowed: tuple[str, ...], name: str) -> str | None:
    """An optional choice; the empty value a page's "all" option sends means no filter."""
    if not value:
        return None
    if value not in allowed:
        raise DomainError(f"Giá trị không hợp lệ cho {name}: {value}.", status_code=422)
    return value


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise DomainError(f"Ngày không hợp lệ ({name}): {value}.", status_code=422) from exc


def comment_filter(
    section_id: uuid.UUID | None = None,
    q: Annotated[str, Query(max_length=500)] = "",
    channel: Annotated[str | None, Query(max_length=10)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    disposition: Annotated[str | None, Query(max_length=20)] = None,
    theme: Annotated[str | None, Query(max_length=100)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    cluster_id: uuid.UUID | None = None,
) -> search.CommentFilter:
    """The filters every comment list and export accepts (web, email, post; active by
    default, or spam, duplicate, withdrawn, all; taken_in, explained, set_aside, none)."""
    return search.CommentFilter(
        section_id,
        q,
        _choice(channel, ("web", "email", "post"), "channel"),
        _choice(status, (*search.STATUSES, "all"), "status") or "active",
        _choice(disposition, (*search.DISPOSITIONS, "none"), "disposition"),
        theme or None,
        _day(since, "since"),
        _day(until, "until"),
        cluster_id,
    )


FilterDep = Annotated[search.CommentFilter, Depends(comment_filter)]


def _public(row: search.CommentRow) -> CommentPublic:
    c = row.comment
    return CommentPublic(
        comment_id=c.comment_id,
        section_id=c.section_id,
        channel=c.channel,
        text=c.text,
        received_at=c.submitted_at,
        status=c.status,
        disposition=row.disposition,
        cluster_id=c.cluster_id,
    )


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"'}


@router.get("/documents/{document_id}/tallies", response_model=list[SectionTallyPublic])
async def document_tallies(
    document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep
) -> list[SectionTallyPublic]:
    return [
        SectionTallyPublic(
            section_id=t.section_id,
            path=t.path,
            total=t.total,
            by_channel=ChannelCounts(**t.by_channel),
        )
        for t in await service.tallies(session, document_id)
    ]


@router.get("/documents/{document_id}/comments", response_model=CommentPage)
async def document_comments(
    document_id: uuid.UUID,
    session: SessionDep,
    _staff: ReviewerDep,
    f: FilterDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CommentPage:
    await service.get_document(session, document_id)
    rows, following = await search.list_comments(session, document_id, f, cursor, limit)
    return CommentPage(items=[_public(r) for r in rows], next=following)


@router.get("/documents/{document_id}/comments.csv", responses={200: CSV_FILE})
async def comments_csv(
    document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep, f: FilterDep
) -> StreamingResponse:
    await service.get_document(session, document_id)
    if f.section_id is not None:  # refused before the stream starts, not in the middle of it
        await search.section_and_descendants(session, document_id, f.section_id)
    rows = exports.comment_rows(sessions_of(session), document_id, f)
    return StreamingResponse(
        exports.stream_csv(exports.COMMENT_HEADER, rows),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"y-kien-{document_id}.csv"),
    )


@router.get("/documents/{document_id}/comments.xlsx", responses={200: XLSX_FILE})
async def comments_xlsx(
    document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep, f: FilterDep
) -> StreamingResponse:
    await service.get_document(session, document_id)
    rows = exports.comment_rows(sessions_of(session), document_id, f)
    out = await exports.build_xlsx("Ý kiến góp ý", exports.COMMENT_HEADER, rows)
    return StreamingResponse(
        exports.file_chunks(out), media_type=XLSX, headers=_attachment(f"y-kien-{document_id}.xlsx")
    )


async def _tally_rows(session: SessionDep, document_id: uuid.UUID) -> AsyncIterator[list[object]]:
    return exports.listed(exports.tally_rows(await service.tallies(session, document_id)))


@router.get("/documents/{document_id}/tallies.csv", responses={200: CSV_FILE})
async def tallies_csv(
    document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep
) -> StreamingResponse:
    rows = await _tally_rows(session, document_id)
    return StreamingResponse(
        exports.stream_csv(exports.TALLY_HEADER, rows),
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"so-lieu-{document_id}.csv"),
    )


@router.get("/documents/{document_id}/tallies.xlsx", responses={200: XLSX_FILE})
async def tallies_xlsx(
    document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep
) -> StreamingResponse:
    rows = await _tally_rows(session, document_id)
    out = await exports.build_xlsx(
        "Số liệu " + vn_date(utcnow()).replace("/", "-"), exports.TALLY_HEADER, rows
    )
    return StreamingResponse(
        exports.file_chunks(out),
        media_type=XLSX,
        headers=_attachment(f"so-lieu-{document_id}.xlsx"),
    )


@router.get("/documents/{document_id}/report.docx", responses={200: DOCX_FILE})
async def report_docx(document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep) -> Response:
    body = await report.render(session, document_id)
    return Response(body, media_type=DOCX, headers=_attachment(f"bao-cao-{document_id}.docx"))


@router.put("/documents/{document_id}/comments/{comment_id}/review", response_model=ReviewPublic)
async def put_review(
    document_id: uuid.UUID,
    comment_id: uuid.UUID,
    update: ReviewUpdate,
    session: SessionDep,
    staff: ReviewerDep,
) -> ReviewPublic:
    ids = await review.set_review(session, staff, document_id, comment_id, update)
    return ReviewPublic(
        comment_ids=ids,
        disposition=update.disposition,
        explanation=update.explanation.strip(),
        themes=sorted({t.strip() for t in update.themes if t.strip()}),
    )


@router.put("/documents/{document_id}/sections/{section_id}/assignment")
async def put_assignment(
    document_id: uuid.UUID,
    section_id: uuid.UUID,
    body: AssignmentUpdate,
    session: SessionDep,
    staff: ReviewerDep,
) -> dict[str, str]:
    row = await review.assign_section(
        session, staff, document_id, section_id, body.reviewer, body.reviewer_name
    )
    return {"section_id": str(row.section_id), "reviewer": row.reviewer}


@router.get("/documents/{document_id}/progress")
async def document_progress(
    document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep
) -> list[dict[str, object]]:
    await service.get_document(session, document_id)
    return [
        {
            "section_id": str(p.section_id) if p.section_id else None,
            "comments": p.comments,
            "reviewed": p.reviewed,
            "percent": p.percent,
            "reviewer": p.reviewer,
        }
        for p in (await review.progress(session, document_id)).values()
    ]
