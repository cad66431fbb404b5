"""What the feedback service does: accept comments, file them, keep the catalogue current.

Functions add and flush; the caller's unit of work commits, so a comment and its
``comments.v1`` outbox row are stored in one transaction before any receipt is given.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.feedback.models import CatalogueDocument, CatalogueSection, Comment
from shared import outbox
from shared.events import (
    AnyEvent,
    CommentSubmitted,
    CommentSubmittedPayload,
    DocumentState,
    topics,
    utcnow,
)
from shared.idempotency import claim_new
from shared.text import nfc, vn_date, vn_number
from shared.web import DomainError, NotFound

PRODUCER = "feedback"
CATALOGUE_CONSUMER = "feedback-catalogue"
# No 0/O, 1/I/L: a receipt is read aloud on the phone and typed on small keyboards.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class InvalidComment(DomainError):
    status_code = 422


@dataclass(frozen=True)
class CommentDraft:
    """A comment as it arrives from any channel, before it is checked and stored."""

    document_id: uuid.UUID
    section_id: uuid.UUID | None
    text: str
    name: str | None = None
    email: str | None = None
    organisation: str | None = None
    phone: str | None = None
    address: str | None = None


def new_receipt() -> str:
    """Ten symbols from a 31-letter alphabet (~49 bits): short, unambiguous, unguessable."""
    code = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def normalise_receipt(value: str) -> str:
    """Accept what people type: lower case, spaces, no dash, O for 0 and I for 1 mistakes."""
    cleaned = re.sub(r"[^A-Z0-9]", "", value.upper()).replace("0", "O").replace("1", "I")
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == RECEIPT_LENGTH else cleaned


def clean_text(value: str) -> str:
    """NFC, unified line ends, no control characters (what pasting from Word leaves behind)."""
    value = nfc(value).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    return _CONTROL_CHARS.sub("", value).strip()


def _optional(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    value = clean_text(value)
    return value[:limit] or None


async def check_window(
    session: AsyncSession, document_id: uuid.UUID, now: datetime
) -> CatalogueDocument:
    document = await session.get(CatalogueDocument, document_id)
    if document is None:
        raise InvalidComment("Không tìm thấy dự thảo này.", field="document_id")
    if document.status == "draft" or (document.opens_at and now < document.opens_at):
        when = f" từ ngày {vn_date(document.opens_at)}" if document.opens_at else ""
        raise InvalidComment(f"Dự thảo chưa mở lấy ý kiến{when}.", field="document_id")
    if document.status == "closed" or (document.closes_at and now > document.closes_at):
        raise InvalidComment(
            f"Đã hết thời hạn góp ý (hết ngày {vn_date(document.closes_at)}).", field="document_id"
        )
    return document


async def submit_comment(
    session: AsyncSession,
    draft: CommentDraft,
    *,
    channel: str,
    max_chars: int,
    now: datetime | None = None,
) -> Comment:
    """Check a comment against the catalogue and store it with its outbox event."""
    now = now or utcnow()
    await check_window(session, draft.document_id, now)
    if draft.section_id is not None:
        section = await session.get(CatalogueSection, draft.section_id)
        if section is None or section.document_id != draft.document_id:
            raise InvalidComment("Mục được góp ý không thuộc dự thảo này.", field="section_id")
    text = clean_text(draft.text)
    if not text:
        raise InvalidComment("Vui lòng nhập nội dung góp ý.", field="text")
    if len(text) > max_chars:
        raise InvalidComment(
            f"Nội dung góp ý dài {vn_number(len(text))} ký tự, "
            f"vượt quá giới hạn {vn_number(max_chars)} ký tự.",
            field="text",
        )
    comment = Comment(
        receipt=new_receipt(),
        document_id=draft.document_id,
        section_id=draft.section_id,
        channel=channel,
        text=text,
        name=_optional(draft.name, 200),
        organisation=_optional(draft.organisation, 300),
        email=_optional(draft.email, 254),
        phone=_optional(draft.phone, 40),
        address=_optional(draft.address, 500),
        received_at=now,
    )
    session.add(comment)
    event = CommentSubmitted(
        producer=PRODUCER,
        payload=CommentSubmittedPayload(
            comment_id=comment.id,
            document_id=comment.document_id,
            section_id=comment.section_id,
            channel=channel,  # type: ignore[arg-type]
            text=text,
            display_name=comment.name,
            organisation=comment.organisation,
            submitted_at=now,
        ),
    )
    outbox.add(session, topics.COMMENTS, event)
    await session.flush()
    return comment


async def find_by_receipt(session: AsyncSession, receipt: str) -> Comment:
    comment = (
        await session.execute(
            select(Comment).where(col(Comment.receipt) == normalise_receipt(receipt))
        )
    ).scalar_one_or_none()
    if comment is None:
        raise NotFound("Không tìm thấy ý kiến nào với mã biên nhận này.")
    return comment


async def apply_document_events(session: AsyncSession, events: list[AnyEvent]) -> None:
    """Bring the local catalogue up to date; an older event never overwrites a newer state."""
    fresh = await claim_new(session, CATALOGUE_CONSUMER, [e.event_id for e in events])
    for event in events:
        if event.event_id in fresh and isinstance(event.payload, DocumentState):
            await _apply_document_state(session, event.payload, event.occurred_at)


async def _apply_document_state(session: AsyncSession, state: DocumentState, at: datetime) -> None:
    document = await session.get(CatalogueDocument, state.document_id)
    if document is not None and document.event_at > at:
        return
    if document is None:
        document = CatalogueDocument(
            id=state.document_id,
            slug=state.slug,
            title=state.title,
            status=state.status,
            event_at=at,
        )
    document.slug, document.title, document.status = state.slug, state.title, state.status
    document.version, document.opens_at, document.closes_at = (
        state.version,
        state.opens_at,
        state.closes_at,
    )
    document.event_at = at
    session.add(document)
    await session.execute(
        delete(CatalogueSection).where(col(CatalogueSection.document_id) == state.document_id)
    )
    await session.flush()
    session.add_all(
        CatalogueSection(
            id=s.id,
            document_id=state.document_id,
            position=s.position,
            level=s.level,
            number=s.number,
            title=s.title,
            path=list(s.path),
        )
        for s in state.sections
    )
    await session.flush()
