"""A clerk enters a postal letter in Chromium on a phone-sized screen: the letter becomes a
comment of channel ``post`` with a receipt code, and the aggregator counts it as post."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from shared.auth import SESSION_COOKIE
from tests.e2e.browser import PHONE, SHOTS, fits_the_screen, needs_chromium, serious_violations
from tests.helpers import eventually
from tests.stack import Stack, StackFactory, section_id

pytestmark = needs_chromium
RECEIPT = re.compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$")
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000000000500010d0a2db40000000049454e44ae426082"
)


async def test_a_clerk_enters_a_letter_and_it_is_tallied_as_post(
    make_stack: StackFactory, browser: Any, tmp_path: Path
) -> None:
    stack: Stack = make_stack(FEEDBACK_SCAN_DIR=str(tmp_path / "scans")).start()
    document = await stack.publish_draft()
    target = section_id(document, "Phần thứ nhất", "I", "1", "1.1")
    clerk = stack.token(["clerk"], subject="account:vanthu")
    context = await browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    await context.add_cookies(
        [{"name": SESSION_COOKIE, "value": clerk, "url": stack.url("feedback")}]
    )
    page = await context.new_page()
    await page.goto(f"{stack.url('feedback')}/van-thu/thu-buu-dien")
    assert await fits_the_screen(page)
    await page.get_by_label("Họ và tên").fill("Hoàng Văn Em")
    await page.get_by_label("Địa chỉ").fill("Bản Mường Thanh, TP. Điện Biên Phủ")
    scan = tmp_path / "trang-1.png"
    scan.write_bytes(PNG)
    await page.get_by_label("Bản quét hoặc ảnh chụp").set_input_files(str(scan))
    await page.locator("#section-0").select_option(target)
    await page.locator("#text-0").fill("Đề nghị bổ sung số liệu sản lượng lúa của huyện.")
    assert await serious_violations(page) == []
    await page.screenshot(path=str(SHOTS / "12-clerk-letter-phone.png"), full_page=True)
    await page.get_by_role("button", name="Ghi nhận thư góp ý").click()
    await page.wait_for_url(re.compile(r"/van-thu/thu-buu-dien/da-nhap"))
    code = (await page.locator(".receipt").first.inner_text()).strip()
    assert RECEIPT.match(code), code
    assert await page.get_by_role("link", name="Trang 1").is_visible()
    await context.close()

    def posts(rows: list[dict[str, Any]]) -> int:
        row = next((r for r in rows if r["section_id"] == target), None)
        return int(row["by_channel"]["post"]) if row else -1

    await eventually(lambda: stack.tally_rows(document["id"]), lambda r: posts(r) == 1, timeout=60)
    await stack.wait_consumed()
    rows = await stack.tally_rows(document["id"])
    assert posts(rows) == 1
    assert sum(r["by_channel"]["post"] for r in rows if len(r["path"]) == 1) == 1
