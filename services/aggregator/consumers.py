"""The aggregator's consumer-group member: documents and comments into the projection."""

from __future__ import annotations

from services.aggregator import service
from shared.db import unit_of_work
from shared.events import AnyEvent, topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime


def projection_consumer(runtime: Runtime, group_id: str) -> EventConsumer:
    async def apply(events: list[AnyEvent]) -> None:
        async with unit_of_work(runtime.sessions) as session:
            await service.apply_events(session, events)

    settings = runtime.settings
    return EventConsumer(
        settings.kafka_bootstrap_servers,
        [topics.DOCUMENTS, topics.COMMENTS],
        group_id,
        apply,
        prefix=settings.topic_prefix,
        commit_timeout=settings.commit_timeout_seconds,
    )
