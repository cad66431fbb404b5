"""An administrator in headless Chromium uploads a draft as PDF and previews its tree; a
scanned PDF is refused on the page with the pages it lacks text on."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from shared.auth import SESSION_COOKIE, issue_token
from shared.broker import EmbeddedBroker
from shared.config import ServiceSettings
from tests.e2e.browser import needs_chromium
from tests.stack import ServiceProcess

PDFS = Path(__file__).parent.parent / "documents" / "parsing" / "fixtures" / "pdf"

pytestmark = needs_chromium


@pytest.fixture
def documents(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str, tmp_path: Path
) -> Iterator[ServiceProcess]:
    service = ServiceProcess("documents", {}, tmp_path)
    service.env = {
        "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrap,
        "KAFKA_TOPIC_PREFIX": topic_prefix,
        "DOCUMENTS_DATABASE_URL": clean_databases["documents"],
        "PUBLIC_DOCUMENTS_URL": service.url,
    }
    service.start()
    yield service
    service.stop()


async def _admin_page(browser: Any, documents: ServiceProcess) -> Any:
    token = issue_token(
        ServiceSettings().signing_keys, "account:admin", ["admin"], ttl=timedelta(hours=1)
    )
    context = await browser.new_context(locale="vi-VN")
    await context.add_cookies([{"name": SESSION_COOKIE, "value": token, "url": documents.url}])
    page = await context.new_page()
    await page.goto(f"{documents.url}/soan-thao")
    return page


async def test_a_pdf_draft_is_uploaded_and_its_tree_previewed(
    documents: ServiceProcess, browser: Any
) -> None:
    page = await _admin_page(browser, documents)
    field = page.get_by_label("Tệp dự thảo (.txt mã UTF-8, .docx hoặc .pdf)")
    assert ".pdf" in (await field.get_attribute("accept") or "")
    await field.set_input_files(str(PDFS / "001_bold.pdf"))
    await page.get_by_role("button", name="Nhập và xem trước").click()
    await page.wait_for_url(f"{documents.url}/soan-thao/*", timeout=120_000)
    assert await page.get_by_role("heading", name="Cây đề mục (85 mục)").is_visible()
    outline = page.locator("ol.outline").first
    first = outline.locator("> li").first
    assert (await first.locator("> span.num").inner_text()) == "A"
    assert "KẾT QUẢ ĐẠT ĐƯỢC" in await first.inner_text()
    nested = first.locator("ol.outline li span.num")
    assert (await nested.nth(0).inner_text(), await nested.nth(1).inner_text()) == ("I", "1")


async def test_a_scanned_pdf_is_refused_with_its_pages_named(
    documents: ServiceProcess, browser: Any
) -> None:
    page = await _admin_page(browser, documents)
    await page.get_by_label("Tệp dự thảo (.txt mã UTF-8, .docx hoặc .pdf)").set_input_files(
        str(PDFS / "scanned.pdf")
    )
    await page.get_by_role("button", name="Nhập và xem trước").click()
    await page.get_by_text("Trang 2 của tệp PDF là ảnh quét").wait_for(timeout=60_000)
    assert await page.get_by_text("Chưa có dự thảo nào.").is_visible()
