"""Kafka consumers of the feedback service: the local catalogue of documents and sections."""

from __future__ import annotations

from services.feedback import service
from shared.consuming import transactional_consumer
from shared.events import topics
from shared.kafka import EventConsumer
from shared.service_app import Runtime


def catalogue_consumer(runtime: Runtime) -> EventConsumer:
    """Keeps ``feedback_documents``/``feedback_sections`` in step with ``documents.v1``."""
    return transactional_consumer(
        runtime, [topics.DOCUMENTS], service.CATALOGUE_CONSUMER, service.apply_document_events
    )
