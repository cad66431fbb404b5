"""What the feedback service does: accept comments, file them, keep the catalogue current.

Functions add and flush; the caller's unit of work commits, so a comment and its
``comments.v1`` outbox row are stored in one transaction before any receipt is given.
"""

from __future__ import annotations

import re
import secrets
import uuid
from dataclasses import dataclass, fields
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.feedback import acknowledgements, commenters, intake_catalogue, validation
from services.feedback.intake_catalogue import CatalogueCache, DocumentWindow
from services.feedback.models import CatalogueDocument, CatalogueSection, Comment
from services.feedback.validation import InvalidComment, clean_text
from shared import bulk, outbox
from shared.events import (
    AnyEvent,
    CommentStatusPayload,
    CommentSubmitted,
    CommentSubmittedPayload,
    CommentWithdrawn,
    DocumentState,
    topics,
    utcnow,
)
from shared.idempotency import claim_new
from shared.ids import new_id
from shared.text import vn_date
from shared.web import DomainError, NotFound

__all__ = ["InvalidComment", "clean_text"]

PRODUCER = "feedback"
CATALOGUE_CONSUMER = "feedback-catalogue"
# No 0/O, 1/I/L: a receipt is read aloud on the phone and typed on small keyboards.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
RECEIPT_LENGTH = 10
_ALPHABET_SIZE = len(RECEIPT_ALPHABET)
_UNBIASED = 256 - 256 % _ALPHABET_SIZE
COMMENTS_TABLE = Comment.__table__  # type: ignore[attr-defined]


class AlreadyWithdrawn(DomainError):
    status_code = 409


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
    # None: the channel asked for consent itself (API clients, a clerk's letter).
    consent: bool | None = None
    # When the comment reached us (a letter's date of receipt); None: now.
    received_at: datetime | None = None
    # Where it came from in its channel: an e-mail's Message-ID, a letter's register number.
    source_ref: str | None = None
    # The same key twice is the same comment (a reload, a retry, a re-imported mailbox).
    idempotency_key: str | None = None


def new_receipt() -> str:
    """Ten symbols from a 31-letter alphabet (~49 bits): short, unambiguous, unguessable.

    One ``token_bytes`` call instead of ten ``secrets.choice`` (issue 15); bytes at or above
    the largest multiple of 31 are skipped, so every symbol stays equally likely.
    """
    symbols: list[str] = []
    while len(symbols) < RECEIPT_LENGTH:
        symbols.extend(
            RECEIPT_ALPHABET[b % _ALPHABET_SIZE] for b in secrets.token_bytes(16) if b < _UNBIASED
        )
    code = "".join(symbols[:RECEIPT_LENGTH])
    return f"{code[:5]}-{code[5:]}"


def normalise_receipt(value: str) -> str:
    """Accept what people type: lower case, spaces, no dash, O for 0 and I for 1 mistakes."""
    cleaned = re.sub(r"[^A-Z0-9]", "", value.upper()).replace("0", "O").replace("1", "I")
    return f"{cleaned[:5]}-{cleaned[5:]}" if len(cleaned) == RECEIPT_LENGTH else cleaned


@dataclass(frozen=True)
class NewComment:
    """A comment just staged for insertion (``Comment``'s columns, without an ORM object)."""

    id: uuid.UUID
    receipt: str
    document_id: uuid.UUID
    section_id: uuid.UUID | None
    channel: str
    text: str
    received_at: datetime
    name: str | None = None
    organisation: str | None = None
    address: str | None = None
    email: str | None = None
    phone: str | None = None
    status: str = "received"
    state_version: int = 1


_NEW_COMMENT_FIELDS = tuple(f.name for f in fields(NewComment))


