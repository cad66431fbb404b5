"""HTTP models of the aggregator API (DESIGN.md section 6 fixes the tally shape)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field


class ChannelCounts(BaseModel):
    web: int = 0
    email: int = 0
    post: int = 0


class SectionTallyPublic(BaseModel):
    section_id: uuid.UUID
    path: list[str]
    total: int
    by_channel: ChannelCounts


class CommentPublic(BaseModel):
    """One comment as a reviewer reads it (DESIGN.md section 6 fixes these keys)."""

    comment_id: uuid.UUID
    section_id: uuid.UUID | None
    channel: str
    text: str
    received_at: datetime
    status: str
    disposition: str | None
    cluster_id: uuid.UUID | None


class CommentPage(BaseModel):
    items: list[CommentPublic]
    next: str | None


class ReviewUpdate(BaseModel):
    """A reviewer's decision: disposition ("tiếp thu / giải trình / không tiếp thu")."""

    disposition: Literal["taken_in", "explained", "set_aside"] | None = None
    explanation: str = Field(default="", max_length=20000)
    themes: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=20
    )
    whole_cluster: bool = False


class ReviewPublic(BaseModel):
    comment_ids: list[uuid.UUID]
    disposition: str | None
    explanation: str
    themes: list[str]


class AssignmentUpdate(BaseModel):
    reviewer: str = Field(min_length=1, max_length=200)
    reviewer_name: str = Field(default="", max_length=300)
