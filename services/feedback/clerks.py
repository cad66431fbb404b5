"""What the secretariat's clerks (văn thư) do: settle quarantined mail, enter postal letters.

Every action goes through the one intake path (``CommentIntake.accept``, with the clerk
as actor, so the audit line is written with the comment) and is recorded with who and when.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.feedback import scans
from services.feedback.intake import CommentIntake, Receipt, Source, idempotency_key
from services.feedback.models import (
    CatalogueDocument,
    CatalogueSection,
    Comment,
    InboundMessage,
    LetterScan,
)
from services.feedback.service import CommentDraft
from shared import audit
from shared.auth import Staff
from shared.db import unit_of_work
from shared.events import utcnow
from shared.text import LOCAL_TZ
from shared.web import DomainError, found

QUEUE_PAGE = 50


@dataclass(frozen=True)
class Piece:
    """One part of a message or letter, filed under one section (None: the whole draft)."""

    section_id: uuid.UUID | None
    text: str


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


async def status_counts(session: AsyncSession) -> Counter[str]:
    query = select(col(InboundMessage.status), func.count()).group_by(col(InboundMessage.status))
    return Counter({status: int(n) for status, n in (await session.execute(query)).all()})


async def quarantine(
    session: AsyncSession, status: str = "quarantined", before: datetime | None = None
) -> list[InboundMessage]:
    """Newest first, one page at a time (keyset on the time received)."""
    query = select(InboundMessage).where(col(InboundMessage.status) == status)
    if before is not None:
        query = query.where(col(InboundMessage.received_at) < before)
    query = query.order_by(col(InboundMessage.received_at).desc()).limit(QUEUE_PAGE)
    return list((await session.execute(query)).scalars().all())


async def get_message(session: AsyncSession, message_id: uuid.UUID) -> InboundMessage:
    return found(await session.get(InboundMessage, message_id), "Không tìm thấy thư này.")


async def open_documents(session: AsyncSession) -> list[CatalogueDocument]:
    query = select(CatalogueDocument).where(col(CatalogueDocument.status) == "open")
    return list((await session.execute(query.order_by(col(CatalogueDocument.title)))).scalars())


async def sections_of(session: AsyncSession, document_id: uuid.UUID) -> list[CatalogueSection]:
    query = (
        select(CatalogueSection)
        .where(col(CatalogueSection.document_id) == document_id)
        .order_by(col(CatalogueSection.position))
    )
    return list((await session.execute(query)).scalars().all())


def _pieces_or_refuse(pieces: list[Piece]) -> list[Piece]:
    kept = [p for p in pieces if p.text.strip()]
    if not kept:
        raise DomainError("Cần nhập nội dung ý kiến cho ít nhất một mục.", status_code=422)
    return kept


async def file_message(
    sessions: async_sessionmaker[AsyncSession],
    intake: CommentIntake,
    message_id: uuid.UUID,
    document_id: uuid.UUID,
    pieces: list[Piece],
    clerk: Staff,
) -> list[Receipt]:
    """File a quarantined message under one or more sections (the clerk splits the text)."""
    pieces = _pieces_or_refuse(pieces)
    async with sessions() as session:
        message = await get_message(session, message_id)
        if message.status not in ("quarantined", "pending"):
            raise DomainError("Thư này đã được xử lý.", status_code=409)
    receipts = []
    for index, piece in enumerate(pieces):
        draft = CommentDraft(
            document_id=document_id,
            section_id=piece.section_id,
            text=piece.text,
            name=message.sender_name,
            email=message.sender_email,
            received_at=message.received_at,
            source_ref=message.message_id or f"inbound:{message.id}",
            idempotency_key=idempotency_key("clerk-file", message.id, index, piece.text),
        )
        receipts.append(await intake.accept(draft, Source(channel="email", actor=clerk)))
    async with unit_of_work(sessions) as session:
        message = await get_message(session, message_id)
        message.status, message.document_id = "accepted", document_id
        message.comment_ids = [str(r.comment_id) for r in receipts]
        message.handled_by, message.processed_at = clerk.subject, utcnow()
        session.add(message)
        audit.record(
            session, clerk, "mail.filed", "inbound_message", message.id, comments=len(receipts)
        )
    return receipts


async def dismiss_message(
    session: AsyncSession, message_id: uuid.UUID, clerk: Staff, note: str
) -> InboundMessage:
    """Mark a quarantined message as not a comment (kept, with the clerk's reason)."""
    message = await get_message(session, message_id)
    if message.status not in ("quarantined", "pending", "rejected_spam"):
        raise DomainError("Thư này đã được xử lý.", status_code=409)
    message.status = "not_a_comment"
    message.reason = note.strip() or "Văn thư xác định không phải ý kiến góp ý."
    message.handled_by, message.processed_at = clerk.subject, utcnow()
    session.add(message)
    audit.record(session, clerk, "mail.dismissed", "inbound_message", message.id)
    return message


def received_at_of(day: date) -> datetime:
    """A letter received on a local day counts from midday of that day (UTC stored)."""
    if day > utcnow().astimezone(LOCAL_TZ).date():
        raise DomainError("Ngày nhận thư không thể ở tương lai.", status_code=422, field="received")
    return datetime.combine(day, time(12, 0), LOCAL_TZ).astimezone(UTC)


@dataclass(frozen=True)
class Letter:
    """A postal letter as the clerk types it in."""

    document_id: uuid.UUID
    received_on: date
    pieces: list[Piece]
    name: str | None = None
    organisation: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    register_number: str | None = None
    form_key: str = ""


async def enter_letter(
    sessions: async_sessionmaker[AsyncSession],
    intake: CommentIntake,
    letter: Letter,
    uploads: list[Upload],
    clerk: Staff,
    scan_root: Path,
    max_scan_bytes: int,
) -> list[Receipt]:
    """Store the scans, then each comment of the letter (channel ``post``), then link them."""
    pieces = _pieces_or_refuse(letter.pieces)
    checked = [(u, scans.check_scan(u.data, u.name, max_scan_bytes)) for u in uploads if u.data]
    received_at = received_at_of(letter.received_on)
    stored = [(u, kind, scans.store_scan(scan_root, u.data)) for u, kind in checked]
    receipts = []
    for index, piece in enumerate(pieces):
        draft = CommentDraft(
            document_id=letter.document_id,
            section_id=piece.section_id,
            text=piece.text,
            name=letter.name,
            organisation=letter.organisation,
            address=letter.address,
            phone=letter.phone,
            email=letter.email,
            received_at=received_at,
            source_ref=letter.register_number or None,
            idempotency_key=idempotency_key("letter", letter.form_key, index, piece.text)
            if letter.form_key
            else None,
        )
        receipts.append(await intake.accept(draft, Source(channel="post", actor=clerk)))
    if stored and not any(r.repeated for r in receipts):
        async with unit_of_work(sessions) as session:
            for page, (upload, kind, digest) in enumerate(stored, start=1):
                for receipt in receipts:
                    session.add(
                        LetterScan(
                            comment_id=receipt.comment_id,
                            sha256=digest,
                            content_type=kind,
                            size=len(upload.data),
                            original_name=Path(upload.name).name[:255] or None,
                            page=page,
                            uploaded_by=clerk.subject,
                        )
                    )
    return receipts


async def comments_by_id(session: AsyncSession, ids: list[uuid.UUID]) -> list[Comment]:
    query = select(Comment).where(col(Comment.id).in_(ids)).order_by(col(Comment.received_at))
    return list((await session.execute(query)).scalars().all())


async def scans_of(session: AsyncSession, comment_ids: list[uuid.UUID]) -> list[LetterScan]:
    query = (
        select(LetterScan)
        .where(col(LetterScan.comment_id).in_(comment_ids))
        .order_by(col(LetterScan.page))
    )
    return list((await session.execute(query)).scalars().all())


async def scan_by_hash(session: AsyncSession, sha256: str) -> LetterScan:
    query = select(LetterScan).where(col(LetterScan.sha256) == sha256).limit(1)
    scan = (await session.execute(query)).scalar_one_or_none()
    return found(scan, "Không tìm thấy bản quét này.")
