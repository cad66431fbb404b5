"""HTTP models of the feedback API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class CommentCreate(BaseModel):
    """DESIGN.md section 6's shape; the fields after ``email`` are optional additions."""

    document_id: uuid.UUID
    section_id: uuid.UUID | None = None
    text: str = Field(max_length=200_000)
    name: str | None = Field(default=None, max_length=1000)
    email: str | None = Field(default=None, max_length=1000)
    organisation: str | None = Field(default=None, max_length=1000)
    phone: str | None = Field(default=None, max_length=1000)
    address: str | None = Field(default=None, max_length=2000)
    # Absent: the calling application asked for consent itself; false with personal data: 422.
    consent: bool | None = None


class CommentReceipt(BaseModel):
    comment_id: uuid.UUID
    receipt: str


class ReceiptCode(BaseModel):
    """A receipt code sent in a body, so that it never sits in a URL that is logged."""

    receipt: str = Field(max_length=40)


class ReceiptStatus(BaseModel):
    receipt: str
    document_id: uuid.UUID
    section_id: uuid.UUID | None
    status: str
    received_at: datetime


class ModerationRequest(BaseModel):
    """A reviewer's decision on one comment (the aggregator's workspace sends it)."""

    action: Literal["spam", "duplicate", "reassign"]
    # reassign: the section it belongs to (null: the whole draft)
    section_id: uuid.UUID | None = None
    reason: str | None = Field(default=None, max_length=1000)


class ModerationResult(BaseModel):
    comment_id: uuid.UUID
    status: str
    section_id: uuid.UUID | None
    state_version: int
