"""Consumer-side idempotency: the tracking table written in the consumer's own transaction."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Column, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel, col

from shared.db import UTCDateTime
from shared.events import utcnow


class ProcessedEvent(SQLModel, table=True):
    """An event this consumer has applied; its presence means 'skip on redelivery'."""

    __tablename__ = "processed_events"

    consumer: str = Field(primary_key=True, max_length=100)
    event_id: uuid.UUID = Field(primary_key=True)
    processed_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


async def claim_new(
    session: AsyncSession, consumer: str, event_ids: list[uuid.UUID]
) -> set[uuid.UUID]:
    """Record the ids not seen before and return them; the caller applies only those."""
    if not event_ids:
        return set()
    seen = set(
        (
            await session.execute(
                select(col(ProcessedEvent.event_id)).where(
                    col(ProcessedEvent.consumer) == consumer,
                    col(ProcessedEvent.event_id).in_(event_ids),
                )
            )
        ).scalars()
    )
    fresh: set[uuid.UUID] = set()
    for event_id in event_ids:
        if event_id not in seen and event_id not in fresh:
            fresh.add(event_id)
            session.add(ProcessedEvent(consumer=consumer, event_id=event_id))
    return fresh
