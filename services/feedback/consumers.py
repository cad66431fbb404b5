"""Kafka consumers of the feedback service: the local catalogue of documents and sections."""

from __future__ import annotations

from collections.abc import Callable

from services.feedback import service
from shared.db import unit_of_work
from shared.events import AnyEvent, topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime


def catalogue_consumer(
    runtime: Runtime, on_change: Callable[[], None] | None = None
) -> EventConsumer:
    """Keeps ``feedback_documents``/``feedback_sections`` in step with ``documents.v1``;
    ``on_change`` is called after each batch is committed (the intake's cache forgets)."""

    async def apply(events: list[AnyEvent]) -> None:
        async with unit_of_work(runtime.sessions) as session:
            await service.apply_document_events(session, events)
        if on_change is not None:
            on_change()

    settings = runtime.settings
    return EventConsumer(
        settings.kafka_bootstrap_servers,
        [topics.DOCUMENTS],
        service.CATALOGUE_CONSUMER,
        apply,
        prefix=settings.topic_prefix,
        commit_timeout=settings.commit_timeout_seconds,
    )
