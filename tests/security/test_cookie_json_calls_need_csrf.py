"""Medium: a state-changing staff call authenticated by a cookie needs the CSRF token (or a
bearer token instead of the cookie), and a foreign Origin is refused."""

from __future__ import annotations

import re

import httpx

from shared.auth import SESSION_COOKIE
from tests.security.conftest import Docs


async def _cookie_client(docs: Docs) -> httpx.AsyncClient:
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=docs.app), base_url="http://127.0.0.1:8001"
    )
    client.cookies.set(SESSION_COOKIE, docs.admin_token())
    return client


async def _opened(docs: Docs) -> str:
    draft = await docs.import_draft()
    opened = await docs.admin.post(f"/api/documents/{draft['id']}/open", json={"days": 30})
    assert opened.status_code == 200
    return str(draft["id"])


class TestCookieJsonCallsNeedCsrf:
    async def test_a_foreign_origin_is_refused(self, docs: Docs) -> None:
        document_id = await _opened(docs)
        async with await _cookie_client(docs) as browser:
            answer = await browser.post(
                f"/api/documents/{document_id}/close", headers={"Origin": "https://evil.example"}
            )
            assert answer.status_code == 403
            upload = await browser.post(
                "/api/documents/upload",
                files={"file": ("a.txt", b"I. MOT\n", "text/plain")},
                headers={"Origin": "https://evil.example"},
            )
            assert upload.status_code == 403
        listed = (await docs.admin.get("/api/documents")).json()
        assert [d["status"] for d in listed] == ["open"]

    async def test_a_cookie_without_the_token_is_refused_and_with_it_accepted(
        self, docs: Docs
    ) -> None:
        document_id = await _opened(docs)
        async with await _cookie_client(docs) as browser:
            bare = await browser.post(f"/api/documents/{document_id}/close")
            assert bare.status_code == 403
            assert "không hợp lệ" in bare.json()["detail"]
            page = await browser.get("/soan-thao", headers={"Accept": "text/html"})
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token is not None
            answer = await browser.post(
                f"/api/documents/{document_id}/close",
                headers={"X-CSRF-Token": token.group(1), "Origin": "http://127.0.0.1:8001"},
            )
            assert answer.status_code == 200, answer.text

    async def test_a_bearer_token_needs_no_csrf_token(self, docs: Docs) -> None:
        document_id = await _opened(docs)
        answer = await docs.admin.post(f"/api/documents/{document_id}/close")
        assert answer.status_code == 200
