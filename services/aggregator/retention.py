"""Erase the display names the aggregator received, on the feedback service's schedule."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from services.aggregator.models import AggregatedComment, AggregatedDocument


async def erase_display_names(
    session: AsyncSession, now: datetime, closed_before: timedelta
) -> int:
    """Blank names and organisations of comments on documents closed before ``now - ...``."""
    expired = select(col(AggregatedDocument.id)).where(
        col(AggregatedDocument.status) == "closed",
        col(AggregatedDocument.event_at) < now - closed_before,
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
