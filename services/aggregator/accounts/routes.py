"""Sign-in, sign-out and setting a password: the pages every staff member passes through."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from services.aggregator.accounts import service
from services.aggregator.accounts.views import client_ip, render
from services.aggregator.deps import SessionDep, SettingsDep, StaffDep, runtime_of
from shared import audit
from shared.security import (
    CsrfProtected,
    clear_session_cookie,
    safe_next,
    set_session_cookie,
)
from shared.web import DomainError, authenticate

router = APIRouter()


@router.get("/dang-nhap", response_class=HTMLResponse)
async def login_form(request: Request, next: str = "") -> HTMLResponse:
    return render(request, "login.html", next=next)


@router.post("/dang-nhap", response_class=HTMLResponse, dependencies=[CsrfProtected])
async def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    email: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    try:
        account = await service.sign_in(session, settings, email, password, client_ip(request))
    except service.LoginRefused as exc:
        return render(
            request, "login.html", exc.status_code, next=next, email=email, error=exc.message
        )
    audit.record(session, str(account.id), "account.signed_in", "staff_account", account.id)
    response = RedirectResponse(safe_next(next, settings), status_code=303)
    ttl = int(settings.session_hours * 3600)
    set_session_cookie(response, settings, service.session_token(settings, account), ttl)
    return response


@router.post("/dang-xuat", dependencies=[CsrfProtected])
async def logout(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """Sign this browser out: the token itself is revoked, so a copied cookie is useless."""
    staff = authenticate(request, settings.signing_keys)
    if staff is not None:
        revocations = runtime_of(request).revocations
        service.revoke_token(session, staff, staff, revocations, action="account.signed_out")
    response = RedirectResponse("/dang-nhap", status_code=303)
    clear_session_cookie(response, settings)
    return response


@router.post("/dang-xuat-moi-noi", dependencies=[CsrfProtected])
async def logout_everywhere(
    request: Request, staff: StaffDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """Sign the account out on every device and every service."""
    if staff.kind != "session":
        raise DomainError("Chỉ tài khoản đăng nhập mới dùng được chức năng này.", status_code=403)
    account = await service.get_account(session, _account_id(staff.subject))
    await service.revoke_sessions(session, staff, account, runtime_of(request).revocations)
    response = RedirectResponse("/dang-nhap", status_code=303)
    clear_session_cookie(response, settings)
    return response


@router.get("/dat-mat-khau/{token}", response_class=HTMLResponse)
async def password_form(request: Request, token: str, session: SessionDep) -> HTMLResponse:
    try:
        account = await service.account_for_setup(session, token)
    except DomainError as exc:
        return render(request, "set_password.html", exc.status_code, error=exc.message)
    return render(request, "set_password.html", account=account, token=token)


@router.post("/dat-mat-khau/{token}", response_class=HTMLResponse, dependencies=[CsrfProtected])
async def set_password(
    request: Request,
    token: str,
    session: SessionDep,
    password: Annotated[str, Form()] = "",
    confirm: Annotated[str, Form()] = "",
) -> Response:
    try:
        if password != confirm:
            raise service.InvalidAccountInput("Hai lần nhập mật khẩu không khớp nhau.")
        await service.set_password(session, token, password, runtime_of(request).revocations)
    except DomainError as exc:
        account = await _setup_account_or_none(session, token)
        return render(
            request,
            "set_password.html",
            exc.status_code,
            account=account,
            token=token if account else "",
            error=exc.message,
        )
    return RedirectResponse("/dang-nhap?da_dat_mat_khau=1", status_code=303)


async def _setup_account_or_none(session: SessionDep, token: str) -> object | None:
    try:
        return await service.account_for_setup(session, token)
    except DomainError:
        return None


def _account_id(subject: str) -> uuid.UUID:
    try:
        return uuid.UUID(subject)
    except ValueError as exc:
        raise DomainError("Tài khoản không hợp lệ.", status_code=403) from exc
