"""A citizen in headless Chromium: reads a draft on a 375-px phone, comments on a section,
gets a receipt and looks it up; the same by keyboard alone; no JavaScript; axe-core finds no
serious or critical accessibility violation. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.browser import PHONE, SHOTS, fits_the_screen, needs_chromium, serious_violations
from tests.factories import SAMPLE_DRAFT
from tests.stack import Stack

RECEIPT = re.compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$")

pytestmark = needs_chromium


async def _reading(stack: Stack, browser: Any, **context: Any) -> tuple[dict[str, Any], Any]:
    """The sample draft, published and open, on the reading page of a new browser context."""
    document = await stack.publish_draft(SAMPLE_DRAFT)
    page = await (await browser.new_context(locale="vi-VN", **context)).new_page()
    await page.goto(f"{stack.url('documents')}/d/{document['slug']}")
    return document, page


async def test_a_citizen_comments_on_a_section_from_a_phone(stack: Stack, browser: Any) -> None:
    document, page = await _reading(
        stack,
        browser,
        viewport=PHONE,
        device_scale_factor=2,
        bypass_csp=True,  # for axe only
    )
    section = next(s for s in document["sections"] if s["number"] == "1.1")
    assert await fits_the_screen(page)
    assert await page.get_by_text("Đang lấy ý kiến từ ngày").is_visible()
    assert await serious_violations(page) == []

    # the contents lead to the section's own page, which holds its form
    await page.locator("nav.toc details.part").first.locator("summary").click()
    await page.locator("nav.toc").get_by_role("link", name="1.1. Nông nghiệp, lâm nghiệp").click()
    await page.wait_for_url(section["url"])
    details = page.locator("form.comment")
    box = details.get_by_label("Ý kiến của bạn về mục I › 1 › 1.1. Nông nghiệp, lâm nghiệp")
    counter = details.locator("p.hint")
    text = "Đề nghị bổ sung chỉ tiêu về\u00a0sản lượng lúa của các xã vùng cao.\r\n"
    await box.fill(text)
    assert await counter.inner_text() == f"Còn lại {20_000 - len(text) + 1:,} ký tự.".replace(
        ",", "."
    )
    await details.get_by_label("Họ và tên").fill("Lò Văn Hùng")
    await details.get_by_label("Cơ quan, tổ chức hoặc chi bộ").fill("Chi bộ bản Him Lam 2")
    assert await details.locator("input[name=consent]").evaluate("e => e.required")
    await details.locator("input[name=consent]").check()
    await details.scroll_into_view_if_needed()
    assert await serious_violations(page) == []
    await details.screenshot(path=str(SHOTS / "02-form-phone.png"))
    await details.get_by_role("button", name="Gửi ý kiến").click()

    await page.wait_for_url(re.compile(r"/comments/received/"))
    code = (await page.locator("#ma-bien-nhan").inner_text()).strip()
    assert RECEIPT.match(code), code
    assert await page.get_by_text("mục I › 1 › 1.1. Nông nghiệp, lâm nghiệp").is_visible()
    assert await fits_the_screen(page)
    await page.screenshot(path=str(SHOTS / "03-receipt-phone.png"), full_page=True)
    assert await serious_violations(page) == []

    await page.get_by_role("button", name="Tra cứu ý kiến này").click()
    await page.wait_for_url(f"{stack.url('feedback')}/receipt")  # the code travels in the body
    assert await page.get_by_text("Trạng thái: đã tiếp nhận.").is_visible()
    assert "sản lượng lúa" in await page.locator("blockquote").inner_text()
    await page.screenshot(path=str(SHOTS / "04-lookup-phone.png"), full_page=True)
    assert await serious_violations(page) == []
    await page.context.close()


async def test_the_form_works_by_keyboard_alone(stack: Stack, browser: Any) -> None:
    _document, page = await _reading(stack, browser, viewport={"width": 1280, "height": 900})
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.className") == "skip"
    for _ in range(60):
        await page.keyboard.press("Tab")
        focused = await page.evaluate("document.activeElement.textContent.trim()")
        if focused == "Góp ý chung cho toàn bộ dự thảo":
            break
    else:
        pytest.fail("the whole-document form cannot be reached with Tab")
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.name") == "text"
    await page.keyboard.type("Góp ý chung: dự thảo cần ngắn gọn hơn.")
    order = []
    for _ in range(8):
        await page.keyboard.press("Tab")
        order.append(
            await page.evaluate("document.activeElement.name || document.activeElement.tagName")
        )
        if order[-1] == "BUTTON":
            break
    assert order[:5] == ["name", "organisation", "address", "email", "phone"]
    assert "website" not in order  # the honeypot is out of the tab order
    await page.screenshot(path=str(SHOTS / "06-keyboard-desktop.png"))
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/comments/received/"))
    assert RECEIPT.match((await page.locator("#ma-bien-nhan").inner_text()).strip())
    await page.context.close()


async def test_without_javascript_a_refusal_keeps_the_text(stack: Stack, browser: Any) -> None:
    _document, page = await _reading(stack, browser, viewport=PHONE, java_script_enabled=False)
    whole = page.locator("details.whole")
    await whole.locator("summary").click()
    await whole.get_by_label("Ý kiến của bạn về toàn bộ dự thảo").fill("Ý kiến không có JavaScript")
    await whole.get_by_label("Thư điện tử (để nhận mã biên nhận)").fill("ban.doc@example.vn")
    await whole.get_by_role("button", name="Gửi ý kiến").click()  # consent not ticked
    await page.wait_for_url(f"{stack.url('feedback')}/comments")
    assert await page.locator("#err-gui-lai-consent").is_visible()
    assert "vui lòng đánh dấu đồng ý" in await page.locator("#err-gui-lai-consent").inner_text()
    assert await page.locator("#text-gui-lai").input_value() == "Ý kiến không có JavaScript"
    await page.screenshot(path=str(SHOTS / "05-error-phone.png"), full_page=True)
    await page.locator("#consent-gui-lai").check()
    await page.get_by_role("button", name="Gửi lại").click()
    assert RECEIPT.match((await page.locator("#ma-bien-nhan").inner_text()).strip())
    await page.context.close()


async def test_english_and_a_closed_window(stack: Stack, browser: Any) -> None:
    document, page = await _reading(stack, browser, viewport=PHONE, bypass_csp=True)
    await page.get_by_role("link", name="English").click()
    assert await page.get_by_text("Comment on the whole draft", exact=True).is_visible()
    assert await serious_violations(page) == []
    closed = await stack.client.post(
        f"{stack.url('documents')}/api/documents/{document['id']}/close", headers=stack.auth
    )
    assert closed.status_code == 200
    await page.goto(f"{stack.url('documents')}/d/{document['slug']}")
    assert await page.get_by_text("The consultation closed on").is_visible()
    assert await page.locator("form.comment").count() == 0
    await page.screenshot(path=str(SHOTS / "07-closed-english-phone.png"))
    await page.context.close()
