"""Reads stored messages into comments: one message at a time, one transaction each.

A message moves from ``pending`` to its outcome in the same transaction that stores its
comments, their ``comments.v1`` events and the single acknowledgement reply, so a crash
mid-way leaves it ``pending`` and the next pass does it again, whole. Duplicates are
judged against everything recorded before (same Message-ID, or same sender and text).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.feedback.intake import CommentIntake, Receipt, Source, idempotency_key
from services.feedback.mail import replies
from services.feedback.mail.catalogue import Catalogue
from services.feedback.mail.dedup import DedupState
from services.feedback.mail.inbox import documents_for_recipient, is_open, pending
from services.feedback.mail.reader import ParsedMessage, read_message
from services.feedback.models import CatalogueDocument, CatalogueSection, InboundMessage
from services.feedback.service import CommentDraft
from shared.auth import Staff
from shared.db import unit_of_work
from shared.events import utcnow
from shared.web import DomainError

log = logging.getLogger(__name__)
_HEADERS = BytesHeaderParser(policy=default_policy)
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")


@dataclass(frozen=True)
class MailIntakeOptions:
    mail_domain: str = ""
    # The document a mailbox (or an import) is about when its recipients do not say.
    default_document_slug: str = ""
    reply_from: str = ""


async def candidate_documents(
    session: AsyncSession, message: InboundMessage, options: MailIntakeOptions
) -> list[CatalogueDocument]:
    """Which open drafts this message may be about, from its envelope, headers or settings."""
    if message.document_id is not None:
        document = await session.get(CatalogueDocument, message.document_id)
        return [document] if document else []
    addresses = list(message.envelope_to)
    if not addresses:
        try:
            headers = _HEADERS.parsebytes(message.raw)
            values = [str(v) for h in RECIPIENT_HEADERS for v in headers.get_all(h, [])]
            addresses = [a for _, a in getaddresses(values) if a]
        except Exception:  # unreadable headers: fall through to the configured document
            addresses = []
    found: dict[uuid.UUID, CatalogueDocument] = {}
    for address in addresses:
        for document in await documents_for_recipient(session, address, options.mail_domain):
            found[document.id] = document
    if found:
        return list(found.values())
    documents = (await session.execute(select(CatalogueDocument))).scalars().all()
    if options.default_document_slug:
        return [d for d in documents if d.slug == options.default_document_slug]
    open_now = [d for d in documents if is_open(d, utcnow())]
    return open_now if len(open_now) == 1 else []


async def load_catalogue(session: AsyncSession, document: CatalogueDocument) -> Catalogue:
    sections = (
        (
            await session.execute(
                select(CatalogueSection)
                .where(col(CatalogueSection.document_id) == document.id)
                .order_by(col(CatalogueSection.position))
            )
        )
        .scalars()
        .all()
    )
    return Catalogue.from_records(
        [
            {"id": str(s.id), "path": s.path, "number": s.number, "title": s.title, "text": s.text}
            for s in sections
        ]
    )


async def already_recorded(session: AsyncSession, message: InboundMessage, key: str | None) -> bool:
    """A message recorded before this one with the same Message-ID or the same content."""
    conditions = []
    if message.message_id:
        conditions.append(col(InboundMessage.message_id) == message.message_id)
    if key:
        conditions.append(col(InboundMessage.content_key) == key)
    for condition in conditions:
        query = (
            select(col(InboundMessage.id))
            .where(condition, col(InboundMessage.id) != message.id)
            .where(col(InboundMessage.status).in_(["accepted", "quarantined", "duplicate"]))
            .limit(1)
        )
        if (await session.execute(query)).first() is not None:
            return True
    return False


@dataclass
class Decision:
    """What reading a message decided, before anything is filed."""

    status: str
    reason: str | None = None
    document: CatalogueDocument | None = None
    result: ParsedMessage | None = None


async def decide(
    session: AsyncSession, message: InboundMessage, options: MailIntakeOptions
) -> Decision:
    """Which draft, which sections, or why not: reads, never writes."""
    documents = await candidate_documents(session, message, options)
    if len(documents) != 1:
        reason = (
            "Không xác định được thư góp ý cho dự thảo nào (địa chỉ nhận không thuộc "
            "dự thảo đang lấy ý kiến)."
            if not documents
            else "Địa chỉ nhận dùng chung cho nhiều dự thảo đang lấy ý kiến: cần chọn dự thảo."
        )
        return Decision("quarantined", reason)
    document = documents[0]
    result = read_message(message.raw, await load_catalogue(session, document), DedupState())
    decision = Decision(result.outcome, result.reason or None, document, result)
    if result.outcome == "accepted":
        if await already_recorded(session, message, result.content_key or None):
            decision.status = "duplicate"
            decision.reason = "Thư này đã được ghi nhận trước đó (trùng Message-ID hoặc nội dung)."
    elif message.message_id and await already_recorded(session, message, None):
        decision.status = "duplicate"
        decision.reason = "Thư này đã được ghi nhận trước đó (trùng Message-ID)."
    return decision


def comment_key(message: InboundMessage, index: int) -> str:
    """The idempotency key of the index-th comment of a message: a re-run files nothing twice."""
    return idempotency_key("email", message.sha256, message.id, index)


async def file_comments(
    intake: CommentIntake,
    message: InboundMessage,
    document: CatalogueDocument,
    result: ParsedMessage,
    actor: Staff | None = None,
) -> list[Receipt]:
    """Each comment through the one intake path (limits, window, outbox, receipt)."""
    receipts = []
    for index, comment in enumerate(result.comments):
        draft = CommentDraft(
            document_id=document.id,
            section_id=uuid.UUID(comment.section_id) if comment.section_id else None,
            text=comment.text,
            name=result.sender_name or None,
            email=result.sender_email or None,
            received_at=message.received_at,
            source_ref=message.message_id or f"inbound:{message.id}",
            idempotency_key=comment_key(message, index),
        )
        receipts.append(await intake.accept(draft, Source(channel="email", actor=actor)))
    return receipts


def record_outcome(
    session: AsyncSession,
    message: InboundMessage,
    decision: Decision,
    receipts: list[Receipt],
    options: MailIntakeOptions,
) -> None:
    """Write what became of the message, and queue its one reply, in ``session``."""
    result = decision.result
    message.status, message.reason = decision.status, decision.reason
    message.attempts += 1
    message.processed_at = utcnow()
    if decision.document is not None:
        message.document_id = decision.document.id
    if result is not None:
        message.subject = result.subject or None
        message.sender_email = result.sender_email or None
        message.sender_name = result.sender_name or None
        if decision.status in ("accepted", "duplicate"):
            message.content_key = result.content_key or None
    message.comment_ids = [str(r.comment_id) for r in receipts]
    session.add(message)
    # Only accepted mail is answered: auto-replies, bounces, lists and spam never are.
    if receipts and result and result.sender_email and decision.document:
        replies.enqueue_receipts(
            session,
            to=result.sender_email,
            subject=result.subject,
            document=decision.document,
            receipts=[r.code for r in receipts],
            reply_from=options.reply_from or (message.envelope_to or [""])[0],
            in_reply_to=message.message_id,
        )


async def process_one(
    sessions: async_sessionmaker[AsyncSession],
    intake: CommentIntake,
    message_id: uuid.UUID,
    options: MailIntakeOptions,
) -> str | None:
    """Read, file and record one stored message; safe to repeat after a crash at any point."""
    async with sessions() as session:
        message = await session.get(InboundMessage, message_id)
        if message is None or message.status != "pending":
            return None
        decision = await decide(session, message, options)
    receipts: list[Receipt] = []
    if decision.status == "accepted" and decision.document and decision.result:
        try:
            receipts = await file_comments(intake, message, decision.document, decision.result)
        except DomainError as exc:  # window closed, details the consultation requires, limits
            decision.status, decision.reason = "quarantined", exc.message
    async with unit_of_work(sessions) as session:
        fresh = await session.get(InboundMessage, message_id, with_for_update=True)
        if fresh is None or fresh.status != "pending":
            return None  # another instance recorded it meanwhile
        record_outcome(session, fresh, decision, receipts, options)
    return decision.status


class MailProcessor:
    """Background reader of the inbox: woken when a message is stored, also polls."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        intake: CommentIntake,
        options: MailIntakeOptions,
        *,
        poll_seconds: float = 5.0,
    ) -> None:
        self._sessions = sessions
        self._intake = intake
        self._options = options
        self._poll_seconds = poll_seconds
        self._wake = asyncio.Event()
        self.processed = 0

    def notify(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self._wake.clear()
            try:
                done = await self.process_batch()
            except Exception:
                log.exception("mail processing failed; retrying")
                done = 0
            if done:
                continue
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waiter, stopper}, timeout=self._poll_seconds, return_when="FIRST_COMPLETED"
            )
            for task in (waiter, stopper):
                task.cancel()

    async def process_batch(self, limit: int = 20) -> int:
        """Process up to ``limit`` pending messages, each on its own."""
        async with self._sessions() as session:
            ids = [m.id for m in await pending(session, limit)]
        done = 0
        for message_id in ids:
            if await process_one(self._sessions, self._intake, message_id, self._options):
                done += 1
                self.processed += 1
        return done
