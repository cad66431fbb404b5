"""The administrator's pages: invite staff, change roles, revoke sessions and tokens."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.aggregator.accounts import access, audit_view, service
from services.aggregator.accounts.views import render
from services.aggregator.deps import AdminDep, SessionDep, SettingsDep, runtime_of
from services.aggregator.models import AggregatedDocument
from shared import audit
from shared.auth import Staff
from shared.security import CsrfProtected
from shared.web import DomainError

router = APIRouter(prefix="/quan-tri")
STAFF_PAGE = "/quan-tri/nhan-su"


async def _staff_page(
    request: Request, session: SessionDep, staff: Staff, status_code: int = 200, **extra: object
) -> HTMLResponse:
    return render(
        request,
        "staff.html",
        status_code,
        me=staff,
        accounts=await service.list_accounts(session),
        tokens=await access.list_api_tokens(session),
        entries=await audit_view.readable(session, await audit.recent(session, 100)),
        **extra,
    )


@router.get("/nhan-su", response_class=HTMLResponse)
async def staff_list(request: Request, session: SessionDep, staff: AdminDep) -> HTMLResponse:
    return await _staff_page(request, session, staff)


@router.post("/nhan-su", response_class=HTMLResponse, dependencies=[CsrfProtected])
async def invite(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: AdminDep,
    email: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    roles: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    """Create the account and show its one-time set-password link (to pass on by hand)."""
    try:
        account, token = await service.invite(
            session,
            staff,
            email,
            display_name,
            roles or [],
            valid_hours=settings.invite_valid_hours,
        )
    except DomainError as exc:
        return await _staff_page(request, session, staff, exc.status_code, error=exc.message)
    link = f"{settings.public_aggregator_url.rstrip('/')}/dat-mat-khau/{token}"
    return await _staff_page(request, session, staff, 201, invited=account, link=link)


@router.post("/nhan-su/{account_id}", dependencies=[CsrfProtected])
async def change_roles(
    request: Request,
    account_id: uuid.UUID,
    session: SessionDep,
    staff: AdminDep,
    roles: Annotated[list[str] | None, Form()] = None,
    active: Annotated[str, Form()] = "",
) -> Response:
    account = await service.get_account(session, account_id)
    revocations = runtime_of(request).revocations
    try:
        await service.change_roles(session, staff, account, roles or [], bool(active), revocations)
    except DomainError as exc:
        return await _staff_page(request, session, staff, exc.status_code, error=exc.message)
    return RedirectResponse(STAFF_PAGE, status_code=303)


@router.post("/nhan-su/{account_id}/dang-xuat", dependencies=[CsrfProtected])
async def sign_out_account(
    request: Request, account_id: uuid.UUID, session: SessionDep, staff: AdminDep
) -> Response:
    account = await service.get_account(session, account_id)
    await service.revoke_sessions(session, staff, account, runtime_of(request).revocations)
    return RedirectResponse(STAFF_PAGE, status_code=303)


@router.post(
    "/nhan-su/{account_id}/dat-lai-mat-khau",
    response_class=HTMLResponse,
    dependencies=[CsrfProtected],
)
async def reset_password(
    request: Request,
    account_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    staff: AdminDep,
) -> HTMLResponse:
    account = await service.get_account(session, account_id)
    token = await service.reset_link(
        session, staff, account, runtime_of(request).revocations, hours=settings.invite_valid_hours
    )
    link = f"{settings.public_aggregator_url.rstrip('/')}/dat-mat-khau/{token}"
    return await _staff_page(request, session, staff, invited=account, link=link)


@router.post("/ma-truy-cap", response_class=HTMLResponse, dependencies=[CsrfProtected])
async def create_token(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    staff: AdminDep,
    name: Annotated[str, Form()] = "script",
    roles: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    try:
        token = await access.create_api_token(
            session, settings.signing_keys, staff, name, roles or [], days=settings.api_token_days
        )
    except DomainError as exc:
        return await _staff_page(request, session, staff, exc.status_code, error=exc.message)
    return await _staff_page(request, session, staff, 201, new_token=token)


@router.post("/ma-truy-cap/{token_id}/thu-hoi", dependencies=[CsrfProtected])
async def revoke_token(
    request: Request, token_id: str, session: SessionDep, staff: AdminDep
) -> Response:
    await access.revoke_api_token(session, staff, token_id, runtime_of(request).revocations)
    return RedirectResponse(STAFF_PAGE, status_code=303)


@router.get("/du-thao/{document_id}/nguoi-xem-xet", response_class=HTMLResponse)
async def reviewers_form(
    request: Request, document_id: uuid.UUID, session: SessionDep, staff: AdminDep
) -> HTMLResponse:
    return render(
        request,
        "reviewers.html",
        document=await session.get(AggregatedDocument, document_id),
        document_id=document_id,
        accounts=await service.list_accounts(session),
        chosen=await access.reviewers_of(session, document_id),
    )


@router.post("/du-thao/{document_id}/nguoi-xem-xet", dependencies=[CsrfProtected])
async def set_reviewers(
    document_id: uuid.UUID,
    session: SessionDep,
    staff: AdminDep,
    account_ids: Annotated[list[uuid.UUID] | None, Form()] = None,
) -> Response:
    await access.set_reviewers(session, staff, document_id, account_ids or [])
    return RedirectResponse(f"/quan-tri/du-thao/{document_id}/nguoi-xem-xet", status_code=303)
