"""The aggregator's consumer-group member: documents and comments into the projection."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.aggregator import service
from services.aggregator.clustering import Clusterer
from shared.consuming import transactional_consumer
from shared.events import topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime

# Events per transaction: a backlog is counted 2,000 at a time (fewer commits, offset
# commits and counter upserts per event: 21,439 events/s with 1,000, 23,467-23,899 with
# 2,000, issue 15); a live stream's batches are whatever arrived within the poll, far
# fewer. Two batches are held at once (one applied, one read ahead): with each comment kept
# as its row, not its pydantic event, 2,000 fit (peak 187 MB in a 200,000-event backlog).
BATCH_EVENTS = 2000


def projection_consumer(
    runtime: Runtime, group_id: str, clusterer: Clusterer | None = None
) -> EventConsumer:
    """Counts each batch in its transaction; the clusterer is told once it committed."""
    last_batch = 0

    async def count(session: AsyncSession, batch: service.CountingBatch) -> None:
        nonlocal last_batch
        last_batch = len(batch.events)
        await service.apply_batch(session, batch)

    return transactional_consumer(
        runtime,
        [topics.DOCUMENTS, topics.COMMENTS],
        group_id,
        count,
        after_commit=(lambda: clusterer.counted(last_batch)) if clusterer is not None else None,
        max_records=BATCH_EVENTS,
        prepare=service.prepare,
    )
