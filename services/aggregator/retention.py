"""Erase the display names the aggregator received, on the feedback service's schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.models import AggregatedComment, AggregatedDocument
from shared.events import erase_if_closed_before


async def erase_display_names(session: AsyncSession, now: datetime, months: int) -> int:
    """Blank names and organisations of comments on documents whose window closed long ago."""
    expired = select(col(AggregatedDocument.id)).where(
        col(AggregatedDocument.closes_at) < erase_if_closed_before(now, months)
    )
    result = await session.execute(
        update(AggregatedComment)
        .where(col(AggregatedComment.document_id).in_(expired))
        .where(
            col(AggregatedComment.display_name).is_not(None)
            | col(AggregatedComment.organisation).is_not(None)
        )
        .values(display_name=None, organisation=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
