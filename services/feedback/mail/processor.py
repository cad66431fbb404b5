"""Reads stored messages into comments: one message at a time, one transaction each.

A message moves from ``pending`` to its outcome in the same transaction that stores its
comments, their ``comments.v1`` events and the single acknowledgement reply, so a crash
mid-way leaves it ``pending`` and the next pass does it again, whole. Duplicates are
judged against everything recorded before (same Message-ID, or same sender and text).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from email.policy import default as default_policy
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlmodel import col

from services.feedback.mail import replies
from services.feedback.mail.inbox import documents_for_recipient, is_open, pending
from services.feedback.mail.reading import Catalogue, ReadOutcome, read_for_intake
from services.feedback.models import CatalogueDocument, CatalogueSection, InboundMessage
from shared.db import unit_of_work
from shared.events import utcnow
from shared.text import nfc

log = logging.getLogger(__name__)
_HEADERS = BytesHeaderParser(policy=default_policy)
RECIPIENT_HEADERS = ("Delivered-To", "X-Original-To", "To", "Cc")

# Filing one comment: (session, document, section or None, text, sender e-mail, sender
# name, received message) -> receipt. Supplied by the service, so that mail enters through
# the same intake function as every other channel.
FileComment = Callable[..., "asyncio.Future[str] | object"]


@dataclass(frozen=True)
class MailIntakeOptions:
    mail_domain: str = ""
    # The document a mailbox (or an import) is about when its recipients do not say.
    default_document_slug: str = ""
    reply_from: str = ""


def content_key(sender: str | None, texts: Sequence[str]) -> str:
    """Same sender, same words (spacing and case aside): the same comment sent again."""
    folded = " ".join(" ".join(nfc(t).lower().split()) for t in texts)
    return hashlib.sha256(f"{(sender or '').lower()}\n{folded}".encode()).hexdigest()


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
    return Catalogue.from_rows(document, sections)


async def already_recorded(session: AsyncSession, message: InboundMessage, key: str | None) -> bool:
    """A message recorded before this one with the same Message-ID or the same content."""
    conditions = []
    if message.message_id:
        conditions.append(col(InboundMessage.message_id) == message.message_id)
    if key:
        conditions.append(col(InboundMessage.content_key) == key)
    for condition in conditions:
        query = (
            select(InboundMessage.id)
            .where(condition, col(InboundMessage.id) != message.id)
            .where(col(InboundMessage.status).in_(["accepted", "quarantined", "duplicate"]))
            .limit(1)
        )
        if (await session.execute(query)).first() is not None:
            return True
    return False


async def process_message(
    session: AsyncSession,
    message: InboundMessage,
    options: MailIntakeOptions,
    file_comment: FileComment,
) -> str:
    """Read one stored message and record its outcome (and comments) in ``session``."""
    message.attempts += 1
    message.processed_at = utcnow()
    documents = await candidate_documents(session, message, options)
    if len(documents) != 1:
        message.status = "quarantined"
        message.reason = (
            "Không xác định được thư góp ý cho dự thảo nào (địa chỉ nhận không thuộc "
            "dự thảo đang lấy ý kiến)."
            if not documents
            else "Địa chỉ nhận dùng chung cho nhiều dự thảo đang lấy ý kiến: cần chọn dự thảo."
        )
        session.add(message)
        return message.status
    document = documents[0]
    message.document_id = document.id
    result = read_for_intake(message.raw, await load_catalogue(session, document))
    message.subject = result.subject
    message.sender_email, message.sender_name = result.sender_email, result.sender_name
    message.reason = result.reason
    if result.outcome is ReadOutcome.ACCEPTED:
        message.content_key = content_key(result.sender_email, [c.text for c in result.comments])
        if await already_recorded(session, message, message.content_key):
            message.status = "duplicate"
            message.reason = "Thư này đã được ghi nhận trước đó (trùng Message-ID hoặc nội dung)."
            session.add(message)
            return message.status
    elif message.message_id and await already_recorded(session, message, None):
        message.status = "duplicate"
        session.add(message)
        return message.status
    if result.outcome is not ReadOutcome.ACCEPTED:
        message.status = result.outcome.value
        session.add(message)
        return message.status
    receipts: list[tuple[str, str]] = []
    try:
        async with session.begin_nested():
            for comment in result.comments:
                filed = await file_comment(
                    session,
                    document=document,
                    section_id=comment.section_id,
                    text=comment.text,
                    email=result.sender_email,
                    name=result.sender_name,
                    received_at=message.received_at,
                    source_ref=message.message_id or f"inbound:{message.id}",
                )
                receipts.append(filed)
    except Exception as exc:  # refused by intake (window closed, required details missing)
        message.status = "quarantined"
        message.reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        session.add(message)
        return message.status
    message.status = "accepted"
    message.comment_ids = [comment_id for comment_id, _ in receipts]
    session.add(message)
    if result.wants_reply and result.sender_email:
        replies.enqueue_receipts(
            session,
            to=result.sender_email,
            subject=result.subject,
            document=document,
            receipts=[code for _, code in receipts],
            reply_from=options.reply_from,
            in_reply_to=message.message_id,
        )
    return message.status


class MailProcessor:
    """Background reader of the inbox: woken when a message is stored, also polls."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        options: MailIntakeOptions,
        file_comment: FileComment,
        *,
        poll_seconds: float = 5.0,
        after_commit: Callable[[], None] | None = None,
    ) -> None:
        self._sessions = sessions
        self._options = options
        self._file_comment = file_comment
        self._poll_seconds = poll_seconds
        self._after_commit = after_commit
        self._wake = asyncio.Event()
        self.processed = 0

    def notify(self) -> None:
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                done = await self.process_batch()
            except Exception:
                log.exception("mail processing failed; retrying")
                done = 0
            if done:
                continue
            self._wake.clear()
            waiter = asyncio.ensure_future(self._wake.wait())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait(
                {waiter, stopper}, timeout=self._poll_seconds, return_when="FIRST_COMPLETED"
            )
            for task in (waiter, stopper):
                task.cancel()

    async def process_batch(self, limit: int = 20) -> int:
        """Process up to ``limit`` pending messages, each in its own transaction."""
        async with self._sessions() as session:
            ids = [m.id for m in await pending(session, limit)]
        for message_id in ids:
            async with unit_of_work(self._sessions) as session:
                message = await session.get(InboundMessage, message_id, with_for_update=True)
                if message is None or message.status != "pending":
                    continue  # another instance took it
                await process_message(session, message, self._options, self._file_comment)
            self.processed += 1
            if self._after_commit:
                self._after_commit()
        return len(ids)
