"""The staff pages of the documents service: import, preview with warnings, open, revise."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from shared.auth import SESSION_COOKIE
from tests.documents.conftest import AdminClient
from tests.factories import SMALL_DRAFT

HTML = {"Accept": "text/html"}
MISNUMBERED = SMALL_DRAFT.replace("2. Về văn hóa - xã hội", "4. Về văn hóa - xã hội")


@pytest.fixture
async def browser(admin_client: AdminClient) -> AsyncIterator[httpx.AsyncClient]:
    """An admin's browser: signed in by the session cookie."""
    async with admin_client() as (client, token):
        client.headers.update(HTML)
        client.cookies.set(SESSION_COOKIE, token)
        yield client


def _csrf(page: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "the form carries no CSRF token"
    return match.group(1)


async def _import(browser: httpx.AsyncClient, text: str) -> str:
    page = (await browser.get("/soan-thao")).text
    response = await browser.post(
        "/soan-thao/nhap",
        data={"csrf_token": _csrf(page)},
        files={"file": ("du-thao.txt", text.encode())},
    )
    assert response.status_code == 303, response.text
    return response.headers["location"]


class TestPreviewAndPublish:
    async def test_an_imported_draft_is_previewed_with_its_tree_and_warnings(
        self, browser: httpx.AsyncClient
    ) -> None:
        location = await _import(browser, MISNUMBERED)
        page = (await browser.get(location)).text
        assert "Bản nháp, chưa công bố" in page
        assert "Về văn hóa - xã hội" in page and "vanphong@example.vn" in page
        assert "Cảnh báo của bộ tách đề mục" in page
        assert "Không có cảnh báo" not in page  # 4 follows 1: the gap is reported
        listing = (await browser.get("/api/documents")).json()
        assert listing[0]["status"] == "draft"

    async def test_publishing_opens_the_window_and_the_public_page(
        self, browser: httpx.AsyncClient
    ) -> None:
        location = await _import(browser, SMALL_DRAFT)
        page = (await browser.get(location)).text
        opens = re.search(r'name="opens" type="date" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        closes = re.search(r'name="closes" type="date" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        form = {"csrf_token": _csrf(page), "opens": opens, "closes": closes}
        asked = await browser.post(f"{location}/mo", data=form)
        assert asked.status_code == 200 and "Xác nhận công bố dự thảo" in asked.text
        assert (await browser.get("/api/documents")).json()[0]["status"] == "draft"
        response = await browser.post(f"{location}/mo", data={**form, "confirm": "1"})
        assert response.status_code == 303
        assert (await browser.get("/api/documents")).json()[0]["status"] == "open"
        done = (await browser.get(response.headers["location"])).text
        assert "Đã công bố dự thảo và mở lấy ý kiến." in done

    async def test_a_form_without_its_csrf_token_changes_nothing(
        self, browser: httpx.AsyncClient
    ) -> None:
        location = await _import(browser, SMALL_DRAFT)
        response = await browser.post(
            f"{location}/mo", data={"opens": "2026-11-22", "closes": "2026-12-22"}
        )
        assert response.status_code == 403
        assert (await browser.get("/api/documents")).json()[0]["status"] == "draft"

    async def test_a_bad_file_is_refused_on_the_page_in_vietnamese(
        self, browser: httpx.AsyncClient
    ) -> None:
        page = (await browser.get("/soan-thao")).text
        response = await browser.post(
            "/soan-thao/nhap", data={"csrf_token": _csrf(page)}, files={"file": ("a.odt", b"PK")}
        )
        assert response.status_code == 422 and "Chỉ nhận tệp" in response.text

    async def test_anonymous_browsers_are_sent_to_sign_in(self, browser: httpx.AsyncClient) -> None:
        browser.cookies.clear()
        response = await browser.get("/soan-thao")
        assert response.status_code == 303 and "/dang-nhap" in response.headers["location"]


class TestNewVersion:
    async def test_a_revision_is_reported_then_applied(self, browser: httpx.AsyncClient) -> None:
        location = await _import(browser, SMALL_DRAFT)
        page = (await browser.get(location)).text
        revised = SMALL_DRAFT.replace("II. HẠN CHẾ, YẾU KÉM\n\nMột số chỉ tiêu chưa đạt.\n", "")
        response = await browser.post(
            f"{location}/phien-ban",
            data={"csrf_token": _csrf(page)},
            files={"file": ("v2.txt", revised.encode())},
        )
        assert response.status_code == 303
        report = (await browser.get(response.headers["location"])).text
        assert "Các mục không còn trong bản mới (1)" in report and "HẠN CHẾ, YẾU KÉM" in report
        applied = await browser.post(
            response.headers["location"] + "/ap-dung", data={"csrf_token": _csrf(report)}
        )
        assert applied.status_code == 303
        assert "Phiên bản 2" in (await browser.get(location)).text


class TestRequiredFields:
    async def test_required_details_reach_the_other_services_in_the_document_event(
        self, browser: httpx.AsyncClient, clean_databases: dict[str, str]
    ) -> None:
        from sqlalchemy import select

        from shared.db import create_engine
        from shared.outbox import OutboxMessage

        location = await _import(browser, SMALL_DRAFT)
        page = (await browser.get(location)).text
        await browser.post(
            f"{location}/mo",
            data={
                "csrf_token": _csrf(page),
                "opens": "2026-01-01",
                "closes": "2099-12-31",
                "confirm": "1",
            },
        )
        page = (await browser.get(location)).text
        response = await browser.post(
            f"{location}/thong-tin-bat-buoc",
            data={"csrf_token": _csrf(page), "fields": ["phone", "name"]},
        )
        assert response.status_code == 303
        assert 'value="name" checked' in (await browser.get(location)).text
        engine = create_engine(clean_databases["documents"])
        async with engine.connect() as conn:
            query = select(OutboxMessage.event_type, OutboxMessage.body).order_by(
                OutboxMessage.seq  # type: ignore[arg-type]
            )
            rows = (await conn.execute(query)).all()
        await engine.dispose()
        event_type, body = rows[-1]
        assert event_type == "document.updated"
        assert body["payload"]["required_fields"] == ["name", "phone"]

    async def test_an_unknown_field_is_refused(self, browser: httpx.AsyncClient) -> None:
        location = await _import(browser, SMALL_DRAFT)
        page = (await browser.get(location)).text
        response = await browser.post(
            f"{location}/thong-tin-bat-buoc", data={"csrf_token": _csrf(page), "fields": ["cccd"]}
        )
        assert response.status_code == 422 and "không hợp lệ" in response.json()["detail"]


class TestContacts:
    async def test_an_admin_corrects_the_contact_details_shown_to_citizens(
        self, browser: httpx.AsyncClient
    ) -> None:
        location = await _import(browser, SMALL_DRAFT)
        page = (await browser.get(location)).text
        response = await browser.post(
            f"{location}/lien-he",
            data={
                "csrf_token": _csrf(page),
                "emails": "vanphong@dienbien.vn, tieuban@dienbien.vn",
                "postal_addresses": "Số 1 đường Võ Nguyên Giáp, TP. Điện Biên Phủ",
                "postage_free": "1",
            },
        )
        assert response.status_code == 303
        page = (await browser.get(location)).text
        assert "tieuban@dienbien.vn" in page and "Võ Nguyên Giáp" in page
        assert "vanphong@example.vn" not in page

    async def test_a_malformed_address_is_refused_and_nothing_changes(
        self, browser: httpx.AsyncClient
    ) -> None:
        location = await _import(browser, SMALL_DRAFT)
        page = (await browser.get(location)).text
        response = await browser.post(
            f"{location}/lien-he", data={"csrf_token": _csrf(page), "emails": "khong-phai-email"}
        )
        assert response.status_code == 422 and "không hợp lệ" in response.text
        assert "vanphong@example.vn" in (await browser.get(location)).text


class TestDates:
    async def test_the_date_a_draft_states_is_shown_the_vietnamese_way(
        self, browser: httpx.AsyncClient
    ) -> None:
        from pathlib import Path

        seed = Path(__file__).parent / "parsing" / "fixtures" / "002_09586b55cf7290dc.txt"
        page = (await browser.get(await _import(browser, seed.read_text()))).text
        assert "<dt>Ngày</dt><dd>2/12/2022</dd>" in page
        assert "2022-12-02" not in page
