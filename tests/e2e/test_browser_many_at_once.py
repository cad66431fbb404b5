"""Citizens in headless Chromium at 375 px against real uvicorn processes: twelve people
sending at the same moment (on PostgreSQL and on SQLite, the default a newcomer runs),
a reload after sending, a 25,000-character paste, and a withdrawal that asks first."""

from __future__ import annotations

import asyncio
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from services.feedback.models import CatalogueDocument, Comment
from shared import migrate
from shared.broker import EmbeddedBroker
from shared.db import create_engine
from tests.e2e.browser import PHONE, SHOTS, fits_the_screen, needs_chromium
from tests.factories import SAMPLE_DRAFT as DRAFT
from tests.helpers import eventually
from tests.stack import Stack

pytestmark = needs_chromium
RECEIPT = re.compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$")
SERVICES = ("documents", "feedback", "aggregator")


@pytest.fixture(params=["postgresql", "sqlite"])
def backend(
    request: pytest.FixtureRequest, database_urls: dict[str, str], tmp_path: Path
) -> dict[str, str]:
    """Each service's database: the suite's PostgreSQL ones, or fresh SQLite files."""
    if request.param == "postgresql":
        return dict(request.getfixturevalue("clean_databases"))
    urls = {s: f"sqlite+aiosqlite:///{tmp_path / 'db' / (s + '.db')}" for s in SERVICES}
    for service, url in urls.items():
        migrate.upgrade(service, url)
    return urls


def _stack(
    urls: dict[str, str], broker: EmbeddedBroker, prefix: str, logs: Path
) -> Iterator[Stack]:
    running = Stack(urls, broker.bootstrap, prefix, logs).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def stack_on_both(
    backend: dict[str, str], broker: EmbeddedBroker, topic_prefix: str, tmp_path: Path
) -> Iterator[Stack]:
    yield from _stack(backend, broker, topic_prefix, tmp_path)


@pytest.fixture
def stack(
    clean_databases: dict[str, str], broker: EmbeddedBroker, topic_prefix: str, tmp_path: Path
) -> Iterator[Stack]:
    yield from _stack(clean_databases, broker, topic_prefix, tmp_path)


@pytest.fixture
async def phone(browser: Any) -> AsyncIterator[Any]:
    context = await browser.new_context(viewport=PHONE, locale="vi-VN")
    yield context
    await context.close()


async def _stored_comments(stack: Stack, document_id: str) -> int:
    engine = create_engine(stack.env["FEEDBACK_DATABASE_URL"])
    try:
        async with engine.connect() as conn:
            query = select(func.count()).where(col(Comment.document_id) == uuid.UUID(document_id))
            return int((await conn.execute(query)).scalar_one())
    finally:
        await engine.dispose()


async def _open_document(stack: Stack) -> dict[str, Any]:
    """Import and open the sample draft; wait (on either database) until feedback knows it."""
    document = await stack.open_draft(DRAFT, "du-thao.txt")
    document_id = document["id"]
    engine = create_engine(stack.env["FEEDBACK_DATABASE_URL"])

    async def status() -> str | None:
        async with engine.connect() as conn:
            query = select(CatalogueDocument.status).where(
                col(CatalogueDocument.id) == uuid.UUID(document_id)
            )
            return (await conn.execute(query)).scalar_one_or_none()

    try:
        await eventually(status, lambda s: s == "open", timeout=60)
    finally:
        await engine.dispose()
    return document


def _form_of(page: Any, section_id: str) -> Any:
    """The comment box of one section, found by its id (numbers repeat in a long draft)."""
    return page.locator("section.section-comment").filter(
        has=page.locator(f"input[name=section_id][value='{section_id}']")
    )


async def _open_form(page: Any, stack: Stack, document: dict[str, Any], section_id: str) -> Any:
    """The section's own page, where its comment form is."""
    section = next(s for s in document["sections"] if s["id"] == section_id)
    await page.goto(section["url"])
    return _form_of(page, section_id)


def _tally(tallies: list[dict[str, Any]], section_id: str) -> int:
    return next((t["total"] for t in tallies if t["section_id"] == section_id), -1)


async def test_twelve_people_send_at_the_same_moment(
    stack_on_both: Stack, browser: Any, backend: dict[str, str]
) -> None:
    stack = stack_on_both
    document = await _open_document(stack)
    section = next(s for s in document["sections"] if s["number"] == "1.1")
    contexts = [await browser.new_context(viewport=PHONE, locale="vi-VN") for _ in range(12)]
    pages = [await c.new_page() for c in contexts]
    buttons = []
    for n, page in enumerate(pages):
        details = await _open_form(page, stack, document, section["id"])
        await details.locator("textarea[name=text]").fill(f"Ý kiến của người thứ {n + 1}.")
        buttons.append(details.get_by_role("button", name="Gửi ý kiến"))
    await asyncio.gather(*(b.click() for b in buttons))  # everyone presses at once
    codes = []
    for page in pages:
        await page.wait_for_url(re.compile(r"/comments/received/"))
        codes.append((await page.locator("#ma-bien-nhan").inner_text()).strip())
    assert all(RECEIPT.match(c) for c in codes), codes
    assert len(set(codes)) == 12
    assert await fits_the_screen(pages[0])
    if backend["feedback"].startswith("sqlite"):
        await pages[0].screenshot(path=str(SHOTS / "08-receipt-twelve-at-once-phone.png"))
    for context in contexts:
        await context.close()
    assert await _stored_comments(stack, document["id"]) == 12
    await eventually(
        lambda: stack.tally_rows(document["id"]),
        lambda t: _tally(t, section["id"]) == 12,
        timeout=60,
    )


