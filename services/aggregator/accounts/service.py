"""Staff accounts: passwords, sign-in with throttling, invitations, roles, sign-out everywhere.

Helpers add and flush, never commit. Every revocation is written to the outbox
(``staff.v1``) in the same transaction as the change, and applied at once to this
instance's own revocation list so the person acting sees the effect immediately.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.accounts.models import LoginFailure, StaffAccount
from services.aggregator.config import AggregatorSettings
from shared import audit, outbox
from shared.auth import ROLES, Staff, issue_token
from shared.events import (
    SessionsRevokedPayload,
    StaffSessionsRevoked,
    StaffTokenRevoked,
    TokenRevokedPayload,
    topics,
    utcnow,
)
from shared.revocation import RevocationList
from shared.web import DomainError, NotFound, found

PRODUCER = "aggregator"
MIN_PASSWORD_CHARS = 10
BAD_CREDENTIALS = "Thư điện tử hoặc mật khẩu không đúng."
_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))  # verified against when no account matches


class LoginRefused(DomainError):
    status_code = 401


class InvalidAccountInput(DomainError):
    status_code = 422


def normalize_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    """Argon2id with the library's current parameters."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise InvalidAccountInput(
            f"Mật khẩu cần ít nhất {MIN_PASSWORD_CHARS} ký tự.", field="password"
        )
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Constant work whether or not the account exists, so timing reveals nothing."""
    try:
        return _hasher.verify(stored or _DUMMY_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def clean_roles(roles: Iterable[str]) -> list[str]:
    chosen = sorted({r for r in roles if r})
    unknown = set(chosen) - set(ROLES)
    if unknown or not chosen:
        raise InvalidAccountInput("Cần chọn ít nhất một vai trò hợp lệ.", field="roles")
    return chosen


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


async def find_by_email(session: AsyncSession, email: str) -> StaffAccount | None:
    query = select(StaffAccount).where(col(StaffAccount.email) == normalize_email(email))
    return (await session.execute(query)).scalars().first()


async def get_account(session: AsyncSession, account_id: uuid.UUID) -> StaffAccount:
    return found(await session.get(StaffAccount, account_id), "Không tìm thấy tài khoản.")


async def list_accounts(session: AsyncSession) -> Sequence[StaffAccount]:
    query = select(StaffAccount).order_by(col(StaffAccount.email))
    return (await session.execute(query)).scalars().all()


async def _failures_since(session: AsyncSession, by: str, value: str, since: datetime) -> int:
    column = col(LoginFailure.username) if by == "username" else col(LoginFailure.ip)
    query = select(func.count()).where(column == value, col(LoginFailure.failed_at) >= since)
    return int((await session.execute(query)).scalar_one())


async def sign_in(
    session: AsyncSession, settings: AggregatorSettings, email: str, password: str, ip: str
) -> StaffAccount:
    """Check the password unless this account name or address has failed too often lately."""
    username = normalize_email(email)[:320]
    since = utcnow() - timedelta(minutes=settings.login_window_minutes)
    by_account = await _failures_since(session, "username", username, since)
    by_ip = await _failures_since(session, "ip", ip, since)
    if (
        by_account >= settings.login_max_failures_per_account
        or by_ip >= settings.login_max_failures_per_ip
    ):
        raise LoginRefused(
            "Bạn đã đăng nhập sai quá nhiều lần. Vui lòng thử lại sau "
            f"{settings.login_window_minutes} phút.",
            status_code=429,
        )
    account = await find_by_email(session, username)
    stored = account.password_hash if account is not None else None
    if not password_matches(stored, password) or account is None or not account.active:
        session.add(LoginFailure(username=username, ip=ip[:64]))
        await session.flush()
        raise LoginRefused(BAD_CREDENTIALS)
    await session.execute(delete(LoginFailure).where(col(LoginFailure.username) == username))
    if _hasher.check_needs_rehash(stored or ""):
        account.password_hash = _hasher.hash(password)
    return account


def session_token(settings: AggregatorSettings, account: StaffAccount) -> str:
    """A signed session every service accepts until it expires or is revoked."""
    return issue_token(
        settings.signing_keys,
        str(account.id),
        account.roles,
        ttl=timedelta(hours=settings.session_hours),
        epoch=account.session_epoch,
        name=account.display_name or account.email,
    )


def _new_setup_link(account: StaffAccount, hours: int) -> str:
    token = secrets.token_urlsafe(32)
    account.setup_token_hash = digest(token)
    account.setup_expires_at = utcnow() + timedelta(hours=hours)
    return token


async def invite(
    session: AsyncSession,
    actor: Staff | str,
    email: str,
    display_name: str,
    roles: Iterable[str],
    *,
    valid_hours: int,
) -> tuple[StaffAccount, str]:
    """Create an account without a password; return it with a one-time set-password token."""
    address = normalize_email(email)
    if "@" not in address or len(address) > 320:
        raise InvalidAccountInput("Địa chỉ thư điện tử không hợp lệ.", field="email")
    if await find_by_email(session, address) is not None:
        raise InvalidAccountInput("Đã có tài khoản với địa chỉ này.", field="email")
    account = StaffAccount(
        email=address, display_name=display_name.strip()[:200], roles=clean_roles(roles)
    )
    token = _new_setup_link(account, valid_hours)
    session.add(account)
    await session.flush()
    audit.record(
        session, actor, "account.invited", "staff_account", account.id, roles=account.roles
    )
    return account, token


async def create_admin(
    session: AsyncSession, email: str, password: str, display_name: str = ""
) -> StaffAccount:
    """The first administrator, from the command line."""
    account, _token = await invite(session, "cli", email, display_name, ["admin"], valid_hours=0)
    account.password_hash = hash_password(password)
    account.setup_token_hash = account.setup_expires_at = None
    await session.flush()
    return account


async def has_admin(session: AsyncSession) -> bool:
    """Whether an active administrator exists (``make run`` then stops showing how to make one)."""
    return any("admin" in (a.roles or []) and a.active for a in await list_accounts(session))


async def reset_link(
    session: AsyncSession,
    actor: Staff,
    account: StaffAccount,
    revocations: RevocationList,
    *,
    hours: int,
) -> str:
    """A fresh set-password link; the old password and sessions stop working."""
    token = _new_setup_link(account, hours)
    account.password_hash = None
    await revoke_sessions(session, actor, account, revocations, action="account.password_reset")
    return token


async def account_for_setup(session: AsyncSession, token: str) -> StaffAccount:
    query = select(StaffAccount).where(col(StaffAccount.setup_token_hash) == digest(token))
    account = (await session.execute(query)).scalars().first()
    expires = account.setup_expires_at if account is not None else None
    if account is None or expires is None or expires < utcnow() or not account.active:
        raise NotFound("Liên kết đặt mật khẩu không hợp lệ hoặc đã hết hạn.")
    return account


async def set_password(
    session: AsyncSession, token: str, password: str, revocations: RevocationList
) -> StaffAccount:
    """Use a one-time link: set the password, then forget the link."""
    account = await account_for_setup(session, token)
    account.password_hash = hash_password(password)
    account.setup_token_hash = account.setup_expires_at = None
    await revoke_sessions(
        session, str(account.id), account, revocations, action="account.password_set"
    )
    return account


async def revoke_sessions(
    session: AsyncSession,
    actor: Staff | str,
    account: StaffAccount,
    revocations: RevocationList,
    *,
    action: str = "account.signed_out_everywhere",
) -> None:
    """Sign the account out of every service: raise its epoch and tell the others."""
    account.session_epoch += 1
    session.add(account)
    subject = str(account.id)
    payload = SessionsRevokedPayload(subject=subject, session_epoch=account.session_epoch)
    outbox.add(session, topics.STAFF, StaffSessionsRevoked(producer=PRODUCER, payload=payload))
    revocations.revoke_sessions(subject, account.session_epoch)
    audit.record(session, actor, action, "staff_account", account.id)
    await session.flush()


def revoke_token(
    session: AsyncSession,
    actor: Staff | str,
    token: Staff,
    revocations: RevocationList,
    *,
    action: str,
) -> None:
    """Refuse one token everywhere from now on (sign-out of this browser, a script's token)."""
    expires = datetime.fromtimestamp(token.expires_at or 0, tz=UTC)
    payload = TokenRevokedPayload(
        subject=token.subject, token_id=token.token_id, expires_at=expires
    )
    outbox.add(session, topics.STAFF, StaffTokenRevoked(producer=PRODUCER, payload=payload))
    revocations.revoke_token(token.token_id, expires)
    audit.record(session, actor, action, "token", token.token_id)


async def change_roles(
    session: AsyncSession,
    actor: Staff,
    account: StaffAccount,
    roles: Iterable[str],
    active: bool,
    revocations: RevocationList,
) -> None:
    """New roles or a disabled account take effect at once: existing sessions are revoked."""
    chosen = clean_roles(roles)
    if str(account.id) == actor.subject and ("admin" not in chosen or not active):
        raise InvalidAccountInput("Không thể tự bỏ quyền quản trị của chính mình.", field="roles")
    before = {"roles": list(account.roles), "active": account.active}
    account.roles, account.active = chosen, active
    audit.record(
        session,
        actor,
        "account.roles_changed",
        "staff_account",
        account.id,
        before=before,
        after={"roles": chosen, "active": active},
    )
    await revoke_sessions(session, actor, account, revocations)
