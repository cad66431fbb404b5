"""The aggregator's consumer-group member: documents and comments into the projection."""

from __future__ import annotations

from services.aggregator import service
from services.aggregator.clustering import Clusterer
from shared.consuming import transactional_consumer
from shared.events import topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime


def projection_consumer(
    runtime: Runtime, group_id: str, clusterer: Clusterer | None = None
) -> EventConsumer:
    """Counts each batch in its transaction; the clusterer is woken once it committed."""
    return transactional_consumer(
        runtime,
        [topics.DOCUMENTS, topics.COMMENTS],
        group_id,
        service.apply_events,
        after_commit=clusterer.wake if clusterer is not None else None,
    )
