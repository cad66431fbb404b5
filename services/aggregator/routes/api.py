"""JSON API of the aggregator (staff only)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from services.aggregator import service
from services.aggregator.deps import ReviewerDep, SessionDep
from services.aggregator.schemas import ChannelCounts, SectionTallyPublic

router = APIRouter(prefix="/api")


@router.get("/documents/{document_id}/tallies", response_model=list[SectionTallyPublic])
async def document_tallies(
    document_id: uuid.UUID, session: SessionDep, _staff: ReviewerDep
) -> list[SectionTallyPublic]:
    return [
        SectionTallyPublic(
            section_id=t.section_id,
            path=t.path,
            total=t.total,
            by_channel=ChannelCounts(**t.by_channel),
        )
        for t in await service.tallies(session, document_id)
    ]
