"""Medium: anonymous clients could send bodies of any size to documents and aggregator.
Identity is checked before a staff body is read, and every body is capped by route (413)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from shared.broker import EmbeddedBroker
from tests.security.conftest import Docs, aggregator_service

MB = 1024 * 1024


class Meter:
    """A lazy body of ``total`` bytes that counts how much the server pulled from it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    def upload_headers(self) -> dict[str, str]:
        """A file upload that declares the whole length up front."""
        return {
            "Content-Type": "multipart/form-data; boundary=x",
            "Content-Length": str(self.total),
        }

    async def stream(self) -> AsyncIterator[bytes]:
        chunk = b"x" * MB
        while self.sent < self.total:
            self.sent += len(chunk)
            yield chunk


class TestBodiesAreCappedAndIdentityComesFirst:
    async def test_an_anonymous_3gb_upload_is_refused_before_it_is_read(self, docs: Docs) -> None:
        body = Meter(3 * 1024 * MB)
        answer = await docs.anonymous.post(
            "/api/documents/upload", content=body.stream(), headers=body.upload_headers()
        )
        assert answer.status_code == 401
        assert "đăng nhập" in answer.json()["detail"]
        assert body.sent <= MB

    async def test_an_admin_json_body_over_the_cap_is_413(self, docs: Docs) -> None:
        body = Meter(300 * MB)
        answer = await docs.admin.post(
            "/api/documents", content=body.stream(), headers={"Content-Type": "application/json"}
        )
        assert answer.status_code == 413
        assert "quá lớn" in answer.json()["detail"]
        assert body.sent <= docs.settings.max_json_bytes + MB

    async def test_a_declared_length_over_the_cap_is_413_at_once(self, docs: Docs) -> None:
        body = Meter(50 * MB)
        answer = await docs.admin.post(
            "/api/documents/upload", content=body.stream(), headers=body.upload_headers()
        )
        assert answer.status_code == 413 and body.sent == 0

    async def test_a_1gb_sign_in_body_is_413(
        self, clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str
    ) -> None:
        async with aggregator_service(clean_databases, broker, topic_prefix) as app:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://agg") as client:
                body = Meter(1024 * MB)
                answer = await client.post(
                    "/dang-nhap",
                    content=body.stream(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                assert answer.status_code == 413
                assert body.sent <= MB
                staff_body = Meter(100 * MB)
                staff = await client.post(
                    "/quan-tri/nhan-su",
                    content=staff_body.stream(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                )
                assert staff.status_code == 401 and staff_body.sent == 0
