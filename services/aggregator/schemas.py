"""HTTP models of the aggregator API (DESIGN.md section 6 fixes the tally shape)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class ChannelCounts(BaseModel):
    web: int = 0
    email: int = 0
    post: int = 0


class SectionTallyPublic(BaseModel):
    section_id: uuid.UUID
    path: list[str]
    total: int
    by_channel: ChannelCounts
