"""The staff pages as staff read them: one set of sign-out buttons, an audit log in words,
links between the three services' pages, and a publication that asks first."""

from __future__ import annotations

import re
from typing import Any

from tests.factories import SMALL_DRAFT
from tests.stack import AGG, DOCS, HTML, Stack, csrf_from, sign_in


async def _admin(stack: Stack) -> Any:
    await stack.account("quantri@tinh.gov.vn", ["admin"])
    browser = stack.browser()
    browser.headers.update(HTML)
    assert (await sign_in(browser, "quantri@tinh.gov.vn")).status_code == 303
    return browser


class TestAccountsPage:
    async def test_one_set_of_sign_out_buttons_and_an_audit_log_in_words(
        self, stack: Stack
    ) -> None:
        browser = await _admin(stack)
        page = await browser.get(f"{AGG}/quan-tri/nhan-su")
        assert page.text.count('action="/dang-xuat"') == 1
        assert page.text.count('action="/dang-xuat-moi-noi"') == 1
        await browser.post(
            f"{AGG}/quan-tri/nhan-su",
            data={
                "csrf_token": csrf_from(page.text),
                "email": "can-bo@tinh.gov.vn",
                "display_name": "Lò Thị Mai",
                "roles": ["reviewer"],
            },
        )
        page = await browser.get(f"{AGG}/quan-tri/nhan-su")
        log = page.text[page.text.index("Nhật ký thao tác") :]
        rows = re.findall(
            r"<tr><td>[^<]*</td><td>([^<]*)</td><td[^>]*>([^<]*)</td><td>([^<]*)</td>", log
        )
        assert (
            "quantri@tinh.gov.vn",
            "Mời cán bộ, tạo tài khoản",
            "Lò Thị Mai (can-bo@tinh.gov.vn)",
        ) in rows
        assert ("quantri@tinh.gov.vn", "Đăng nhập", "quantri@tinh.gov.vn") in rows
        assert "account.invited" not in [r[1] for r in rows]
        assert 'class="checks"' in page.text  # role boxes laid out in aligned rows

    async def test_a_wrong_password_names_the_field_the_form_asks_for(self, stack: Stack) -> None:
        await stack.account("quantri@tinh.gov.vn", ["admin"])
        refused = await sign_in(stack.browser(), "quantri@tinh.gov.vn", "sai-mat-khau-123")
        assert "Thư điện tử hoặc mật khẩu không đúng." in refused.text
        assert "Tên đăng nhập" not in refused.text


class TestLinksBetweenServices:
    async def test_workspace_administration_and_reviewer_assignment_link_each_other(
        self, stack: Stack
    ) -> None:
        state = await stack.draft_in_the_aggregator()
        browser = await _admin(stack)
        home = (await browser.get(f"{AGG}/tong-hop")).text
        assert f'href="{DOCS}/soan-thao"' in home
        reviewers = f'href="/quan-tri/du-thao/{state.document_id}/nguoi-xem-xet"'
        assert reviewers in home
        tallies = (await browser.get(f"{AGG}/tong-hop/d/{state.document_id}")).text
        assert reviewers in tallies
        drafts = (await browser.get(f"{DOCS}/soan-thao")).text
        assert f'href="{AGG}/tong-hop"' in drafts and f'href="{AGG}/quan-tri/nhan-su"' in drafts


class TestPublishing:
    async def test_publishing_asks_for_confirmation_then_says_it_is_done(
        self, stack: Stack
    ) -> None:
        browser = await _admin(stack)
        page = (await browser.get(f"{DOCS}/soan-thao")).text
        imported = await browser.post(
            f"{DOCS}/soan-thao/nhap",
            data={"csrf_token": csrf_from(page)},
            files={"file": ("du-thao.txt", SMALL_DRAFT.encode())},
        )
        location = DOCS + imported.headers["location"]
        page = (await browser.get(location)).text
        assert "Công bố và mở lấy ý kiến" in page
        form = {"csrf_token": csrf_from(page), "opens": "2026-01-01", "closes": "2099-12-31"}
        asked = await browser.post(f"{location}/mo", data=form)
        assert asked.status_code == 200
        assert "Bạn sắp công bố" in asked.text and "đến hết ngày <strong>31/12/2099" in asked.text
        listing = await browser.get(f"{DOCS}/api/documents")
        assert listing.json()[0]["status"] == "draft"
        done = await browser.post(
            f"{location}/mo", data={**form, "csrf_token": csrf_from(asked.text), "confirm": "1"}
        )
        assert done.status_code == 303 and done.headers["location"].endswith("?xong=cong-bo")
        page = (await browser.get(DOCS + done.headers["location"])).text
        assert 'role="status">Đã công bố dự thảo và mở lấy ý kiến.' in page
