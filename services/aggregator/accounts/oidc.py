"""Sign-in through an OpenID Connect provider (Keycloak, ...) beside local passwords.

Authlib speaks the protocol: discovery, state, nonce, PKCE, the code exchange and the
ID token's signature, issuer, audience and expiry. This module decides who the person
is here. The provider's subject is linked to one staff account, found by an earlier
link or by a verified e-mail address. Roles come from a claim the provider sends when
``AGGREGATOR_OIDC_ROLES_CLAIM`` is set (the provider then governs who may do what, and
accounts are created on first sign-in); otherwise from the account as admins set it here,
so only people already invited may sign in through the provider.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.starlette_client import OAuth, StarletteOAuth2App
from joserfc.errors import JoseError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.accounts import service
from services.aggregator.accounts.models import StaffAccount
from services.aggregator.config import AggregatorSettings
from shared import audit
from shared.auth import ROLES
from shared.revocation import RevocationList
from shared.web import DomainError

log = logging.getLogger(__name__)

CALLBACK_PATH = "/dang-nhap/oidc/callback"
STATE_COOKIE = "gopy_oidc"
STATE_MAX_AGE_SECONDS = 600
#: What can go wrong in the exchange with the provider: refused, forged, unreachable.
PROTOCOL_ERRORS = (AuthlibBaseError, JoseError, httpx.HTTPError, ValueError)


class ProviderRefused(DomainError):
    """The provider vouched for the person, but Góp Ý does not let them in."""

    status_code = 403


NOT_INVITED = ProviderRefused(
    "Tài khoản của bạn chưa được cấp quyền sử dụng Góp Ý. "
    "Vui lòng liên hệ quản trị viên để được mời."
)


@dataclass(frozen=True)
class ProviderIdentity:
    """The person as the provider describes them; ``roles`` is None when it says nothing."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str
    roles: frozenset[str] | None


def build_client(settings: AggregatorSettings) -> StarletteOAuth2App | None:
    """The provider's client, configured by discovery from the issuer; None when off."""
    if not settings.oidc_enabled:
        return None
    oauth = OAuth()
    client: StarletteOAuth2App = oauth.register(
        "provider",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=settings.oidc_issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            "timeout": settings.oidc_timeout_seconds,
        },
    )
    return client


def redirect_uri(settings: AggregatorSettings) -> str:
    return settings.public_aggregator_url.rstrip("/") + CALLBACK_PATH


async def verified_claims(
    client: StarletteOAuth2App, settings: AggregatorSettings, request: Any
) -> dict[str, Any]:
    """Exchange the code and return the ID token's claims, completed from ``userinfo``.

    The ID token must name our issuer and our client; the userinfo answer is only
    trusted when it is about the same subject.
    """
    token = await client.authorize_access_token(
        request,
        claims_options={
            "iss": {"essential": True, "value": settings.oidc_issuer},
            "aud": {"essential": True, "value": settings.oidc_client_id},
        },
    )
    id_claims = token.get("userinfo")
    if not id_claims:
        raise ValueError("the provider returned no ID token")
    claims = dict(id_claims)
    metadata = await client.load_server_metadata()
    if metadata.get("userinfo_endpoint"):
        extra = await client.userinfo(token=token)
        if extra.get("sub") == claims["sub"]:
            claims = {**dict(extra), **claims}
    return claims


def _claim_at(claims: Mapping[str, Any], path: str) -> Any:
    value: Any = claims
    for part in path.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def roles_from_claims(settings: AggregatorSettings, claims: Mapping[str, Any]) -> frozenset[str]:
    """Our roles among the provider's; with a role map, only mapped names count."""
    raw = _claim_at(claims, settings.oidc_roles_claim)
    names = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    mapping = settings.oidc_roles
    roles = {mapping.get(str(n), "" if mapping else str(n)) for n in names}
    return frozenset(roles & set(ROLES))


