"""Fixtures of the documents service's tests: the app in process, signed in as an admin."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.documents.config import DocumentsSettings
from services.documents.main import create_app
from shared.auth import issue_token
from shared.broker import EmbeddedBroker

AdminClient = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, str]]]


@pytest.fixture
def admin_client(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
) -> AdminClient:
    """``async with admin_client(**settings) as (client, token)``: the app's lifespan entered,
    a client for it and an admin's token (the caller puts it in a header or a cookie)."""

    @asynccontextmanager
    async def running(**overrides: Any) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
        settings = DocumentsSettings(
            database_url=clean_databases["documents"],
            kafka_bootstrap_servers=broker.bootstrap,
            topic_prefix=topic_prefix,
            **overrides,
        )
        app = create_app(settings)
        token = issue_token(settings.signing_keys, "admin@test", ["admin"], ttl=timedelta(hours=1))
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app):
            async with httpx.AsyncClient(
                transport=transport, base_url="http://127.0.0.1:8001"
            ) as client:
                yield client, token

    return running
