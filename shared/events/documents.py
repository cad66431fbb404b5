"""Events of ``documents.v1``, keyed by document id; each carries the whole section tree."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from .envelope import EnvelopeBase, Payload


class SectionInfo(Payload):
    """One section as consumers need it: to validate, resolve references and roll tallies up."""

    id: uuid.UUID
    parent_id: uuid.UUID | None = None
    position: int
    level: int
    number: str
    title: str
    path: list[str]
    # The section's own body as plain text (table rows as lines, cells joined by " | "),
    # so a consumer can match quoted phrases and appendix indicators to a section.
    # Optional: events published before it existed carry none.
    text: str | None = None


class DocumentState(Payload):
    """The document as it stands after the event: a consumer can rebuild from this alone."""

    document_id: uuid.UUID
    slug: str
    title: str
    status: Literal["draft", "open", "closed"]
    version: int = 1
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    sections: list[SectionInfo] = []
    # What this consultation requires of a commenter besides the text, among
    # ``personal.PERSONAL_FIELDS``; an admin setting owned by the documents service.
    required_fields: list[str] = []
    # The e-mail addresses the draft invites comments at (an admin may correct them): mail
    # sent to one of them is a comment on this document.
    contact_emails: list[str] = []
    # The postal addresses it invites letters at, one per address (shown to clerks).
    postal_addresses: list[str] = []


class _DocumentEnvelope(EnvelopeBase):
    payload: DocumentState

    @property
    def key(self) -> str:
        return str(self.payload.document_id)


class DocumentPublished(_DocumentEnvelope):
    type: Literal["document.published"] = "document.published"


class DocumentUpdated(_DocumentEnvelope):
    type: Literal["document.updated"] = "document.updated"


class ConsultationOpened(_DocumentEnvelope):
    type: Literal["document.consultation_opened"] = "document.consultation_opened"


class ConsultationClosed(_DocumentEnvelope):
    type: Literal["document.consultation_closed"] = "document.consultation_closed"


DocumentEvent = DocumentPublished | DocumentUpdated | ConsultationOpened | ConsultationClosed
