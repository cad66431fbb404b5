"""HTTP models of the feedback API."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class CommentCreate(BaseModel):
    document_id: uuid.UUID
    section_id: uuid.UUID | None = None
    text: str = Field(max_length=200_000)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    organisation: str | None = Field(default=None, max_length=300)


class CommentReceipt(BaseModel):
    comment_id: uuid.UUID
    receipt: str


class ReceiptStatus(BaseModel):
    receipt: str
    document_id: uuid.UUID
    section_id: uuid.UUID | None
    status: str
    received_at: datetime
