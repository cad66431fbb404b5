"""Low: a .txt with a UTF-16 byte-order mark and an odd length raised an uncaught
UnicodeDecodeError (500) on the upload routes; it is a clean Vietnamese 422 on each."""

from __future__ import annotations

import re

from tests.security.conftest import Docs

BROKEN = b"\xff\xfeA"


def _file() -> dict[str, tuple[str, bytes, str]]:
    return {"file": ("du-thao.txt", BROKEN, "text/plain")}


class TestUtf16OddLengthUploadIsACleanRefusal:
    async def test_the_upload_api(self, docs: Docs) -> None:
        answer = await docs.admin.post("/api/documents/upload", files=_file())
        assert answer.status_code == 422
        assert "UTF-8" in answer.json()["detail"]

    async def test_the_revision_api(self, docs: Docs) -> None:
        draft = await docs.import_draft()
        answer = await docs.admin.post(f"/api/documents/{draft['id']}/revisions", files=_file())
        assert answer.status_code == 422
        assert "UTF-8" in answer.json()["detail"]

    async def test_the_staff_import_form(self, docs: Docs) -> None:
        page = await docs.admin.get("/soan-thao", headers={"Accept": "text/html"})
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
        assert token is not None
        answer = await docs.admin.post(
            "/soan-thao/nhap",
            files=_file(),
            data={"csrf_token": token.group(1)},
            headers={"Accept": "text/html"},
        )
        assert answer.status_code == 422
        assert "UTF-8" in answer.text
