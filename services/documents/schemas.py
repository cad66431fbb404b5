"""HTTP models of the documents API (DESIGN.md section 6 fixes the public shapes)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class DocumentSummary(BaseModel):
    id: uuid.UUID
    slug: str
    title: str
    status: str


class SectionPublic(BaseModel):
    id: uuid.UUID
    path: list[str]
    number: str
    title: str
    level: int
    url: str  # the public page of this one section


class DocumentPublic(BaseModel):
    id: uuid.UUID
    slug: str
    title: str
    status: str
    version: int
    opens_at: datetime | None
    closes_at: datetime | None
    contacts: dict
    sections: list[SectionPublic]


class DraftImport(BaseModel):
    text: str = Field(min_length=1, max_length=5_000_000)
    source_name: str = Field(default="", max_length=300)


class WindowOpen(BaseModel):
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    days: int | None = Field(default=None, ge=1, le=366)
