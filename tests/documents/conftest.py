"""Fixtures of the documents service's tests: the app in process, signed in as an admin."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any

import httpx
import pytest

from shared.broker import EmbeddedBroker
from tests.documents.inprocess import documents_service

AdminClient = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, str]]]


@pytest.fixture
def admin_client(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
) -> AdminClient:
    """``async with admin_client(**settings) as (client, token)``: the app's lifespan entered,
    a client for it and an admin's token (the caller puts it in a header or a cookie)."""

    @asynccontextmanager
    async def running(**overrides: Any) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
        async with documents_service(clean_databases, broker, topic_prefix, **overrides) as docs:
            yield docs.anonymous, docs.admin_token()

    return running
