"""Sign-in, sign-out and setting a password: the pages every staff member passes through."""

from __future__ import annotations

import logging
import uuid
from typing import Annotated

from authlib.integrations.starlette_client import StarletteOAuth2App
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.aggregator.accounts import oidc, service
from services.aggregator.accounts.models import StaffAccount
from services.aggregator.accounts.views import client_ip, render
from services.aggregator.config import AggregatorSettings
from services.aggregator.deps import SessionDep, SettingsDep, StaffDep, runtime_of
from shared import audit
from shared.openapi import refusals
from shared.security import (
    CsrfProtected,
    clear_session_cookie,
    safe_next,
    set_session_cookie,
)
from shared.web import DomainError, NotFound, authenticate

log = logging.getLogger(__name__)
router = APIRouter()
PROVIDER_DOWN = "Không kết nối được tới dịch vụ đăng nhập. Vui lòng thử lại sau ít phút."
PROVIDER_CANCELLED = "Bạn đã huỷ đăng nhập tại dịch vụ một cửa; chưa có gì thay đổi."
PROVIDER_FAILED = "Đăng nhập qua dịch vụ một cửa không thành công. Vui lòng thử lại từ đầu."


def _login_page(
    request: Request, settings: AggregatorSettings, status_code: int = 200, **context: object
) -> HTMLResponse:
    """The sign-in page, offering the OpenID Connect provider too when one is configured."""
    label = settings.oidc_button_label if settings.oidc_enabled else ""
    return render(request, "login.html", status_code, oidc_label=label, **context)


def _signed_in(
    session: AsyncSession,
    settings: AggregatorSettings,
    account: StaffAccount,
    next: str,
    via: str,
) -> Response:
    """Record the sign-in and hand the browser its session cookie."""
    audit.record(
        session, str(account.id), "account.signed_in", "staff_account", account.id, via=via
    )
    response = RedirectResponse(safe_next(next, settings), status_code=303)
    ttl = int(settings.session_hours * 3600)
    set_session_cookie(response, settings, service.session_token(settings, account), ttl)
    return response


@router.get("/dang-nhap", response_class=HTMLResponse)
async def login_form(request: Request, settings: SettingsDep, next: str = "") -> HTMLResponse:
    return _login_page(request, settings, next=next)


@router.post(
    "/dang-nhap",
    response_class=HTMLResponse,
    dependencies=[CsrfProtected],
    responses=refusals(403, 429),
)
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
        return _login_page(
            request, settings, exc.status_code, next=next, email=email, error=exc.message
        )
    return _signed_in(session, settings, account, next, via="password")


@router.get("/dang-nhap/oidc")
async def provider_login(request: Request, settings: SettingsDep, next: str = "") -> Response:
    """Send the browser to the OpenID Connect provider, remembering where it was going."""
    client = _provider(request)
    request.session.clear()
    request.session["next"] = safe_next(next, settings)
    try:
        return await client.authorize_redirect(request, oidc.redirect_uri(settings))  # type: ignore[no-any-return]
    except oidc.PROTOCOL_ERRORS:
        log.exception("OpenID Connect provider unreachable")
        return _login_page(request, settings, 502, next=next, error=PROVIDER_DOWN)


@router.get("/dang-nhap/oidc/callback")
async def provider_callback(
    request: Request, session: SessionDep, settings: SettingsDep
) -> Response:
    """The provider sends the browser back here with a code; sign the person in."""
    client = _provider(request)
    next = str(request.session.get("next", ""))
    try:
        claims = await oidc.verified_claims(client, settings, request)
        identity = oidc.identity_from_claims(settings, claims)
        account = await oidc.account_for(session, identity, runtime_of(request).revocations)
    except oidc.ProviderRefused as exc:
        return _login_page(request, settings, exc.status_code, next=next, error=exc.message)
    except oidc.PROTOCOL_ERRORS as exc:
        log.warning("OpenID Connect sign-in refused: %r", exc)
        cancelled = request.query_params.get("error") == "access_denied"
        message = PROVIDER_CANCELLED if cancelled else PROVIDER_FAILED
        return _login_page(request, settings, 400, next=next, error=message)
    finally:
        request.session.clear()
    return _signed_in(session, settings, account, next, via="oidc")


def _provider(request: Request) -> StarletteOAuth2App:
    client: StarletteOAuth2App | None = request.app.state.oidc
    if client is None:
        raise NotFound("Chưa cấu hình đăng nhập qua dịch vụ một cửa.")
    return client


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