async def test_a_reload_after_sending_is_still_one_comment(stack: Stack, phone: Any) -> None:
    document = await _open_document(stack)
    section = next(s for s in document["sections"] if s["number"] == "1.1")
    page = await phone.new_page()
    details = await _open_form(page, stack, document, section["id"])
    await details.locator("textarea[name=text]").fill("Gửi một lần, tải lại trang nhiều lần.")
    await details.get_by_role("button", name="Gửi ý kiến").click()
    await page.wait_for_url(re.compile(r"/comments/received/"))
    code = (await page.locator("#ma-bien-nhan").inner_text()).strip()
    assert code not in page.url
    for _ in range(2):
        await page.reload()
        assert (await page.locator("#ma-bien-nhan").inner_text()).strip() == code
    await page.go_back()  # back on the draft, the browser kept the text: send it again
    again = _form_of(page, section["id"])
    await again.locator("textarea[name=text]").fill("Gửi một lần, tải lại trang nhiều lần.")
    await again.get_by_role("button", name="Gửi ý kiến").click()
    await page.wait_for_url(re.compile(r"/comments/received/"))
    assert (await page.locator("#ma-bien-nhan").inner_text()).strip() == code
    assert await _stored_comments(stack, document["id"]) == 1


async def test_a_25000_character_paste_is_kept_whole_with_a_clear_message(
    stack: Stack, phone: Any
) -> None:
    document = await _open_document(stack)
    section = next(s for s in document["sections"] if s["number"] == "1.1")
    page = await phone.new_page()
    details = await _open_form(page, stack, document, section["id"])
    box = details.locator("textarea[name=text]")
    pasted = ("Đề nghị bổ sung quy định về đất nông nghiệp. " * 600)[:25_000]
    await box.fill(pasted)
    assert len(await box.input_value()) == 25_000  # nothing cut off
    hint = details.locator("form p.hint[aria-live]")
    message = await hint.inner_text()
    assert "dài 25.000 ký tự, vượt quá giới hạn 20.000 ký tự" in message
    assert "rút gọn thêm 5.000 ký tự" in message
    await details.scroll_into_view_if_needed()
    await details.screenshot(path=str(SHOTS / "09-too-long-phone.png"))
    await details.get_by_role("button", name="Gửi ý kiến").click()
    assert "/d/" in page.url  # the browser held it back, the text is still there
    assert len(await box.input_value()) == 25_000
    # Sent anyway (an old browser, no JavaScript): the server gives all of it back.
    await box.evaluate("area => area.form.submit()")
    await page.wait_for_url(f"{stack.url('feedback')}/comments")
    kept = page.locator("#text-gui-lai")
    assert await kept.input_value() == pasted
    assert "vượt quá giới hạn 20.000 ký tự" in await page.locator("#err-gui-lai-text").inner_text()
    assert await fits_the_screen(page)
    await kept.fill(pasted[:19_000])
    await page.get_by_role("button", name="Gửi lại").click()
    await page.wait_for_url(re.compile(r"/comments/received/"))
    assert RECEIPT.match((await page.locator("#ma-bien-nhan").inner_text()).strip())


async def test_withdrawal_asks_first_and_keeps_the_code_out_of_addresses(
    stack: Stack, phone: Any
) -> None:
    document = await _open_document(stack)
    section = next(s for s in document["sections"] if s["number"] == "1.1")
    page = await phone.new_page()
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    details = await _open_form(page, stack, document, section["id"])
    await details.locator("textarea[name=text]").fill("Tôi sẽ rút lại ý kiến này.")
    await details.get_by_role("button", name="Gửi ý kiến").click()
    await page.wait_for_url(re.compile(r"/comments/received/"))
    code = (await page.locator("#ma-bien-nhan").inner_text()).strip()

    await page.get_by_role("button", name="Tra cứu ý kiến này").click()
    await page.get_by_role("button", name="Rút lại ý kiến này").click()
    assert await page.get_by_text(f"Bạn có chắc muốn rút lại ý kiến {code}?").is_visible()
    assert await fits_the_screen(page)
    await page.screenshot(path=str(SHOTS / "10-withdraw-confirm-phone.png"), full_page=True)
    await page.get_by_role("button", name="Không, giữ lại ý kiến").click()
    assert await page.get_by_text("Trạng thái: đã tiếp nhận.").is_visible()

    await page.get_by_role("button", name="Rút lại ý kiến này").click()
    await page.get_by_role("button", name="Có, rút lại ý kiến").click()
    assert await page.get_by_text(f"Đã rút lại ý kiến {code}.").is_visible()
    assert await page.get_by_text("Trạng thái: đã rút lại").is_visible()
    assert not [url for url in visited if code in url or code.replace("-", "") in url]