def identity_from_claims(
    settings: AggregatorSettings, claims: Mapping[str, Any]
) -> ProviderIdentity:
    return ProviderIdentity(
        issuer=str(claims["iss"]),
        subject=str(claims["sub"]),
        email=service.normalize_email(str(claims.get("email") or "")),
        email_verified=claims.get("email_verified") is True,
        name=str(claims.get("name") or "").strip()[:200],
        roles=roles_from_claims(settings, claims) if settings.oidc_roles_claim else None,
    )


async def _linked_account(session: AsyncSession, identity: ProviderIdentity) -> StaffAccount | None:
    query = select(StaffAccount).where(
        col(StaffAccount.oidc_issuer) == identity.issuer,
        col(StaffAccount.oidc_subject) == identity.subject,
    )
    return (await session.execute(query)).scalars().first()


async def _account_by_verified_email(
    session: AsyncSession, identity: ProviderIdentity
) -> StaffAccount | None:
    if not (identity.email_verified and "@" in identity.email):
        return None
    account = await service.find_by_email(session, identity.email)
    if account is not None and account.oidc_subject is not None:
        raise ProviderRefused(
            "Địa chỉ thư điện tử này đã gắn với một tài khoản đăng nhập khác. "
            "Vui lòng liên hệ quản trị viên."
        )
    return account


async def account_for(
    session: AsyncSession, identity: ProviderIdentity, revocations: RevocationList
) -> StaffAccount:
    """The staff account this person signs in as: linked, matched, or (roles from the
    provider) created; roles the provider sends replace the account's.

    Every refusal comes before the first change, so a refused sign-in changes nothing.
    """
    if identity.roles is not None and not identity.roles:
        raise NOT_INVITED
    account = await _linked_account(session, identity)
    if account is None:
        account = await _account_by_verified_email(session, identity)
    if account is None:
        if identity.roles is None:
            raise NOT_INVITED
        account = await _create(session, identity)
    elif not account.active:
        raise ProviderRefused("Tài khoản của bạn đã bị khoá. Vui lòng liên hệ quản trị viên.")
    elif account.oidc_subject is None:
        _link(session, account, identity, "account.oidc_linked")
    if identity.roles is not None and set(account.roles) != identity.roles:
        await _sync_roles(session, account, identity.roles, revocations)
    if identity.name and not account.display_name:
        account.display_name = identity.name
    await session.flush()
    return account


def _link(
    session: AsyncSession, account: StaffAccount, identity: ProviderIdentity, action: str
) -> None:
    account.oidc_issuer, account.oidc_subject = identity.issuer, identity.subject
    audit.record(
        session, str(account.id), action, "staff_account", account.id, issuer=identity.issuer
    )


async def _create(session: AsyncSession, identity: ProviderIdentity) -> StaffAccount:
    """A first sign-in of someone the provider gives roles to: an account without password."""
    if not (identity.email_verified and "@" in identity.email):
        raise ProviderRefused(
            "Dịch vụ đăng nhập không cung cấp địa chỉ thư điện tử đã xác minh của bạn. "
            "Vui lòng liên hệ quản trị viên."
        )
    if await service.find_by_email(session, identity.email) is not None:
        raise NOT_INVITED  # taken by an account this identity may not claim
    account = StaffAccount(
        email=identity.email, display_name=identity.name, roles=sorted(identity.roles or ())
    )
    session.add(account)
    await session.flush()
    _link(session, account, identity, "account.oidc_created")
    return account


async def _sync_roles(
    session: AsyncSession,
    account: StaffAccount,
    roles: frozenset[str],
    revocations: RevocationList,
) -> None:
    """The provider changed the person's roles: older sessions must not keep the old ones."""
    before = list(account.roles)
    account.roles = sorted(roles)
    audit.record(
        session,
        f"oidc:{account.oidc_issuer}",
        "account.roles_synced",
        "staff_account",
        account.id,
        before={"roles": before},
        after={"roles": account.roles},
    )
    await service.revoke_sessions(
        session, str(account.id), account, revocations, action="account.roles_synced_signout"
    )
