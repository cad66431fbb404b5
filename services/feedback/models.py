"""Tables of the feedback service: comments (with personal data) and the local catalogue."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, Text, Uuid
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime
from shared.events import utcnow
from shared.ids import new_id


class Comment(SQLModel, table=True):
    """A citizen's comment (ý kiến góp ý) as received, with who sent it; never published raw."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_document_section", "document_id", "section_id"),
        Index("ix_comments_client_received", "client_key", "received_at"),
        Index("ix_comments_idempotency_key", "idempotency_key", unique=True),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    receipt: str = Field(max_length=20, unique=True)
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    section_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    channel: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    name: str | None = Field(default=None, max_length=200)
    organisation: str | None = Field(default=None, max_length=300)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)
    address: str | None = Field(default=None, max_length=500)
    status: str = Field(default="received", max_length=20)
    state_version: int = 1
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    # A keyed hash of the sender's IP, only to limit how many comments one address sends
    # per hour; the address itself is never stored.
    client_key: str | None = Field(default=None, max_length=64)
    # Same key, same comment: a reloaded form or a re-imported e-mail returns the first receipt.
    idempotency_key: str | None = Field(default=None, max_length=64)
    # The channel's own reference: an e-mail's Message-ID, a letter's register number.
    source_ref: str | None = Field(default=None, max_length=500)
    # The staff member who entered it (a clerk typing a letter), as the audit log names them.
    entered_by: str | None = Field(default=None, max_length=200)


class CatalogueDocument(SQLModel, table=True):
    """Feedback's own copy of a document's state, rebuilt from ``documents.v1``."""

    __tablename__ = "feedback_documents"

    id: uuid.UUID = Field(primary_key=True)
    slug: str = Field(max_length=120)
    title: str = Field(max_length=2000)
    status: str = Field(max_length=20)
    version: int = 1
    opens_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closes_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    event_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    required_fields: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    # The consultation's own e-mail addresses (from its invitation): mail to them is a comment.
    contact_emails: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )
    postal_addresses: list[str] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, server_default="[]")
    )


class CatalogueSection(SQLModel, table=True):
    """A section a comment may be filed under; used to validate and to resolve references."""

    __tablename__ = "feedback_sections"

    id: uuid.UUID = Field(primary_key=True)
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, index=True))
    position: int
    level: int
    number: str = Field(max_length=100)
    title: str = Field(max_length=4000)
    path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Its own text, to match the phrases an e-mail quotes (from ``documents.v1``).
    text: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))


class MailMessage(SQLModel, table=True):
    """An e-mail waiting to go out (the acknowledgement with the receipt code).

    Written in the comment's own transaction; a background sender delivers it with
    retries, so a mail relay that is down never loses nor delays a comment.
    """

    __tablename__ = "mail_queue"
    __table_args__ = (Index("ix_mail_queue_due", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    comment_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    to_address: str = Field(max_length=254)
    # A reply to an e-mailed comment goes out from the consultation's own address.
    from_address: str | None = Field(default=None, max_length=254)
    in_reply_to: str | None = Field(default=None, max_length=998)
    subject: str = Field(max_length=500)
    body: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = 0
    status: str = Field(default="queued", max_length=20)  # queued, sent, failed
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    next_attempt_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class InboundMessage(SQLModel, table=True):
    """An e-mail as it arrived (SMTP, IMAP or a file import): the original bytes, kept.

    Stored and committed before the sender's server hears ``250`` (or before the IMAP
    cursor moves), so from then on the message cannot be lost; reading it into comments
    is a later, repeatable step whose outcome is recorded here for the clerk.
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_status", "status", "received_at"),
        Index("ix_inbound_messages_message_id", "message_id"),
        Index("ix_inbound_messages_content_key", "content_key"),
    )

    id: uuid.UUID = Field(default_factory=new_id, primary_key=True)
    source: str = Field(max_length=10)  # smtp, imap, import
    source_ref: str | None = Field(default=None, max_length=500)
    envelope_from: str | None = Field(default=None, max_length=500)
    envelope_to: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    document_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    message_id: str | None = Field(default=None, max_length=998)
    sha256: str = Field(max_length=64)
    size: int
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    # pending, accepted, quarantined, duplicate, rejected_spam, not_a_comment
    status: str = Field(default="pending", max_length=20)
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    subject: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    sender_email: str | None = Field(default=None, max_length=254)
    sender_name: str | None = Field(default=None, max_length=200)
    # A hash of the sender and the comment text, to record a re-sent message only once.
    content_key: str | None = Field(default=None, max_length=64)
    comment_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    attempts: int = 0
    processed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    handled_by: str | None = Field(default=None, max_length=200)


class ImapCursor(SQLModel, table=True):
    """How far one IMAP folder has been read: resumes after a restart, never re-reads."""

    __tablename__ = "imap_cursors"

    mailbox: str = Field(primary_key=True, max_length=500)
    uidvalidity: int = Field(sa_column=Column(BigInteger, nullable=False))
    last_uid: int = Field(sa_column=Column(BigInteger, nullable=False))


class LetterScan(SQLModel, table=True):
    """A scanned or photographed page of a postal letter; the file lives outside the database.

    Files are named by their SHA-256, so the same page uploaded twice is stored once, and
    no name a user typed ever reaches the file system.
    """

    __tablename__ = "letter_scans"

    id: int | None = Field(default=None, primary_key=True)
    comment_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, index=True))
    sha256: str = Field(max_length=64)
    content_type: str = Field(max_length=50)
    size: int
    original_name: str | None = Field(default=None, max_length=255)
    page: int = 1
    uploaded_by: str | None = Field(default=None, max_length=200)
    uploaded_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
