"""Section by section in headless Chromium on a 375-px phone: the contents fold by Part, a
section's page says where it sits and leads to its neighbours, a comment on it is named by
path and title and leads back to it, and English mode leaves no Vietnamese outside the
draft's own words. Screenshots go to docs/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.browser import PHONE, SHOTS, fits_the_screen, needs_chromium, serious_violations
from tests.stack import Stack, StackFactory

pytestmark = needs_chromium

ROOT = Path(__file__).resolve().parent.parent.parent
SAMPLE = (ROOT / "samples" / "dien-bien-du-thao-bao-cao-chinh-tri-2020.txt").read_text("utf-8")
RECEIPT = re.compile(r"^[A-Z2-9]{5}-[A-Z2-9]{5}$")
TARGET = ["Phần thứ hai", "V", "1", "1.3"]

# Visible text outside every lang="vi" element, with Vietnamese letters or an ISO date in it.
LEFTOVER_VIETNAMESE = """() => {
  const vi = /[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]/i;
  const iso = /\\b\\d{4}-\\d{2}-\\d{2}\\b/;
  const found = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest('script,style,[hidden]')) continue;
    const tagged = parent.closest('[lang]');
    if (tagged && tagged.lang.toLowerCase().startsWith('vi')) continue;
    const text = node.textContent.trim();
    if (text && (vi.test(text) || iso.test(text))) found.push(text.slice(0, 80));
  }
  return found;
}"""


@pytest.fixture
def stack(make_stack: StackFactory) -> Stack:
    return make_stack().start()


async def test_the_contents_fold_and_a_section_page_leads_on(stack: Stack, browser: Any) -> None:
    document = await stack.publish_draft(SAMPLE, "dien-bien.txt")
    by_path = {tuple(s["path"]): s for s in document["sections"]}
    context = await browser.new_context(
        viewport=PHONE, locale="vi-VN", device_scale_factor=2, bypass_csp=True
    )
    page = await context.new_page()
    await page.goto(f"{stack.url('documents')}/d/{document['slug']}")
    assert await fits_the_screen(page)
    toc = page.locator("nav.toc")
    parts = toc.locator("details.part")
    assert await parts.count() == 2
    link = toc.get_by_role("link", name="1.3. Tập trung đầu tư phát triển hạ tầng", exact=False)
    assert not await link.first.is_visible(), "the contents start folded"
    toc_height = await toc.evaluate("e => e.getBoundingClientRect().height")
    assert toc_height < 400, f"the folded contents take {toc_height}px"
    await toc.scroll_into_view_if_needed()
    await page.screenshot(path=str(SHOTS / "01-doc-phone.png"))
    assert await serious_violations(page) == []

    await parts.nth(1).locator("summary").click()  # Phần thứ hai, opened without JavaScript
    target = by_path[tuple(TARGET)]
    entry = toc.locator(f'a[href="{target["url"][len(stack.url("documents")) :]}"]')
    assert await entry.is_visible()
    assert (await entry.inner_text()).startswith("1.3. Tập trung")  # the number printed once
    await entry.scroll_into_view_if_needed()
    await page.screenshot(path=str(SHOTS / "09-contents-open-phone.png"))
    await entry.click()

    await page.wait_for_url(target["url"])
    crumbs = await page.locator("nav.crumbs").inner_text()
    assert " ".join(crumbs.split()) == "Mục lục › Phần thứ hai › V › 1 › 1.3"
    assert (await page.locator("h1").inner_text()).startswith("1.3. Tập trung đầu tư")
    assert await fits_the_screen(page)
    await page.screenshot(path=str(SHOTS / "10-section-phone.png"))
    assert await serious_violations(page) == []
    height = await page.evaluate("document.documentElement.scrollHeight")
    assert height < 20 * PHONE["height"], f"a section page is {height}px tall"

    await page.get_by_role("link", name=re.compile("^Mục sau")).click()
    await page.wait_for_url(by_path[("Phần thứ hai", "V", "1", "1.4")]["url"])
    await page.get_by_role("link", name=re.compile("^‹ Mục trước")).click()
    await page.wait_for_url(target["url"])
    await page.get_by_role("link", name="V", exact=True).click()
    await page.wait_for_url(by_path[("Phần thứ hai", "V")]["url"])
    assert await page.get_by_role("heading", name="Các mục trong phần này").is_visible()
    await context.close()


async def test_a_comment_on_a_section_is_named_by_its_path_and_leads_back(
    stack: Stack, browser: Any
) -> None:
    document = await stack.publish_draft(SAMPLE, "dien-bien.txt")
    target = next(s for s in document["sections"] if s["path"] == TARGET)
    context = await browser.new_context(viewport=PHONE, locale="vi-VN", bypass_csp=True)
    page = await context.new_page()
    await page.goto(target["url"])
    label = "Ý kiến của bạn về mục Phần thứ hai › V › 1 › 1.3. Tập trung đầu tư phát triển"
    await page.get_by_label(label, exact=False).fill("Đề nghị ưu tiên đường lên các xã vùng cao.")
    await page.get_by_role("button", name="Gửi ý kiến").click()
    await page.wait_for_url(re.compile(re.escape(stack.url("feedback"))))
    assert RECEIPT.match((await page.locator("#ma-bien-nhan").inner_text()).strip())
    filed = await page.get_by_text("Ý kiến được xếp vào:").inner_text()
    assert "mục Phần thứ hai › V › 1 › 1.3. Tập trung đầu tư phát triển hạ tầng" in filed
    await page.get_by_role("link", name="Quay lại dự thảo").click()
    await page.wait_for_url(target["url"])  # the section the citizen came from
    await context.close()


async def test_english_leaves_no_vietnamese_on_the_citizen_pages(
    stack: Stack, browser: Any
) -> None:
    document = await stack.publish_draft(SAMPLE, "dien-bien.txt")
    target = next(s for s in document["sections"] if s["path"] == TARGET)
    context = await browser.new_context(viewport=PHONE, locale="en-GB", bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{stack.url('documents')}/?lang=en")
    assert await page.evaluate(LEFTOVER_VIETNAMESE) == []
    await page.goto(f"{stack.url('documents')}/d/{document['slug']}")
    assert await page.evaluate(LEFTOVER_VIETNAMESE) == []
    await page.goto(target["url"])
    assert await page.evaluate("document.documentElement.lang") == "en"
    assert await page.evaluate(LEFTOVER_VIETNAMESE) == []
    await page.get_by_label("Your comment on section", exact=False).fill(
        "Roads to upland communes."
    )
    await page.get_by_label("Full name").fill("Lò Văn Hùng")
    await page.locator("input[name=consent]").first.check()
    await page.get_by_role("button", name="Send comment").click()
    await page.wait_for_url(re.compile(re.escape(stack.url("feedback"))))
    code = (await page.locator("#ma-bien-nhan").inner_text()).strip()
    assert RECEIPT.match(code)
    assert await page.evaluate(LEFTOVER_VIETNAMESE) == []
    assert re.search(
        r"Received at: \d\d:\d\d on \d{1,2}/\d{1,2}/\d{4}\.", await page.inner_text("main")
    )
    await page.screenshot(path=str(SHOTS / "11-receipt-english-phone.png"), full_page=True)
    assert await serious_violations(page) == []
    await page.goto(f"{stack.url('feedback')}/receipt")
    await page.get_by_label("Receipt code").fill(code)
    await page.get_by_role("button", name="Look up").click()
    assert await page.get_by_text("Status: received.").is_visible()
    assert await page.evaluate(LEFTOVER_VIETNAMESE) == []
    await context.close()
