"""Tables of the documents service: drafts and their section trees."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, LargeBinary, Uuid
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime
from shared.events import utcnow


class Document(SQLModel, table=True):
    """A draft under consultation (dự thảo), with its window and the contacts it states."""

    __tablename__ = "documents"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    slug: str = Field(max_length=120, unique=True, index=True)
    title: str = Field(max_length=2000)
    status: str = Field(default="draft", max_length=20)
    version: int = 1
    content_hash: str = Field(max_length=64, index=True)
    source_name: str = Field(default="", max_length=300)
    opens_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    closes_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    stated_deadline: str | None = Field(default=None, max_length=10)
    window_note: str = Field(default="", max_length=1000)
    doc_metadata: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    contacts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    preamble: list[Any] = Field(default_factory=list, sa_column=Column(JSON))
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    required_fields: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class Section(SQLModel, table=True):
    """One heading of the draft and the body directly under it, in document order."""

    __tablename__ = "sections"
    __table_args__ = (Index("ix_sections_document_position", "document_id", "position"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    )
    parent_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    position: int
    line: int = 0
    level: int
    number: str = Field(max_length=100)
    title: str = Field(max_length=4000)
    path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    anchor: str = Field(max_length=200)
    blocks: list[Any] = Field(default_factory=list, sa_column=Column(JSON))


class DocumentRevision(SQLModel, table=True):
    """A revised draft uploaded for a document: previewed, then applied as a new version."""

    __tablename__ = "document_revisions"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    document_id: uuid.UUID = Field(
        sa_column=Column(Uuid, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)
    )
    status: str = Field(default="pending", max_length=20)
    version: int | None = None
    source_name: str = Field(default="", max_length=300)
    content_hash: str = Field(max_length=64)
    content: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    report: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    created_by: str = Field(default="", max_length=200)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
