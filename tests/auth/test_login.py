"""Sign-in: Vietnamese messages that reveal nothing, throttling, CSRF on every staff form."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from services.aggregator.accounts.models import StaffAccount
from shared.audit import AuditEntry
from tests.stack import AGG, HTML, PASSWORD, Stack, csrf_from, sign_in

BAD = "Tên đăng nhập hoặc mật khẩu không đúng."


class TestMessages:
    async def test_a_wrong_password_and_an_unknown_account_read_the_same(
        self, stack: Stack
    ) -> None:
        await stack.account("co-that@tinh.gov.vn", ["clerk"])
        wrong = await sign_in(stack.browser(), "co-that@tinh.gov.vn", "sai-mat-khau-123")
        unknown = await sign_in(stack.browser(), "khong-co@tinh.gov.vn", "sai-mat-khau-123")
        assert wrong.status_code == unknown.status_code == 401
        assert BAD in wrong.text and BAD in unknown.text
        assert "gopy_session" not in wrong.headers.get("set-cookie", "")

    async def test_a_disabled_account_cannot_sign_in_and_is_told_nothing_more(
        self, stack: Stack
    ) -> None:
        account = await stack.account("nghi-viec@tinh.gov.vn", ["clerk"])
        async with stack.runtime("aggregator").sessions() as session:
            row = await session.get(StaffAccount, account.id)
            assert row is not None
            row.active = False
            await session.commit()
        answer = await sign_in(stack.browser(), "nghi-viec@tinh.gov.vn")
        assert answer.status_code == 401 and BAD in answer.text


class TestThrottling:
    async def test_after_five_failures_even_the_right_password_is_refused(
        self, stack: Stack
    ) -> None:
        await stack.account("bi-do@tinh.gov.vn", ["reviewer"])
        browser = stack.browser()
        for _ in range(5):
            assert (
                await sign_in(browser, "bi-do@tinh.gov.vn", "doan-mo-123456")
            ).status_code == 401
        refused = await sign_in(browser, "BI-DO@tinh.gov.vn ", PASSWORD)
        assert refused.status_code == 429
        assert "sai quá nhiều lần" in refused.text and "15 phút" in refused.text
        assert "gopy_session" not in refused.headers.get("set-cookie", "")
        # another account from the same address is not locked by these five
        await stack.account("nguoi-khac@tinh.gov.vn", ["reviewer"])
        assert (await sign_in(browser, "nguoi-khac@tinh.gov.vn")).status_code == 303

    async def test_one_address_guessing_many_accounts_is_stopped(self, stack: Stack) -> None:
        await stack.account("muc-tieu@tinh.gov.vn", ["admin"])
        browser = stack.browser()
        for n in range(12):  # the per-address limit in these tests
            await sign_in(browser, f"doan-{n}@tinh.gov.vn", "doan-mo-123456")
        refused = await sign_in(browser, "muc-tieu@tinh.gov.vn")
        assert refused.status_code == 429 and "sai quá nhiều lần" in refused.text


class TestCsrf:
    async def test_sign_in_without_or_with_a_forged_token_is_refused(self, stack: Stack) -> None:
        await stack.account("csrf@tinh.gov.vn", ["admin"])
        browser = stack.browser()
        await browser.get(f"{AGG}/dang-nhap")
        form = {"email": "csrf@tinh.gov.vn", "password": PASSWORD}
        for token in (
            None,
            "abc.def",
            csrf_from((await stack.browser().get(f"{AGG}/dang-nhap")).text),
        ):
            data = form if token is None else {**form, "csrf_token": token}
            answer = await browser.post(f"{AGG}/dang-nhap", data=data, headers=HTML)
            assert answer.status_code == 403
            assert "Biểu mẫu đã hết hạn hoặc không hợp lệ" in answer.text
            assert "gopy_session" not in answer.headers.get("set-cookie", "")

    async def test_a_staff_form_with_a_forged_or_foreign_token_changes_nothing(
        self, stack: Stack
    ) -> None:
        await stack.account("admin@tinh.gov.vn", ["admin"])
        await stack.account("admin2@tinh.gov.vn", ["admin"])
        mine, theirs = stack.browser(), stack.browser()
        await sign_in(mine, "admin@tinh.gov.vn")
        await sign_in(theirs, "admin2@tinh.gov.vn")
        foreign = csrf_from((await theirs.get(f"{AGG}/quan-tri/nhan-su")).text)
        invite = {"email": "moi@tinh.gov.vn", "roles": ["clerk"]}
        for token in (None, "", "x.y", foreign):
            data = invite if token is None else {**invite, "csrf_token": token}
            answer = await mine.post(f"{AGG}/quan-tri/nhan-su", data=data)
            assert answer.status_code == 403
            assert "Biểu mẫu đã hết hạn" in answer.json()["detail"]
        async with stack.runtime("aggregator").sessions() as session:
            count = select(func.count()).select_from(StaffAccount)
            assert (await session.execute(count)).scalar_one() == 2
        own = csrf_from((await mine.get(f"{AGG}/quan-tri/nhan-su")).text)
        assert (
            await mine.post(f"{AGG}/quan-tri/nhan-su", data={**invite, "csrf_token": own})
        ).status_code == 201


class TestInvitation:
    async def test_an_invited_clerk_sets_a_password_once_and_signs_in(self, stack: Stack) -> None:
        await stack.account("admin@tinh.gov.vn", ["admin"])
        admin = stack.browser()
        await sign_in(admin, "admin@tinh.gov.vn")
        page = await admin.get(f"{AGG}/quan-tri/nhan-su")
        answer = await admin.post(
            f"{AGG}/quan-tri/nhan-su",
            data={
                "email": "VanThu@tinh.gov.vn",
                "display_name": "Chị Lan",
                "roles": ["clerk"],
                "csrf_token": csrf_from(page.text),
            },
        )
        link = re.search(r"<code>(http://127\.0\.0\.1:8003/dat-mat-khau/[^<]+)</code>", answer.text)
        assert link, answer.text
        clerk = stack.browser()
        form = await clerk.get(link.group(1))
        assert form.status_code == 200 and "vanthu@tinh.gov.vn" in form.text
        data = {
            "password": "mat-khau-moi-2026",
            "confirm": "mat-khau-moi-2026",
            "csrf_token": csrf_from(form.text),
        }
        assert (await clerk.post(link.group(1), data=data)).status_code == 303
        assert (await clerk.post(link.group(1), data=data)).status_code == 404  # used once
        assert (await sign_in(clerk, "vanthu@tinh.gov.vn", "mat-khau-moi-2026")).status_code == 303
        me = (await clerk.get(f"{AGG}/api/staff/me")).json()
        assert me["roles"] == ["clerk"] and me["name"] == "Chị Lan"
        async with stack.runtime("aggregator").sessions() as session:
            actions = set((await session.execute(select(AuditEntry.action))).scalars())
        assert {"account.invited", "account.password_set", "account.signed_in"} <= actions