def check_window(document: DocumentWindow | None, now: datetime) -> DocumentWindow:
    """The document, if it takes comments at ``now``; a Vietnamese refusal otherwise."""
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
    feedback_url: str = "",
    client_key: str | None = None,
    entered_by: str | None = None,
    commenter_secret: str = "",
    catalogue: CatalogueCache | None = None,
) -> NewComment:
    """Check a comment against the catalogue and stage it with its outbox event (and mail).

    The rows are written with the transaction's other staged rows, one statement per table
    (``shared.bulk``), at the latest when it commits. ``catalogue``: the intake's cache of
    documents; without it each document is read once per session.
    Called through ``services.feedback.intake.CommentIntake.accept``, which every channel uses.
    ``commenter_secret`` keys the pseudonymous commenter key (none without it).
    """
    now = now or utcnow()
    received_at = draft.received_at or now
    view = await (catalogue or intake_catalogue.of_transaction(session)).view(
        session, draft.document_id
    )
    document = check_window(view.document, received_at)
    section = None
    if draft.section_id is not None:
        section = view.sections.get(draft.section_id)
        if section is None:
            raise InvalidComment("Mục được góp ý không thuộc dự thảo này.", field="section_id")
    text = validation.comment_text(draft.text, max_chars)
    given = {f: validation.personal_value(f, getattr(draft, f)) for f in validation.PERSONAL_FIELDS}
    validation.check_required(given, document.required_fields)
    validation.check_consent(given, draft.consent)
    comment = NewComment(
        id=new_id(),
        receipt=new_receipt(),
        document_id=draft.document_id,
        section_id=draft.section_id,
        channel=channel,
        text=text,
        received_at=received_at,
        name=given["name"],
        organisation=given["organisation"],
        address=given["address"],
        email=given["email"],
        phone=given["phone"],
    )
    bulk.stage(
        session,
        COMMENTS_TABLE,
        {  # not dataclasses.asdict: it deep-copies every value (3 % of a comment)
            **{f: getattr(comment, f) for f in _NEW_COMMENT_FIELDS},
            "client_key": client_key,
            "idempotency_key": draft.idempotency_key,
            "source_ref": draft.source_ref,
            "entered_by": entered_by,
        },
    )
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
            submitted_at=received_at,
            commenter_key=commenters.commenter_key(
                commenter_secret,
                channel=channel,
                email=comment.email,
                phone=comment.phone,
                name=comment.name,
                address=comment.address,
            ),
        ),
    )
    outbox.stage(session, topics.COMMENTS, event)
    if channel != "email":  # an e-mail gets one reply for all its comments (mail.replies)
        acknowledgements.enqueue(
            session, comment, acknowledgements.place_of(document, section), feedback_url
        )
    return comment


async def withdraw_comment(session: AsyncSession, receipt: str) -> Comment:
    """Withdraw a comment by its receipt code (Decree 13) and tell the aggregator."""
    comment = await find_by_receipt(session, receipt, for_update=True)
    if comment.status == "withdrawn":
        raise AlreadyWithdrawn("Ý kiến này đã được rút lại trước đó.")
    comment.status = "withdrawn"
    comment.state_version += 1
    session.add(comment)
    outbox.add(
        session,
        topics.COMMENTS,
        CommentWithdrawn(
            producer=PRODUCER,
            payload=CommentStatusPayload(
                comment_id=comment.id,
                document_id=comment.document_id,
                state_version=comment.state_version,
                reason="withdrawn_by_commenter",
            ),
        ),
    )
    await session.flush()
    return comment


async def place_of_comment(session: AsyncSession, comment: Comment) -> str:
    document = await session.get(CatalogueDocument, comment.document_id)
    section = (
        await session.get(CatalogueSection, comment.section_id) if comment.section_id else None
    )
    return acknowledgements.place_of(document, section)


async def find_by_receipt(
    session: AsyncSession, receipt: str, *, for_update: bool = False
) -> Comment:
    """The comment a receipt code names; ``for_update`` locks it (two withdrawals at once)."""
    query = select(Comment).where(col(Comment.receipt) == normalise_receipt(receipt))
    if for_update:
        query = query.with_for_update()
    comment = (await session.execute(query)).scalar_one_or_none()
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
    document.required_fields = list(state.required_fields)
    document.contact_emails = [a.lower() for a in state.contact_emails]
    document.postal_addresses = list(state.postal_addresses)
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
            text=s.text or "",
        )
        for s in state.sections
    )
    await session.flush()
