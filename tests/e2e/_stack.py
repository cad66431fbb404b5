"""The three services as real uvicorn processes on one broker, and the steps tests share."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from shared.auth import issue_token
from shared.config import ServiceSettings
from shared.db import create_engine
from tests.helpers import ServiceProcess, eventually

DRAFT = (Path(__file__).parent.parent / "feedback" / "draft_sample.txt").read_text(encoding="utf-8")


def admin_headers() -> dict[str, str]:
    keys = ServiceSettings().signing_keys
    token = issue_token(keys, "test", ["admin"], ttl=timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Stack:
    documents: ServiceProcess
    feedback: ServiceProcess
    aggregator: ServiceProcess
    urls: dict[str, str]

    def stop(self) -> None:
        for process in (self.documents, self.feedback, self.aggregator):
            process.stop()

    async def open_document(self) -> dict[str, Any]:
        """Import the sample draft, open it for 30 days, wait until feedback knows it."""
        async with httpx.AsyncClient(base_url=self.documents.url, timeout=30) as client:
            created = await client.post(
                "/api/documents",
                json={"text": DRAFT, "source_name": "du-thao.txt"},
                headers=admin_headers(),
            )
            assert created.status_code == 201, created.text
            document_id = created.json()["id"]
            opened = await client.post(
                f"/api/documents/{document_id}/open", json={"days": 30}, headers=admin_headers()
            )
            assert opened.status_code == 200, opened.text
            document: dict[str, Any] = (await client.get(f"/api/documents/{document_id}")).json()
        await self.wait_catalogued(uuid.UUID(document_id))
        return document

    async def wait_catalogued(self, document_id: uuid.UUID) -> None:
        engine = create_engine(self.urls["feedback"])

        async def status() -> str | None:
            async with engine.connect() as conn:
                row = await conn.execute(
                    text("SELECT status FROM feedback_documents WHERE id = :id"),
                    {"id": document_id},
                )
                return row.scalar_one_or_none()

        try:
            await eventually(status, lambda s: s == "open", timeout=60)
        finally:
            await engine.dispose()

    async def tallies(self, document_id: str) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(base_url=self.aggregator.url, timeout=10) as client:
            response = await client.get(
                f"/api/documents/{document_id}/tallies", headers=admin_headers()
            )
            return response.json() if response.status_code == 200 else []  # type: ignore[no-any-return]


def start_stack(
    urls: dict[str, str], bootstrap: str, prefix: str, log_dir: Path, **feedback_env: str
) -> Stack:
    """Start documents, feedback and aggregator, each pointing at the others' public URLs."""
    common = {"KAFKA_BOOTSTRAP_SERVERS": bootstrap, "KAFKA_TOPIC_PREFIX": prefix}
    documents = ServiceProcess("documents", {}, log_dir)
    feedback = ServiceProcess("feedback", {}, log_dir)
    aggregator = ServiceProcess("aggregator", {}, log_dir)
    public = {
        "PUBLIC_DOCUMENTS_URL": documents.url,
        "PUBLIC_FEEDBACK_URL": feedback.url,
        "PUBLIC_AGGREGATOR_URL": aggregator.url,
    }
    documents.env = {**common, **public, "DOCUMENTS_DATABASE_URL": urls["documents"]}
    feedback.env = {**common, **public, "FEEDBACK_DATABASE_URL": urls["feedback"], **feedback_env}
    aggregator.env = {**common, **public, "AGGREGATOR_DATABASE_URL": urls["aggregator"]}
    stack = Stack(documents, feedback, aggregator, urls)
    try:
        for process in (documents, feedback, aggregator):
            process.start()
    except Exception:
        stack.stop()
        raise
    return stack
