"""API tokens for scripts and per-document reviewer lists: who may do what, beyond roles."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.accounts.models import ApiToken, DocumentReviewer, StaffAccount
from services.aggregator.accounts.service import clean_roles, revoke_token
from shared import audit
from shared.auth import Staff, issue_token, token_digest
from shared.events import utcnow
from shared.revocation import RevocationList
from shared.web import found


async def create_api_token(
    session: AsyncSession,
    keys: list[str],
    actor: Staff | str,
    name: str,
    roles: Iterable[str],
    *,
    days: int,
) -> str:
    """Issue a bearer token and keep only its digest, so it can be listed and revoked."""
    chosen = clean_roles(roles)
    token_id = uuid.uuid4().hex
    ttl = timedelta(days=days)
    token = issue_token(
        keys, f"token:{name}", chosen, ttl=ttl, kind="api", name=name, token_id=token_id
    )
    session.add(
        ApiToken(
            id=token_id,
            name=name[:200],
            roles=chosen,
            token_digest=token_digest(token),
            created_by=actor.subject if isinstance(actor, Staff) else actor,
            expires_at=utcnow() + ttl,
        )
    )
    audit.record(session, actor, "token.created", "api_token", token_id, name=name, roles=chosen)
    await session.flush()
    return token


async def list_api_tokens(session: AsyncSession) -> Sequence[ApiToken]:
    query = select(ApiToken).order_by(col(ApiToken.created_at).desc())
    return (await session.execute(query)).scalars().all()


async def revoke_api_token(
    session: AsyncSession, actor: Staff, token_id: str, revocations: RevocationList
) -> ApiToken:
    """Refuse a script's token in every service from now on."""
    row = found(await session.get(ApiToken, token_id), "Không tìm thấy mã truy cập.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        revoked = Staff(
            subject=f"token:{row.name}",
            token_id=row.id,
            expires_at=int(row.expires_at.timestamp()),
        )
        revoke_token(session, actor, revoked, revocations, action="token.revoked")
    await session.flush()
    return row


async def reviewers_of(session: AsyncSession, document_id: uuid.UUID) -> set[uuid.UUID]:
    query = select(col(DocumentReviewer.account_id)).where(
        col(DocumentReviewer.document_id) == document_id
    )
    return set((await session.execute(query)).scalars())


async def may_review(session: AsyncSession, staff: Staff, document_id: uuid.UUID) -> bool:
    """Admins always; otherwise anyone with the role, unless the document names its reviewers."""
    if "admin" in staff.roles:
        return True
    allowed = await reviewers_of(session, document_id)
    return not allowed or staff.subject in {str(a) for a in allowed}


async def set_reviewers(
    session: AsyncSession,
    actor: Staff,
    document_id: uuid.UUID,
    account_ids: Iterable[uuid.UUID],
) -> set[uuid.UUID]:
    """Replace a document's reviewer list; an empty list lifts the restriction."""
    chosen = set(account_ids)
    known = set(
        (
            await session.execute(
                select(col(StaffAccount.id)).where(col(StaffAccount.id).in_(chosen))
            )
        ).scalars()
    )
    await session.execute(
        delete(DocumentReviewer).where(col(DocumentReviewer.document_id) == document_id)
    )
    session.add_all(DocumentReviewer(document_id=document_id, account_id=a) for a in known)
    audit.record(
        session,
        actor,
        "document.reviewers_set",
        "document",
        document_id,
        reviewers=sorted(str(a) for a in known),
    )
    await session.flush()
    return known
