"""Kafka consumers of the feedback service: the local catalogue of documents and sections."""

from __future__ import annotations

from services.feedback import service
from shared.db import unit_of_work
from shared.events import AnyEvent, topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime


def catalogue_consumer(runtime: Runtime) -> EventConsumer:
    """Keeps ``feedback_documents``/``feedback_sections`` in step with ``documents.v1``."""

    async def apply(events: list[AnyEvent]) -> None:
        async with unit_of_work(runtime.sessions) as session:
            await service.apply_document_events(session, events)

    settings = runtime.settings
    return EventConsumer(
        settings.kafka_bootstrap_servers,
        [topics.DOCUMENTS],
        service.CATALOGUE_CONSUMER,
        apply,
        prefix=settings.topic_prefix,
        commit_timeout=settings.commit_timeout_seconds,
    )
