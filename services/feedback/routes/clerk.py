"""The clerks' pages (văn thư), under /van-thu: quarantined mail and postal letters.

Staff only (role ``clerk``; admins too); Vietnamese; every form carries the CSRF token.
Handlers translate HTTP to one function of ``services.feedback.clerks`` and back.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.feedback import clerks, scans
from services.feedback.deps import ClerkDep, IntakeDep, SessionDep, SettingsDep
from services.feedback.mail import display
from services.feedback.views import templates
from shared.auth import Staff
from shared.deps import runtime_of
from shared.security import CsrfProtected
from shared.text import LOCAL_TZ
from shared.web import DomainError

router = APIRouter(prefix="/van-thu")
STATUS_LABELS = {
    "pending": "Đang chờ đọc",
    "accepted": "Đã nhận thành ý kiến",
    "quarantined": "Chờ văn thư xử lý",
    "duplicate": "Trùng lặp",
    "rejected_spam": "Thư rác",
    "not_a_comment": "Không phải góp ý",
}
PIECES = 4  # rows of (section, text) on the filing forms: enough to split most messages


def _pieces(section_ids: list[str], texts: list[str]) -> list[clerks.Piece]:
    pieces = []
    for raw_id, text in zip(section_ids, texts, strict=False):
        try:
            section_id = uuid.UUID(raw_id) if raw_id.strip() else None
        except ValueError as exc:
            raise DomainError("Mục được chọn không hợp lệ.", status_code=422) from exc
        pieces.append(clerks.Piece(section_id, text))
    return pieces


def _render(request: Request, name: str, status_code: int = 200, **context: object) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        f"feedback/clerk/{name}",
        {"status_labels": STATUS_LABELS, **context},
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
async def index(
    request: Request, session: SessionDep, staff: ClerkDep, trang: str = "chờ"
) -> HTMLResponse:
    status = "rejected_spam" if trang == "rac" else "quarantined"
    return _render(
        request,
        "index.html",
        me=staff,
        counts=await clerks.status_counts(session),
        messages=await clerks.quarantine(session, status),
        showing=status,
    )


async def _message_page(
    request: Request,
    session: SessionDep,
    staff: Staff,
    message_id: uuid.UUID,
    status_code: int = 200,
    error: str = "",
    document_id: uuid.UUID | None = None,
) -> HTMLResponse:
    message = await clerks.get_message(session, message_id)
    documents = await clerks.open_documents(session)
    chosen = document_id or message.document_id or (documents[0].id if documents else None)
    return _render(
        request,
        "message.html",
        status_code,
        me=staff,
        message=message,
        shown=display.show(message.raw),
        documents=documents,
        chosen=chosen,
        sections=await clerks.sections_of(session, chosen) if chosen else [],
        pieces=range(PIECES),
        error=error,
    )


@router.get("/thu/{message_id}", response_class=HTMLResponse)
async def message_page(
    request: Request,
    message_id: uuid.UUID,
    session: SessionDep,
    staff: ClerkDep,
    du_thao: uuid.UUID | None = None,
) -> HTMLResponse:
    return await _message_page(request, session, staff, message_id, document_id=du_thao)


@router.post("/thu/{message_id}/xep", dependencies=[CsrfProtected])
async def file_message(
    request: Request,
    message_id: uuid.UUID,
    session: SessionDep,
    staff: ClerkDep,
    intake: IntakeDep,
    document_id: Annotated[uuid.UUID, Form()],
    section_id: Annotated[list[str], Form()],
    text: Annotated[list[str], Form()],
) -> Response:
    try:
        await clerks.file_message(
            runtime_of(request).sessions,
            intake,
            message_id,
            document_id,
            _pieces(section_id, text),
            staff,
        )
    except DomainError as exc:
        return await _message_page(
            request, session, staff, message_id, exc.status_code, exc.message, document_id
        )
    return RedirectResponse(f"/van-thu/thu/{message_id}", status_code=303)


@router.post("/thu/{message_id}/bo-qua", dependencies=[CsrfProtected])
async def dismiss_message(
    request: Request,
    message_id: uuid.UUID,
    session: SessionDep,
    staff: ClerkDep,
    note: Annotated[str, Form()] = "",
) -> Response:
    try:
        await clerks.dismiss_message(session, message_id, staff, note)
    except DomainError as exc:
        return await _message_page(
            request, session, staff, message_id, exc.status_code, exc.message
        )
    return RedirectResponse("/van-thu", status_code=303)


@router.get("/thu/{message_id}/goc")
async def raw_message(message_id: uuid.UUID, session: SessionDep, staff: ClerkDep) -> Response:
    """The original bytes, as a file to open in a mail program (never rendered here)."""
    message = await clerks.get_message(session, message_id)
    return Response(
        message.raw,
        media_type="message/rfc822",
        headers={"Content-Disposition": f'attachment; filename="thu-{message.id}.eml"'},
    )


@router.get("/thu/{message_id}/tep/{index}")
async def message_attachment(
    message_id: uuid.UUID, index: int, session: SessionDep, staff: ClerkDep
) -> Response:
    """Images show in the page; everything else downloads, typed as opaque bytes."""
    message = await clerks.get_message(session, message_id)
    found = display.attachment(message.raw, index)
    if found is None:
        raise DomainError("Không tìm thấy tệp đính kèm này.", status_code=404)
    data, kind, name = found
    if kind in display.INLINE_IMAGES:
        return Response(data, media_type=kind)
    safe = "".join(c for c in Path(name).name if c.isalnum() or c in "._-") or "tep"
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"Content-Disposition": f'attachment; filename="{safe}"'},
    )


async def _letter_page(
    request: Request,
    session: SessionDep,
    staff: Staff,
    document_id: uuid.UUID | None,
    status_code: int = 200,
    error: str = "",
    values: Mapping[str, object] | None = None,
) -> HTMLResponse:
    documents = await clerks.open_documents(session)
    chosen = document_id or (documents[0].id if documents else None)
    document = next((d for d in documents if d.id == chosen), None)
    return _render(
        request,
        "letter.html",
        status_code,
        me=staff,
        documents=documents,
        document=document,
        sections=await clerks.sections_of(session, chosen) if chosen else [],
        pieces=range(PIECES),
        today=datetime.now(LOCAL_TZ).date().isoformat(),
        form_key=uuid.uuid4().hex,
        values=values or {},
        error=error,
    )


@router.get("/thu-buu-dien", response_class=HTMLResponse)
async def letter_form(
    request: Request, session: SessionDep, staff: ClerkDep, du_thao: uuid.UUID | None = None
) -> HTMLResponse:
    return await _letter_page(request, session, staff, du_thao)


@router.post("/thu-buu-dien", dependencies=[CsrfProtected])
async def enter_letter(
    request: Request,
    session: SessionDep,
    staff: ClerkDep,
    intake: IntakeDep,
    settings: SettingsDep,
    document_id: Annotated[uuid.UUID, Form()],
    received: Annotated[date, Form()],
    section_id: Annotated[list[str], Form()],
    text: Annotated[list[str], Form()],
    form_key: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    organisation: Annotated[str, Form()] = "",
    address: Annotated[str, Form()] = "",
    phone: Annotated[str, Form()] = "",
    email: Annotated[str, Form()] = "",
    register_number: Annotated[str, Form()] = "",
    scan: Annotated[list[UploadFile] | None, File()] = None,
) -> Response:
    letter = clerks.Letter(
        document_id=document_id,
        received_on=received,
        pieces=[],
        name=name or None,
        organisation=organisation or None,
        address=address or None,
        phone=phone or None,
        email=email or None,
        register_number=register_number or None,
        form_key=form_key,
    )
    try:
        files = scan or []
        if len(files) > settings.max_scans_per_letter:
            raise scans.ScanRefused(
                f"Tối đa {settings.max_scans_per_letter} trang quét cho một thư."
            )
        uploads = [
            clerks.Upload(f.filename or "scan", await f.read(settings.max_scan_bytes + 1))
            for f in files
        ]
        letter = clerks.Letter(**{**letter.__dict__, "pieces": _pieces(section_id, text)})
        receipts = await clerks.enter_letter(
            runtime_of(request).sessions,
            intake,
            letter,
            uploads,
            staff,
            Path(settings.scan_dir),
            settings.max_scan_bytes,
        )
    except DomainError as exc:
        values = {
            "name": name,
            "organisation": organisation,
            "address": address,
            "phone": phone,
            "email": email,
            "register_number": register_number,
            "received": received.isoformat(),
            "texts": text,
            "section_ids": section_id,
        }
        return await _letter_page(
            request, session, staff, document_id, exc.status_code, exc.message, values
        )
    ids = ",".join(str(r.comment_id) for r in receipts)
    return RedirectResponse(f"/van-thu/thu-buu-dien/da-nhap?y={ids}", status_code=303)


@router.get("/thu-buu-dien/da-nhap", response_class=HTMLResponse)
async def letter_entered(
    request: Request, session: SessionDep, staff: ClerkDep, y: str = ""
) -> HTMLResponse:
    """The receipt codes to write back to the sender, and the scans kept with the letter."""
    ids = []
    for value in y.split(","):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    comments = await clerks.comments_by_id(session, ids)
    return _render(
        request,
        "letter_done.html",
        me=staff,
        comments=comments,
        scans=await clerks.scans_of(session, ids),
    )


@router.get("/quet/{sha256}")
async def letter_scan(
    sha256: str, session: SessionDep, staff: ClerkDep, settings: SettingsDep
) -> Response:
    """A stored scan, typed as what its bytes were checked to be at upload."""
    scan = await clerks.scan_by_hash(session, sha256)
    path = scans.path_of(Path(settings.scan_dir), scan.sha256)
    if not path.is_file():
        raise DomainError("Tệp bản quét không còn trên đĩa.", status_code=404)
    return Response(path.read_bytes(), media_type=scan.content_type)
