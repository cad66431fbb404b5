"""Erase commenters' personal data a fixed time after their consultation closed.

The privacy notice (Decree 13/2023/ND-CP) promises deletion at most 12 months after the
window closes; the comment text stays, since the subcommittee's report rests on it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.feedback.models import CatalogueDocument, Comment, MailMessage
from shared.events import erase_if_closed_before


async def erase_personal_data(session: AsyncSession, now: datetime, months: int) -> int:
    """Blank name, organisation, e-mail, phone, address and the client key; return comments."""
    expired = select(col(CatalogueDocument.id)).where(
        col(CatalogueDocument.closes_at) < erase_if_closed_before(now, months)
    )
    result = await session.execute(
        update(Comment)
        .where(col(Comment.document_id).in_(expired))
        .where(
            col(Comment.name).is_not(None)
            | col(Comment.organisation).is_not(None)
            | col(Comment.email).is_not(None)
            | col(Comment.phone).is_not(None)
            | col(Comment.address).is_not(None)
            | col(Comment.client_key).is_not(None)
        )
        .values(name=None, organisation=None, email=None, phone=None, address=None, client_key=None)
    )
    of_expired = select(col(Comment.id)).where(col(Comment.document_id).in_(expired))
    await session.execute(delete(MailMessage).where(col(MailMessage.comment_id).in_(of_expired)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
