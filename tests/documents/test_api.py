"""The documents API as DESIGN.md section 6 fixes it, and draft uploads (.txt, .docx, .pdf)."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from pathlib import Path

import docx
import httpx
import pytest

from tests.documents.conftest import AdminClient
from tests.factories import SMALL_DRAFT

PDF_FIXTURES = Path(__file__).parent / "parsing" / "fixtures" / "pdf"


@pytest.fixture
async def client(admin_client: AdminClient) -> AsyncIterator[httpx.AsyncClient]:
    """The API, called with an admin's bearer token."""
    async with admin_client(max_upload_bytes=200_000) as (c, token):
        c.headers["Authorization"] = f"Bearer {token}"
        yield c


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("BÁO CÁO THỬ NGHIỆM")
    document.add_paragraph("I. KẾT QUẢ")
    document.add_paragraph("1. Kinh tế")
    document.add_paragraph("Tăng trưởng khá.")
    document.add_paragraph("II. NHIỆM VỤ")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


class TestReadApi:
    async def test_list_and_detail_have_the_fixed_shape(self, client: httpx.AsyncClient) -> None:
        created = await client.post(
            "/api/documents", json={"text": SMALL_DRAFT, "source_name": "a.txt"}
        )
        assert created.status_code == 201
        listed = (await client.get("/api/documents")).json()
        assert set(listed[0]) >= {"id", "slug", "title", "status"}
        detail = (await client.get(f"/api/documents/{listed[0]['id']}")).json()
        assert set(detail) >= {"id", "title", "status", "sections"}
        first = detail["sections"][0]
        assert set(first) >= {"id", "path", "number", "title", "level"}
        assert first == {**first, "path": ["Phần thứ nhất"], "number": "Phần thứ nhất", "level": 1}
        assert [s["path"][-1] for s in detail["sections"]][:4] == ["Phần thứ nhất", "I", "1", "1.1"]

    async def test_importing_the_same_text_twice_makes_one_document(
        self, client: httpx.AsyncClient
    ) -> None:
        for _ in range(2):
            await client.post("/api/documents", json={"text": SMALL_DRAFT})
        assert len((await client.get("/api/documents")).json()) == 1

    async def test_an_unknown_document_is_404_in_vietnamese(
        self, client: httpx.AsyncClient
    ) -> None:
        response = await client.get("/api/documents/6c0f8a4e-0000-4000-8000-000000000000")
        assert response.status_code == 404 and "Không tìm thấy" in response.json()["detail"]


class TestUpload:
    async def test_a_docx_draft_becomes_a_document_with_its_tree(
        self, client: httpx.AsyncClient
    ) -> None:
        files = {"file": ("du-thao.docx", _docx_bytes(), "application/octet-stream")}
        created = await client.post("/api/documents/upload", files=files)
        assert created.status_code == 201, created.text
        assert created.json()["status"] == "draft"
        detail = (await client.get(f"/api/documents/{created.json()['id']}")).json()
        assert [s["path"] for s in detail["sections"]] == [["I"], ["I", "1"], ["II"]]

    @pytest.mark.parametrize(
        ("name", "data", "status", "message"),
        [
            ("a.txt", "Báo cáo".encode("cp1258", errors="replace") + b"\xff\xfe\xfa", 422, "UTF-8"),
            ("a.odt", b"PK\x03\x04", 422, "Chỉ nhận tệp"),
            ("a.pdf", b"%PDF-1.4", 422, "PDF"),
            ("a.pdf", b"not a pdf at all", 422, "không phải tệp PDF"),
            ("a.docx", b"not a zip", 422, "bị hỏng"),
            ("a.txt", b"", 422, "rỗng"),
            ("a.txt", b"I. A\n" * 50_000, 413, "quá lớn"),
        ],
    )
    async def test_bad_files_are_refused_clearly_and_nothing_is_stored(
        self, client: httpx.AsyncClient, name: str, data: bytes, status: int, message: str
    ) -> None:
        response = await client.post("/api/documents/upload", files={"file": (name, data)})
        assert response.status_code == status
        assert message in response.json()["detail"]
        assert (await client.get("/api/documents")).json() == []

    async def test_a_pdf_draft_becomes_a_document_with_its_tree(
        self, client: httpx.AsyncClient
    ) -> None:
        pdf = (PDF_FIXTURES / "001_bold.pdf").read_bytes()
        created = await client.post("/api/documents/upload", files={"file": ("du-thao.pdf", pdf)})
        assert created.status_code == 201, created.text
        detail = (await client.get(f"/api/documents/{created.json()['id']}")).json()
        paths = [s["path"] for s in detail["sections"]]
        assert paths[:3] == [["A"], ["A", "I"], ["A", "I", "1"]]
        assert len(paths) == 85

    async def test_a_scanned_pdf_names_its_pages_and_imports_nothing(
        self, client: httpx.AsyncClient
    ) -> None:
        pdf = (PDF_FIXTURES / "scanned.pdf").read_bytes()
        response = await client.post("/api/documents/upload", files={"file": ("scan.pdf", pdf)})
        assert response.status_code == 422
        assert "Trang 2 " in response.json()["detail"] and "OCR" in response.json()["detail"]
        assert (await client.get("/api/documents")).json() == []

    async def test_staff_only(self, client: httpx.AsyncClient) -> None:
        response = await client.post(
            "/api/documents/upload",
            files={"file": ("a.txt", b"I. A")},
            headers={"Authorization": ""},
        )
        assert response.status_code in (401, 403)


class TestRevisionApi:
    async def test_upload_preview_then_apply(self, client: httpx.AsyncClient) -> None:
        created = (await client.post("/api/documents", json={"text": SMALL_DRAFT})).json()
        revised = SMALL_DRAFT.replace("II. HẠN CHẾ, YẾU KÉM", "II. HẠN CHẾ, YẾU KÉM VÀ NGUYÊN NHÂN")
        preview = await client.post(
            f"/api/documents/{created['id']}/revisions",
            files={"file": ("v2.txt", revised.encode())},
        )
        assert preview.status_code == 201, preview.text
        body = preview.json()
        assert body["new"] == [] and body["orphaned"] == []
        applied = await client.post(
            f"/api/documents/{created['id']}/revisions/{body['revision_id']}/apply"
        )
        assert applied.status_code == 200
        detail = (await client.get(f"/api/documents/{created['id']}")).json()
        assert "HẠN CHẾ, YẾU KÉM VÀ NGUYÊN NHÂN" in [s["title"] for s in detail["sections"]]


class TestTables:
    async def test_each_indicator_row_of_an_appendix_table_has_its_own_anchor(
        self, client: httpx.AsyncClient
    ) -> None:
        from pathlib import Path

        seed = Path(__file__).parent / "parsing" / "fixtures" / "000_e341ae35a8b646af.txt"
        created = (await client.post("/api/documents", json={"text": seed.read_text()})).json()
        await client.post(f"/api/documents/{created['id']}/open", json={"days": 30})
        page = (await client.get(f"/d/{created['slug']}")).text
        rows = re.findall(r'<tr id="(muc-[a-z0-9-]+-bang-1-dong-(\d+))">', page)
        assert len(rows) > 20, "the appendix indicators are not addressable rows"
        first_id, _ = rows[0]
        assert f'href="#{first_id}"' in page
        assert [int(n) for _, n in rows[:3]] == [1, 2, 3]
