"""Tables of the aggregator: its catalogue and its projection of every comment."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, Uuid
from sqlmodel import Field, SQLModel

from shared.db import UTCDateTime


class AggregatedDocument(SQLModel, table=True):
    __tablename__ = "aggregator_documents"

    id: uuid.UUID = Field(primary_key=True)
    slug: str = Field(max_length=120)
    title: str = Field(max_length=2000)
    status: str = Field(max_length=20)
    # the end of the consultation window: personal details are erased a fixed time after it
    closes_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    event_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class AggregatedSection(SQLModel, table=True):
    """A section as the tally needs it: its place in the tree for roll-ups."""

    __tablename__ = "aggregator_sections"

    id: uuid.UUID = Field(primary_key=True)
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False, index=True))
    parent_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    position: int
    level: int
    number: str = Field(max_length=100)
    title: str = Field(max_length=4000)
    path: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AggregatedComment(SQLModel, table=True):
    """One comment as the subcommittee reviews it; counted while its status is 'active'."""

    __tablename__ = "aggregator_comments"
    __table_args__ = (Index("ix_aggregator_comments_doc_section", "document_id", "section_id"),)

    comment_id: uuid.UUID = Field(primary_key=True)
    document_id: uuid.UUID = Field(sa_column=Column(Uuid, nullable=False))
    section_id: uuid.UUID | None = Field(default=None, sa_column=Column(Uuid, nullable=True))
    channel: str = Field(max_length=10)
    text: str = Field(sa_column=Column(Text, nullable=False))
    display_name: str | None = Field(default=None, max_length=200)
    organisation: str | None = Field(default=None, max_length=300)
    status: str = Field(default="active", max_length=20)
    state_version: int = 1
    submitted_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
