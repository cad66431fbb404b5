"""The inbox: every message that arrives is kept, byte for byte, before anything else happens.

SMTP, IMAP and file imports all end here. Storing the original first is what makes a
``250`` (or a moved IMAP cursor) a receipt: reading, filing and acknowledging the message
are later steps that can be repeated after a crash without losing or doubling anything.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime
from email.parser import BytesHeaderParser
from email.policy import default as default_policy

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.feedback.mail.dedup import message_id_key
from services.feedback.models import CatalogueDocument, InboundMessage
from shared.events import utcnow

_HEADERS = BytesHeaderParser(policy=default_policy)


def header_message_id(raw: bytes) -> str | None:
    """The Message-ID header (as the reader compares them), or None when missing or unreadable."""
    try:
        value = _HEADERS.parsebytes(raw).get("Message-ID")
    except Exception:  # a broken header block still gets stored; the reader says why
        return None
    text = message_id_key(str(value)) if value else ""
    return text[:998] or None


def store_raw(
    session: AsyncSession,
    raw: bytes,
    *,
    source: str,
    envelope_from: str | None = None,
    envelope_to: list[str] | None = None,
    source_ref: str | None = None,
    document_id: uuid.UUID | None = None,
    received_at: datetime | None = None,
) -> InboundMessage:
    """Add the original message to the caller's transaction, waiting to be read."""
    message = InboundMessage(
        source=source,
        source_ref=source_ref,
        envelope_from=(envelope_from or None),
        envelope_to=[a.lower() for a in (envelope_to or [])],
        document_id=document_id,
        message_id=header_message_id(raw),
        sha256=hashlib.sha256(raw).hexdigest(),
        size=len(raw),
        raw=raw,
        received_at=received_at or utcnow(),
    )
    session.add(message)
    return message


def is_open(document: CatalogueDocument, now: datetime) -> bool:
    """Open for comments at this moment (published, inside its window)."""
    if document.status != "open":
        return False
    if document.opens_at and now < document.opens_at:
        return False
    return not (document.closes_at and now > document.closes_at)


def own_address(document: CatalogueDocument, mail_domain: str) -> str | None:
    """The per-document address the province's own domain gives each draft (slug@domain)."""
    return f"{document.slug}@{mail_domain}".lower() if mail_domain else None


async def documents_for_recipient(
    session: AsyncSession, address: str, mail_domain: str, now: datetime | None = None
) -> list[CatalogueDocument]:
    """The open documents that invite comments at this address (usually one)."""
    wanted = address.strip().strip("<>").lower()
    now = now or utcnow()
    documents = (await session.execute(select(CatalogueDocument))).scalars().all()
    own = [d for d in documents if is_open(d, now) and wanted == own_address(d, mail_domain)]
    if own:  # a draft's own address names it exactly
        return own
    return [d for d in documents if is_open(d, now) and wanted in (d.contact_emails or [])]


async def pending(session: AsyncSession, limit: int) -> list[InboundMessage]:
    """The oldest messages not yet read, for the processor."""
    query = (
        select(InboundMessage)
        .where(col(InboundMessage.status) == "pending")
        .order_by(col(InboundMessage.received_at))
        .limit(limit)
    )
    return list((await session.execute(query)).scalars().all())
