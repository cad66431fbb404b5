"""The aggregator's consumer-group member: documents and comments into the projection."""

from __future__ import annotations

from services.aggregator import service
from shared.consuming import transactional_consumer
from shared.events import topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime


def projection_consumer(runtime: Runtime, group_id: str) -> EventConsumer:
    return transactional_consumer(
        runtime, [topics.DOCUMENTS, topics.COMMENTS], group_id, service.apply_events
    )
