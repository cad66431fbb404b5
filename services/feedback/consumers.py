"""Kafka consumers of the feedback service: the local catalogue of documents and sections."""

from __future__ import annotations

from collections.abc import Callable

from services.feedback import service
from shared.consuming import transactional_consumer
from shared.events import topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime


def catalogue_consumer(
    runtime: Runtime, on_change: Callable[[], None] | None = None
) -> EventConsumer:
    """Keeps ``feedback_documents``/``feedback_sections`` in step with ``documents.v1``;
    ``on_change`` is called after each batch is committed (the intake's cache forgets)."""
    return transactional_consumer(
        runtime,
        [topics.DOCUMENTS],
        service.CATALOGUE_CONSUMER,
        service.apply_document_events,
        after_commit=on_change,
    )
