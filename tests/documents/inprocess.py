"""The documents service in process: the app, a client with an admin's bearer token and one
with nothing, for the tests of documents and of security."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from services.documents.config import DocumentsSettings
from services.documents.main import create_app
from shared.auth import issue_token
from shared.broker import EmbeddedBroker
from tests.factories import SMALL_DRAFT


@dataclass
class Docs:
    """The documents app, a client with the admin's bearer token, and one with nothing."""

    app: FastAPI
    settings: DocumentsSettings
    admin: httpx.AsyncClient
    anonymous: httpx.AsyncClient

    def admin_token(self) -> str:
        return issue_token(
            self.settings.signing_keys, "admin@test", ["admin"], ttl=timedelta(hours=1)
        )

    async def import_draft(self, text: str = SMALL_DRAFT) -> dict[str, Any]:
        created = await self.admin.post("/api/documents", json={"text": text, "source_name": "a"})
        assert created.status_code == 201, created.text
        return created.json()  # type: ignore[no-any-return]


@asynccontextmanager
async def documents_service(
    urls: dict[str, str], broker: EmbeddedBroker, prefix: str, **overrides: Any
) -> AsyncIterator[Docs]:
    """The app's lifespan entered, with these settings over the test databases and broker."""
    settings = DocumentsSettings(
        database_url=urls["documents"],
        kafka_bootstrap_servers=broker.bootstrap,
        topic_prefix=prefix,
        **overrides,
    )
    app = create_app(settings)
    token = issue_token(settings.signing_keys, "admin@test", ["admin"], ttl=timedelta(hours=1))
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app):
        async with (
            httpx.AsyncClient(
                transport=transport,
                base_url="http://127.0.0.1:8001",
                headers={"Authorization": f"Bearer {token}"},
            ) as admin,
            httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8001") as anonymous,
        ):
            yield Docs(app, settings, admin, anonymous)
