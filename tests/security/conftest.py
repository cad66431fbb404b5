"""An in-process documents service with an admin's token and an anonymous client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from fastapi import FastAPI

from services.aggregator.config import AggregatorSettings
from services.aggregator.main import create_app as create_aggregator
from shared.broker import EmbeddedBroker
from tests.documents.inprocess import Docs, documents_service
from tests.feedback.conftest import make_intake  # noqa: F401 - the feedback app's settings fixture


@pytest.fixture
async def docs(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
) -> AsyncIterator[Docs]:
    async with documents_service(
        clean_databases, broker, topic_prefix, max_upload_bytes=2_000_000
    ) as service:
        yield service


@asynccontextmanager
async def aggregator_service(
    urls: dict[str, str], broker: EmbeddedBroker, prefix: str
) -> AsyncIterator[FastAPI]:
    """The aggregator app over the test databases and broker, its lifespan entered."""
    app = create_aggregator(
        AggregatorSettings(
            database_url=urls["aggregator"],
            kafka_bootstrap_servers=broker.bootstrap,
            topic_prefix=prefix,
        )
    )
    async with app.router.lifespan_context(app):
        yield app
